using Rapport.Audit;
using Rapport.Data;

namespace Rapport.Privacy;

/// <summary>
/// Erasures and retention runs write raw SQL, which the audit interceptor does not see, so each leaves its own entry:
/// who (the signed-in user, or the system for the retention job), which customer or rule, and counts only.
/// </summary>
public sealed class PrivacyAudit(AuditLog audit) : IErasureFollowUp, IRetentionRunFollowUp
{
    public const string CustomerErased = "customer.erased";
    public const string RetentionRun = "retention.run";

    public Task ErasedAsync(RapportDbContext db, ErasureResult result, CancellationToken ct) =>
        audit.RecordAsync(CustomerErased, "customer", AuditLog.Id(result.CustomerId), result.CustomerId,
            new { result.RequestId, result.InteractionsScrubbed, result.TransactionsKept, result.RowsDeleted, result.RowsScrubbed }, ct);

    public Task RanAsync(RetentionRun run, CancellationToken ct) =>
        audit.RecordAsync(audit.CurrentActor.Kind == AuditActorKinds.System ? AuditActor.System("retention") : audit.CurrentActor, RetentionRun, "retention_rule", AuditLog.Id(run.RuleId), null,
            new { run = run.Id, run.DryRun, run.Matched, run.Deleted, run.Erased, failed = run.Error is not null }, ct);
}
