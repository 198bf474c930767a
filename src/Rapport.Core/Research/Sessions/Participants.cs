using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Customers.Changes;
using Rapport.Data;

namespace Rapport.Research.Sessions;

/// <summary>Adds customers to a session (already present ones are kept); the session's evidence follows.</summary>
public sealed class AddParticipants(RapportDbContext db, SessionEvidence evidence, GetSession get, CustomerChanges changes, ILogger<AddParticipants> logger)
{
    public async Task<Result<SessionDetail>> HandleAsync(long sessionId, IReadOnlyList<long>? customerIds, CancellationToken ct)
    {
        if (!await db.Set<ResearchSession>().AnyAsync(s => s.Id == sessionId, ct))
        {
            return SessionRules.NotFound<SessionDetail>(sessionId);
        }

        var errors = new FieldErrors();
        if (customerIds is null || customerIds.Count == 0)
        {
            errors.Add("customerIds", "Name at least one customer.");
            return errors.ToResult<SessionDetail>();
        }

        var ids = await SessionRules.ParticipantsAsync(db, errors, customerIds, "customerIds", ct);
        if (errors.Any)
        {
            return errors.ToResult<SessionDetail>();
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var present = await db.Set<ResearchSessionParticipant>().Where(p => p.SessionId == sessionId).Select(p => p.CustomerId).ToListAsync(ct);
        var added = ids.Except(present).ToList();
        if (present.Count + added.Count > SessionLimits.Participants)
        {
            return Result<SessionDetail>.Invalid("customerIds", $"A session has at most {SessionLimits.Participants} participants.");
        }

        if (added.Count > 0)
        {
            db.Set<ResearchSessionParticipant>().AddRange(added.Select(c => new ResearchSessionParticipant { SessionId = sessionId, CustomerId = c }));
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException e) when (DbErrors.IsForeignKeyViolation(e) || DbErrors.IsUniqueViolation(e))
            {
                db.ChangeTracker.Clear();
                return Result<SessionDetail>.Conflict("The participants changed meanwhile; reload and try again.", "customerIds");
            }

            db.ChangeTracker.Clear();
            await evidence.RefreshAsync(sessionId, ct);
            // Taking part is engagement: the participants' stages follow (CustomerChangeWorker).
            await changes.QueueAsync(added, ct);
        }

        await tx.CommitAsync(ct);
        logger.LogInformation("Added {Count} participants to research session {SessionId}", added.Count, sessionId);
        return await get.HandleAsync(sessionId, ct);
    }
}

/// <summary>
/// Removes a customer from a session. Refused (409) while an excerpt names them as its speaker: recode or delete those
/// excerpts first, so no evidence silently moves to the other participants.
/// </summary>
public sealed class RemoveParticipant(RapportDbContext db, SessionEvidence evidence, GetSession get, ILogger<RemoveParticipant> logger)
{
    public async Task<Result<SessionDetail>> HandleAsync(long sessionId, long customerId, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (!await db.Set<ResearchSession>().AnyAsync(s => s.Id == sessionId, ct))
        {
            return SessionRules.NotFound<SessionDetail>(sessionId);
        }

        var spoken = await db.Set<ResearchExcerpt>().Where(e => e.SessionId == sessionId && e.SpeakerCustomerId == customerId)
            .OrderBy(e => e.Id).Select(e => e.Id).Take(10).ToListAsync(ct);
        if (spoken.Count > 0)
        {
            return Result<SessionDetail>.Conflict(
                $"Customer {customerId} is the speaker of excerpt{(spoken.Count == 1 ? "" : "s")} {string.Join(", ", spoken)}: delete {(spoken.Count == 1 ? "it" : "them")} first.");
        }

        var removed = await db.Set<ResearchSessionParticipant>().Where(p => p.SessionId == sessionId && p.CustomerId == customerId).ExecuteDeleteAsync(ct);
        if (removed == 0)
        {
            return Result<SessionDetail>.NotFound($"Customer {customerId} is not a participant of session {sessionId}.");
        }

        await evidence.RefreshAsync(sessionId, ct);
        await tx.CommitAsync(ct);
        logger.LogInformation("Removed customer {CustomerId} from research session {SessionId}", customerId, sessionId);
        return await get.HandleAsync(sessionId, ct);
    }
}
