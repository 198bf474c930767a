using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Data;

namespace Rapport.Tasks;

public enum TaskAction
{
    /// <summary>Open → done.</summary>
    Complete,
    /// <summary>Done or cancelled → open.</summary>
    Reopen,
    /// <summary>Open → cancelled.</summary>
    Cancel,
}

/// <summary>
/// Completes, reopens or cancels a task. A transition that does not apply (completing a done task) is a conflict;
/// reopening a playbook task while the customer has another open one is a conflict too (one open playbook task per
/// customer). <c>expectedVersion</c> is optional here: a status change is safe to repeat.
/// </summary>
public sealed class ChangeTaskStatus(RapportDbContext db, GetTask get, TimeProvider clock, ILogger<ChangeTaskStatus> logger)
{
    public async Task<Result<TaskDetail>> HandleAsync(long id, TaskAction action, int? expectedVersion, long? userId, CancellationToken ct)
    {
        var task = await db.Set<CustomerTask>().SingleOrDefaultAsync(t => t.Id == id, ct);
        if (task is null)
        {
            return Result<TaskDetail>.NotFound($"Task {id} does not exist.");
        }

        if (expectedVersion is { } version && version != task.Version)
        {
            return Result<TaskDetail>.PreconditionFailed($"Task {id} is at version {task.Version}, not {version}: it changed since you read it.");
        }

        var (from, to) = action switch
        {
            TaskAction.Complete => (new[] { FollowUpStatus.Open }, FollowUpStatus.Done),
            TaskAction.Cancel => ([FollowUpStatus.Open], FollowUpStatus.Cancelled),
            _ => ([FollowUpStatus.Done, FollowUpStatus.Cancelled], FollowUpStatus.Open),
        };
        if (!from.Contains(task.Status))
        {
            return Result<TaskDetail>.Conflict($"Task {id} is {task.Status.ToString().ToLowerInvariant()}: it cannot be {Past(action)}.", "status");
        }

        if (to == FollowUpStatus.Open && task.Origin == TaskOrigin.Playbook && task.CustomerId is { } customerId &&
            await db.Set<CustomerTask>().AnyAsync(t => t.CustomerId == customerId && t.Status == FollowUpStatus.Open && t.Origin == TaskOrigin.Playbook && t.Id != id, ct))
        {
            return Result<TaskDetail>.Conflict($"Customer {customerId} already has an open playbook task; complete or cancel it first.", "status");
        }

        task.Status = to;
        task.CompletedAt = to == FollowUpStatus.Open ? null : clock.GetUtcNow();
        task.CompletedByUserId = to == FollowUpStatus.Open ? null : userId;
        task.DoneByContact = false;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return Result<TaskDetail>.PreconditionFailed($"Task {id} changed while it was being updated; read it again.");
        }

        logger.LogInformation("Task {TaskId} {Action}", id, action);
        return await get.HandleAsync(id, ct);
    }

    private static string Past(TaskAction action) => action switch
    {
        TaskAction.Complete => "completed",
        TaskAction.Cancel => "cancelled",
        _ => "reopened",
    };
}
