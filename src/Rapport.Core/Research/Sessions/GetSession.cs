using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Customers;
using Rapport.Data;
using Rapport.Values;

namespace Rapport.Research.Sessions;

/// <summary>A session with its participants (by name) and its excerpts in transcript order with their codes.</summary>
public sealed class GetSession(RapportDbContext db)
{
    public async Task<Result<SessionDetail>> HandleAsync(long id, CancellationToken ct)
    {
        var s = await db.Set<ResearchSession>().AsNoTracking().SingleOrDefaultAsync(x => x.Id == id, ct);
        if (s is null)
        {
            return SessionRules.NotFound<SessionDetail>(id);
        }

        var participants = await (
                from p in db.Set<ResearchSessionParticipant>().AsNoTracking()
                join c in db.Customers.AsNoTracking() on p.CustomerId equals c.Id
                where p.SessionId == id
                select new { c.Id, c.FirstName, c.LastName, c.Email })
            .ToListAsync(ct);
        var excerpts = await db.Set<ResearchExcerpt>().AsNoTracking().Where(e => e.SessionId == id)
            .OrderBy(e => e.Start).ThenBy(e => e.Id).ToListAsync(ct);
        var ids = excerpts.Select(e => e.Id).ToList();
        var codes = await (
                from c in db.Set<ResearchExcerptCode>().AsNoTracking()
                join v in db.TaxonomyValues.AsNoTracking() on c.ValueId equals v.Id into values
                from v in values.DefaultIfEmpty()
                where ids.Contains(c.ExcerptId)
                orderby c.Id
                select new { c.Id, c.ExcerptId, Key = v == null ? null : v.Key, Name = v == null ? null : v.Name, c.Theme, c.Stance })
            .ToListAsync(ct);
        var byExcerpt = codes.ToLookup(c => c.ExcerptId, c => new ExcerptCodeDetail(c.Id, c.Key, c.Name, c.Theme, c.Stance));
        return Result<SessionDetail>.Ok(new SessionDetail(
            s.Id, s.Kind, s.Title, s.HeldAt, s.InterviewerUserId, s.InterviewerName, s.Transcript, s.Summary,
            participants.Select(p => new SessionParticipant(p.Id, CustomerNames.Display(p.FirstName, p.LastName, p.Email, p.Id)))
                .OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase).ThenBy(p => p.CustomerId).ToList(),
            excerpts.Select(e => new ExcerptDetail(e.Id, e.Start, e.Length, e.Text, e.SpeakerCustomerId, e.Note, [.. byExcerpt[e.Id]], e.CreatedAt)).ToList(),
            s.CreatedAt, s.UpdatedAt, s.Version));
    }
}

/// <summary>Filters of the session list: a kind, a participant.</summary>
public sealed record ListSessionsQuery(SessionKind? Kind = null, long? CustomerId = null, int? Limit = null, string? After = null);

/// <summary>Sessions newest first (held_at desc, id desc), keyset-paginated.</summary>
public sealed class ListSessions(RapportDbContext db)
{
    public async Task<Result<Page<SessionRow>>> HandleAsync(ListSessionsQuery query, CancellationToken ct)
    {
        var errors = new FieldErrors();
        Cursor.TryLimit(query.Limit, errors, out var limit);
        Keyset.TryDecode(query.After, errors, out (DateTimeOffset At, long Id)? after);
        if (errors.Any)
        {
            return errors.ToResult<Page<SessionRow>>();
        }

        var sessions = db.Set<ResearchSession>().AsNoTracking();
        if (query.Kind is { } kind)
        {
            sessions = sessions.Where(s => s.Kind == kind);
        }

        if (query.CustomerId is { } customerId)
        {
            sessions = sessions.Where(s => db.Set<ResearchSessionParticipant>().Any(p => p.SessionId == s.Id && p.CustomerId == customerId));
        }

        if (after is { } a)
        {
            sessions = sessions.Where(s => s.HeldAt < a.At || (s.HeldAt == a.At && s.Id < a.Id));
        }

        var rows = await sessions
            .OrderByDescending(s => s.HeldAt).ThenByDescending(s => s.Id)
            .Take(limit + 1)
            .Select(s => new SessionRow(
                s.Id, s.Kind, s.Title, s.HeldAt, s.InterviewerName,
                db.Set<ResearchSessionParticipant>().Count(p => p.SessionId == s.Id),
                db.Set<ResearchExcerpt>().Count(e => e.SessionId == s.Id),
                s.Transcript.Length))
            .ToListAsync(ct);
        return Result<Page<SessionRow>>.Ok(Keyset.ToPage(rows, limit, r => Keyset.Encode(r.HeldAt, r.Id)));
    }
}
