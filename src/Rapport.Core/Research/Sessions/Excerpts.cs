using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Data;

namespace Rapport.Research.Sessions;

/// <summary>
/// A passage of the transcript to code. Give <c>Start</c> and <c>Length</c> (UTF-16 offsets, what the page's selection
/// sends), or the quoted <c>Text</c> (its first occurrence, or the one at <c>Start</c>), or both (they must agree).
/// <c>SpeakerCustomerId</c> must be a participant; without one the excerpt speaks for every participant.
/// </summary>
public sealed record AddExcerptRequest(
    int? Start = null,
    int? Length = null,
    string? Text = null,
    long? SpeakerCustomerId = null,
    string? Note = null,
    IReadOnlyList<ExcerptCodeRequest?>? Codes = null);

public sealed class AddExcerpt(RapportDbContext db, SessionEvidence evidence, ILogger<AddExcerpt> logger)
{
    public async Task<Result<ExcerptDetail>> HandleAsync(long sessionId, AddExcerptRequest request, long? createdByUserId, CancellationToken ct)
    {
        var session = await db.Set<ResearchSession>().AsNoTracking().Where(s => s.Id == sessionId)
            .Select(s => new { s.Id, s.HeldAt, s.Transcript }).SingleOrDefaultAsync(ct);
        if (session is null)
        {
            return SessionRules.NotFound<ExcerptDetail>(sessionId);
        }

        var errors = new FieldErrors();
        var span = Locate(errors, session.Transcript, request.Start, request.Length, request.Text);
        var note = Validate.Clean(request.Note);
        TextRules.MultiLine(errors, "note", note, SessionLimits.Note);
        var codes = await SessionRules.CodesAsync(db, errors, request.Codes, ct);
        if (request.SpeakerCustomerId is { } speaker &&
            !await db.Set<ResearchSessionParticipant>().AnyAsync(p => p.SessionId == sessionId && p.CustomerId == speaker, ct))
        {
            errors.Add("speakerCustomerId", $"Customer {speaker} is not a participant of this session.");
        }

        if (errors.Any)
        {
            return errors.ToResult<ExcerptDetail>();
        }

        if (await db.Set<ResearchExcerpt>().CountAsync(e => e.SessionId == sessionId, ct) >= SessionLimits.ExcerptsPerSession)
        {
            return Result<ExcerptDetail>.Conflict($"A session has at most {SessionLimits.ExcerptsPerSession:N0} excerpts.");
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var excerpt = new ResearchExcerpt
        {
            SessionId = sessionId,
            Start = span!.Value.Start,
            Length = span.Value.Length,
            Text = session.Transcript.Substring(span.Value.Start, span.Value.Length),
            SpeakerCustomerId = request.SpeakerCustomerId,
            Note = note,
            CreatedByUserId = createdByUserId,
        };
        db.Set<ResearchExcerpt>().Add(excerpt);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsForeignKeyViolation(e))
        {
            db.ChangeTracker.Clear();
            return SessionRules.NotFound<ExcerptDetail>(sessionId);
        }

        foreach (var code in codes)
        {
            code.ExcerptId = excerpt.Id;
        }

        db.Set<ResearchExcerptCode>().AddRange(codes);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        await evidence.RefreshExcerptAsync(excerpt, codes, session.HeldAt, ct);
        await tx.CommitAsync(ct);
        logger.LogInformation("Coded excerpt {ExcerptId} of research session {SessionId} with {Codes} codes", excerpt.Id, sessionId, codes.Count);
        return Result<ExcerptDetail>.Ok(await ExcerptQueries.DetailAsync(db, excerpt.Id, ct));
    }

    /// <summary>The span the request names, inside the transcript and not blank; null with a field error otherwise.</summary>
    internal static (int Start, int Length)? Locate(FieldErrors errors, string transcript, int? start, int? length, string? text)
    {
        if (transcript.Length == 0)
        {
            errors.Add("start", "The session has no transcript yet: add one before coding excerpts.");
            return null;
        }

        if (!string.IsNullOrEmpty(text))
        {
            text = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        }

        if (start is null && length is null)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                errors.Add("text", "Give the quoted text, or start and length.");
                return null;
            }

            var at = transcript.IndexOf(text, StringComparison.Ordinal);
            if (at < 0)
            {
                errors.Add("text", "The transcript does not contain this text (it must be copied exactly).");
                return null;
            }

