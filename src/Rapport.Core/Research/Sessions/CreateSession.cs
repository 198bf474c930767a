using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Customers.Changes;
using Rapport.Data;

namespace Rapport.Research.Sessions;

/// <summary>
/// A new interview or focus group. <c>Kind</c>, <c>Title</c> and <c>HeldAt</c> are required. The interviewer is a
/// user (<c>InterviewerUserId</c>; their name is kept) or a name; <c>ParticipantIds</c> are customers.
/// </summary>
public sealed record CreateSessionRequest(
    SessionKind? Kind,
    string? Title,
    DateTimeOffset? HeldAt,
    long? InterviewerUserId = null,
    string? InterviewerName = null,
    string? Transcript = null,
    string? Summary = null,
    IReadOnlyList<long>? ParticipantIds = null);

public sealed class CreateSession(RapportDbContext db, SessionEvidence evidence, GetSession get, CustomerChanges changes, TimeProvider clock, ILogger<CreateSession> logger)
{
    public async Task<Result<SessionDetail>> HandleAsync(CreateSessionRequest request, long? createdByUserId, CancellationToken ct)
    {
        var errors = new FieldErrors();
        SessionRules.Kind(errors, request.Kind);
        var title = SessionRules.Title(errors, request.Title);
        var heldAt = SessionRules.HeldAt(errors, request.HeldAt, clock.GetUtcNow());
        var name = SessionRules.InterviewerName(errors, request.InterviewerName);
        var transcript = SessionRules.Transcript(errors, request.Transcript);
        var summary = SessionRules.Summary(errors, request.Summary);
        if (errors.Any)
        {
            return errors.ToResult<SessionDetail>();
        }

        name = await SessionRules.InterviewerAsync(db, errors, request.InterviewerUserId, name, ct);
        var participants = await SessionRules.ParticipantsAsync(db, errors, request.ParticipantIds, "participantIds", ct);
        if (errors.Any)
        {
            return errors.ToResult<SessionDetail>();
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var session = new ResearchSession
        {
            Kind = request.Kind!.Value,
            Title = title!,
            HeldAt = heldAt!.Value,
            InterviewerUserId = request.InterviewerUserId,
            InterviewerName = name,
            Transcript = transcript,
            Summary = summary,
            CreatedByUserId = createdByUserId,
        };
        db.Set<ResearchSession>().Add(session);
        await db.SaveChangesAsync(ct);
        db.Set<ResearchSessionParticipant>().AddRange(participants.Select(p => new ResearchSessionParticipant { SessionId = session.Id, CustomerId = p }));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsForeignKeyViolation(e))
        {
            // A participant was deleted between the check and the insert.
            db.ChangeTracker.Clear();
            return Result<SessionDetail>.Invalid("participantIds", "A participant no longer exists; reload and try again.");
        }

        db.ChangeTracker.Clear();
        await evidence.RefreshAsync(session.Id, ct);
        // Taking part is engagement: the participants' stages follow (CustomerChangeWorker).
        await changes.QueueAsync(participants, ct);
        await tx.CommitAsync(ct);
        logger.LogInformation("Created research session {SessionId} with {Participants} participants", session.Id, participants.Count);
        return await get.HandleAsync(session.Id, ct);
    }
}
