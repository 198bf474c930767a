using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Customers;
using Rapport.Data;

namespace Rapport.Research.Sessions;

/// <summary>
/// A partial update of a session (merge-patch semantics): an absent field keeps its value, null clears an optional one.
/// A new transcript keeps every excerpt whose words it still contains (an excerpt moves with its words; one whose words
/// are gone makes the change a field error on <c>transcript</c>: delete that excerpt first).
/// </summary>
public sealed record SessionChanges
{
    public Optional<SessionKind?> Kind { get; init; }
    public Optional<string?> Title { get; init; }
    public Optional<DateTimeOffset?> HeldAt { get; init; }
    public Optional<long?> InterviewerUserId { get; init; }
    public Optional<string?> InterviewerName { get; init; }
    public Optional<string?> Transcript { get; init; }
    public Optional<string?> Summary { get; init; }
}

public sealed class UpdateSession(RapportDbContext db, SessionEvidence evidence, GetSession get, TimeProvider clock, ILogger<UpdateSession> logger)
{
    public async Task<Result<SessionDetail>> HandleAsync(long id, int? expectedVersion, SessionChanges changes, CancellationToken ct)
    {
        var session = await db.Set<ResearchSession>().SingleOrDefaultAsync(s => s.Id == id, ct);
        if (session is null)
        {
            return SessionRules.NotFound<SessionDetail>(id);
        }

        if (expectedVersion is { } version && version != session.Version)
        {
            db.ChangeTracker.Clear();
            return Result<SessionDetail>.PreconditionFailed(
                $"Session {id} is at version {session.Version}, not {version}: it changed since you read it. Read it again and retry with the new ETag.");
        }

        var errors = new FieldErrors();
        if (changes.Kind.IsSet)
        {
            SessionRules.Kind(errors, changes.Kind.Value);
            if (!errors.Any)
            {
                session.Kind = changes.Kind.Value!.Value;
            }
        }

        if (changes.Title.IsSet && SessionRules.Title(errors, changes.Title.Value) is { } title)
        {
            session.Title = title;
        }

        if (changes.HeldAt.IsSet && SessionRules.HeldAt(errors, changes.HeldAt.Value, clock.GetUtcNow()) is { } heldAt)
        {
            session.HeldAt = heldAt;
        }

        if (changes.Summary.IsSet)
        {
            session.Summary = SessionRules.Summary(errors, changes.Summary.Value);
        }

        var name = changes.InterviewerName.IsSet ? SessionRules.InterviewerName(errors, changes.InterviewerName.Value) : session.InterviewerName;
        if (changes.InterviewerUserId.IsSet)
        {
            session.InterviewerUserId = changes.InterviewerUserId.Value;
            name = await SessionRules.InterviewerAsync(db, errors, changes.InterviewerUserId.Value, changes.InterviewerName.IsSet ? name : null, ct);
        }

        session.InterviewerName = name;

        List<ResearchExcerpt> moved = [];
        var transcriptChanged = false;
        if (changes.Transcript.IsSet)
        {
            var transcript = SessionRules.Transcript(errors, changes.Transcript.Value);
            if (!errors.Any && transcript != session.Transcript)
            {
                moved = await RelocateAsync(id, transcript, errors, ct);
                session.Transcript = transcript;
                transcriptChanged = true;
            }
        }

        if (errors.Any)
        {
            db.ChangeTracker.Clear();
            return errors.ToResult<SessionDetail>();
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return Result<SessionDetail>.PreconditionFailed($"Session {id} changed while it was being updated; read it again.");
        }

        db.ChangeTracker.Clear();
        // The date changes every piece of evidence's observed_at; the transcript its mentions and excerpt offsets.
        await evidence.RefreshAsync(id, ct);
        await tx.CommitAsync(ct);
        logger.LogInformation("Updated research session {SessionId} to version {Version} ({Moved} excerpts moved, transcript changed: {TranscriptChanged})",
            id, session.Version, moved.Count, transcriptChanged);
        return await get.HandleAsync(id, ct);
    }

    /// <summary>Moves each excerpt to where its words are in the new transcript (the nearest occurrence to where it was).</summary>
    private async Task<List<ResearchExcerpt>> RelocateAsync(long sessionId, string transcript, FieldErrors errors, CancellationToken ct)
    {
        var excerpts = await db.Set<ResearchExcerpt>().Where(e => e.SessionId == sessionId).ToListAsync(ct);
        var moved = new List<ResearchExcerpt>();
        var lost = new List<long>();
        foreach (var e in excerpts)
        {
            if (e.Start + e.Length <= transcript.Length && string.CompareOrdinal(transcript, e.Start, e.Text, 0, e.Length) == 0)
            {
                continue;
            }

            var best = -1;
            for (var at = transcript.IndexOf(e.Text, StringComparison.Ordinal); at >= 0; at = transcript.IndexOf(e.Text, at + 1, StringComparison.Ordinal))
            {
                if (best < 0 || Math.Abs(at - e.Start) < Math.Abs(best - e.Start))
                {
                    best = at;
                }
            }

            if (best < 0)
            {
                lost.Add(e.Id);
                continue;
            }

            e.Start = best;
            moved.Add(e);
        }

        if (lost.Count > 0)
        {
            errors.Add("transcript", $"The new transcript no longer contains the words of excerpt{(lost.Count == 1 ? "" : "s")} {string.Join(", ", lost.Take(10))}: delete {(lost.Count == 1 ? "it" : "them")} first, or keep those words.");
        }

        return moved;
    }
}

/// <summary>Deletes a session with its participants' links, excerpts and codes, and the evidence they gave.</summary>
public sealed class DeleteSession(RapportDbContext db, SessionEvidence evidence, ILogger<DeleteSession> logger)
{
    public async Task<Result<long>> HandleAsync(long id, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (!await db.Set<ResearchSession>().AnyAsync(s => s.Id == id, ct))
        {
            return SessionRules.NotFound<long>(id);
        }

        await evidence.RemoveAsync(id, ct);
        await db.Set<ResearchSession>().Where(s => s.Id == id).ExecuteDeleteAsync(ct);
        await tx.CommitAsync(ct);
        logger.LogInformation("Deleted research session {SessionId}", id);
        return Result<long>.Ok(id);
    }
}