            return Trim(transcript, at, text.Length);
        }

        if (start is not { } s || s < 0 || s >= transcript.Length)
        {
            errors.Add("start", $"Must be an offset within the transcript (0 to {transcript.Length - 1}).");
            return null;
        }

        var l = length ?? text?.Length;
        if (l is not { } len || len < 1 || len > transcript.Length - s)
        {
            errors.Add("length", $"Must be between 1 and {transcript.Length - s}: the excerpt must end within the transcript.");
            return null;
        }

        if (!string.IsNullOrEmpty(text) && !transcript.AsSpan(s, len).SequenceEqual(text))
        {
            errors.Add("text", "The transcript does not have this text at this start and length.");
            return null;
        }

        var trimmed = Trim(transcript, s, len);
        if (trimmed is null)
        {
            errors.Add("length", "The excerpt is only white space.");
        }

        return trimmed;
    }

    /// <summary>Leading and trailing white space is not part of an excerpt (a selection in the browser often takes a line break).</summary>
    private static (int Start, int Length)? Trim(string transcript, int start, int length)
    {
        var end = start + length;
        while (start < end && char.IsWhiteSpace(transcript[start]))
        {
            start++;
        }

        while (end > start && char.IsWhiteSpace(transcript[end - 1]))
        {
            end--;
        }

        return end > start ? (start, end - start) : null;
    }
}

/// <summary>Replaces an excerpt's codes (values and themes with their stances), and its evidence with them.</summary>
public sealed class SetExcerptCodes(RapportDbContext db, SessionEvidence evidence, ILogger<SetExcerptCodes> logger)
{
    public async Task<Result<ExcerptDetail>> HandleAsync(long sessionId, long excerptId, IReadOnlyList<ExcerptCodeRequest?>? codes, CancellationToken ct)
    {
        var excerpt = await db.Set<ResearchExcerpt>().AsNoTracking().SingleOrDefaultAsync(e => e.Id == excerptId && e.SessionId == sessionId, ct);
        if (excerpt is null)
        {
            return ExcerptQueries.NotFound(sessionId, excerptId);
        }

        var errors = new FieldErrors();
        var list = await SessionRules.CodesAsync(db, errors, codes, ct);
        if (errors.Any)
        {
            return errors.ToResult<ExcerptDetail>();
        }

        var heldAt = await db.Set<ResearchSession>().Where(s => s.Id == sessionId).Select(s => s.HeldAt).SingleAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Set<ResearchExcerptCode>().Where(c => c.ExcerptId == excerptId).ExecuteDeleteAsync(ct);
        foreach (var code in list)
        {
            code.ExcerptId = excerptId;
        }

        db.Set<ResearchExcerptCode>().AddRange(list);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        await evidence.RefreshExcerptAsync(excerpt, list, heldAt, ct);
        await tx.CommitAsync(ct);
        logger.LogInformation("Recoded excerpt {ExcerptId} with {Codes} codes", excerptId, list.Count);
        return Result<ExcerptDetail>.Ok(await ExcerptQueries.DetailAsync(db, excerptId, ct));
    }
}

/// <summary>Deletes an excerpt, its codes and the evidence they gave.</summary>
public sealed class DeleteExcerpt(RapportDbContext db, ILogger<DeleteExcerpt> logger)
{
    public async Task<Result<long>> HandleAsync(long sessionId, long excerptId, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await db.Set<ResearchExcerpt>().Where(e => e.Id == excerptId && e.SessionId == sessionId).ExecuteDeleteAsync(ct) == 0)
        {
            return ExcerptQueries.NotFound(sessionId, excerptId).As<long>();
        }

        await Evidence.ValueEvidenceStore.RemoveAsync(db, Evidence.EvidenceSources.Excerpt, excerptId, ct);
        await tx.CommitAsync(ct);
        logger.LogInformation("Deleted excerpt {ExcerptId} of research session {SessionId}", excerptId, sessionId);
        return Result<long>.Ok(excerptId);
    }
}

internal static class ExcerptQueries
{
    public static Result<ExcerptDetail> NotFound(long sessionId, long excerptId) =>
        Result<ExcerptDetail>.NotFound($"Session {sessionId} has no excerpt {excerptId}.");

    public static async Task<ExcerptDetail> DetailAsync(RapportDbContext db, long excerptId, CancellationToken ct)
    {
        var e = await db.Set<ResearchExcerpt>().AsNoTracking().SingleAsync(x => x.Id == excerptId, ct);
        var codes = await (
                from c in db.Set<ResearchExcerptCode>().AsNoTracking()
                join v in db.TaxonomyValues.AsNoTracking() on c.ValueId equals v.Id into values
                from v in values.DefaultIfEmpty()
                where c.ExcerptId == excerptId
                orderby c.Id
                select new ExcerptCodeDetail(c.Id, v == null ? null : v.Key, v == null ? null : v.Name, c.Theme, c.Stance))
            .ToListAsync(ct);
        return new ExcerptDetail(e.Id, e.Start, e.Length, e.Text, e.SpeakerCustomerId, e.Note, codes, e.CreatedAt);
    }
}
