using Microsoft.EntityFrameworkCore;
using Rapport.Customers.Changes;
using Rapport.Data;
using Rapport.Interactions;

namespace Rapport.Tasks;

/// <summary>
/// "Done by contact": when a customer with an open playbook task is contacted (an interaction that is not internal,
/// later than the last contact the task was made after), the task is completed automatically, with no user. Runs
/// after stages (100) and segments (200), on the writer's transaction; set-based for bulk changes.
/// </summary>
public sealed class CompleteTasksOnContact(RapportDbContext db, TimeProvider clock) : ICustomerChangeHandler
{
    public int Order => 300;

    public Task CustomerChangedAsync(long customerId, CancellationToken ct) =>
        CompleteAsync(db.Set<CustomerTask>().Where(t => t.CustomerId == customerId), ct);

    public Task CustomersChangedAsync(IReadOnlyList<long> customerIds, CancellationToken ct) =>
        CompleteAsync(db.Set<CustomerTask>().Where(t => t.CustomerId != null && customerIds.Contains(t.CustomerId.Value)), ct);

    /// <summary>Analytics and value profiles do not contact anyone.</summary>
    public Task AllChangedAsync(ChangedFacts facts, CancellationToken ct) => Task.CompletedTask;

    private async Task CompleteAsync(IQueryable<CustomerTask> tasks, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await tasks
            .Where(t => t.Status == FollowUpStatus.Open && t.Origin == TaskOrigin.Playbook &&
                        db.Interactions.Any(i => i.CustomerId == t.CustomerId && i.Direction != InteractionDirection.Internal &&
                                                 (t.LastContactAt == null || i.OccurredAt > t.LastContactAt)))
            .ExecuteUpdateAsync(s => s
                .SetProperty(t => t.Status, FollowUpStatus.Done)
                .SetProperty(t => t.CompletedAt, now)
                .SetProperty(t => t.CompletedByUserId, (long?)null)
                .SetProperty(t => t.DoneByContact, true)
                .SetProperty(t => t.UpdatedAt, now)
                .SetProperty(t => t.Version, t => t.Version + 1), ct);
    }
}
