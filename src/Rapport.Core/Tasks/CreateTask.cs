using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Customers;
using Rapport.Data;

namespace Rapport.Tasks;

/// <summary>
/// A manual task. <c>Title</c> is required (one line, at most 200 characters); <c>DueOn</c> defaults to today (UTC);
/// <c>AssigneeUserId</c> defaults to the creating user (an API key without a user leaves the task unassigned);
/// <c>CustomerId</c> is optional.
/// </summary>
public sealed record CreateTaskRequest(
    string? Title,
    long? CustomerId = null,
    long? AssigneeUserId = null,
    DateOnly? DueOn = null,
    string? Notes = null);

/// <summary>A partial update (merge patch): absent keeps, null clears (<c>Title</c> and <c>DueOn</c> cannot be cleared).</summary>
public sealed record TaskChanges
{
    public Optional<string?> Title { get; init; }
    public Optional<string?> Notes { get; init; }
    public Optional<DateOnly?> DueOn { get; init; }
    public Optional<long?> AssigneeUserId { get; init; }
    public Optional<long?> CustomerId { get; init; }
}

/// <summary>Rules shared by creating and changing a task.</summary>
internal static class TaskRules
{
    public const int TitleMaxLength = 200, NotesMaxLength = 4000;
    public static readonly DateOnly EarliestDue = new(2000, 1, 1);

    public static string? Title(FieldErrors errors, string? value)
    {
        var title = Validate.Clean(value);
        if (title is null)
        {
            errors.Add("title", "Is required.");
        }

        TextRules.SingleLine(errors, "title", title, TitleMaxLength);
        return title;
    }

    public static string? Notes(FieldErrors errors, string? value)
    {
        var notes = Validate.Clean(value);
        TextRules.MultiLine(errors, "notes", notes, NotesMaxLength);
        return notes;
    }

    public static void Due(FieldErrors errors, DateOnly due, DateOnly today)
    {
        if (due < EarliestDue || due > today.AddYears(10))
        {
            errors.Add("dueOn", $"Must be a day between {EarliestDue:yyyy-MM-dd} and ten years from now.");
        }
    }

    /// <summary>Checks that the customer and the (enabled) assignee exist; adds field errors otherwise.</summary>
    public static async Task CheckReferencesAsync(RapportDbContext db, FieldErrors errors, long? customerId, long? assigneeId, CancellationToken ct)
    {
        if (customerId is { } c && !await db.Customers.AnyAsync(x => x.Id == c, ct))
        {
            errors.Add("customerId", $"Customer {c} does not exist.");
        }

        if (assigneeId is { } u && !await db.Users.AnyAsync(x => x.Id == u && !x.Disabled, ct))
        {
            errors.Add("assigneeUserId", $"User {u} does not exist or is disabled.");
        }
    }
}

public sealed class CreateTask(RapportDbContext db, GetTask get, TimeProvider clock, ILogger<CreateTask> logger)
{
    public async Task<Result<TaskDetail>> HandleAsync(CreateTaskRequest request, long? createdByUserId, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var today = TaskDetail.Today(clock);
        var title = TaskRules.Title(errors, request.Title);
        var notes = TaskRules.Notes(errors, request.Notes);
        var due = request.DueOn ?? today;
        TaskRules.Due(errors, due, today);
        var assignee = request.AssigneeUserId ?? createdByUserId;
        if (!errors.Any)
        {
            await TaskRules.CheckReferencesAsync(db, errors, request.CustomerId, assignee, ct);
        }

        if (errors.Any)
        {
            return errors.ToResult<TaskDetail>();
        }

        var task = new CustomerTask
        {
            CustomerId = request.CustomerId,
            AssigneeUserId = assignee,
            Title = title!,
            Notes = notes,
            DueOn = due,
            Status = FollowUpStatus.Open,
            Origin = TaskOrigin.Manual,
            CreatedByUserId = createdByUserId,
        };
        db.Add(task);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsForeignKeyViolation(e))
        {
            db.ChangeTracker.Clear();
            return Result<TaskDetail>.Invalid("customerId", "The customer or the assignee was deleted meanwhile.");
        }

        logger.LogInformation("Created task {TaskId} for customer {CustomerId}", task.Id, task.CustomerId);
        return await get.HandleAsync(task.Id, ct);
    }
}

/// <summary>Applies <see cref="TaskChanges"/> with optimistic concurrency (a stale <c>expectedVersion</c> changes nothing).</summary>
public sealed class UpdateTask(RapportDbContext db, GetTask get, TimeProvider clock, ILogger<UpdateTask> logger)
{
    public async Task<Result<TaskDetail>> HandleAsync(long id, int? expectedVersion, TaskChanges changes, CancellationToken ct)
    {
        var task = await db.Set<CustomerTask>().SingleOrDefaultAsync(t => t.Id == id, ct);
        if (task is null)
        {
            return Result<TaskDetail>.NotFound($"Task {id} does not exist.");
        }

        if (expectedVersion is { } version && version != task.Version)
        {
            return Result<TaskDetail>.PreconditionFailed(
                $"Task {id} is at version {task.Version}, not {version}: it changed since you read it. Read it again and retry with the new ETag.");
        }

        var errors = new FieldErrors();
        if (changes.Title.IsSet)
        {
            task.Title = TaskRules.Title(errors, changes.Title.Value) ?? task.Title;
        }

        if (changes.Notes.IsSet)
        {
            task.Notes = TaskRules.Notes(errors, changes.Notes.Value);
        }

        if (changes.DueOn.IsSet)
        {
            if (changes.DueOn.Value is { } due)
            {
                TaskRules.Due(errors, due, TaskDetail.Today(clock));
                task.DueOn = due;
            }
            else
            {
                errors.Add("dueOn", "Cannot be cleared.");
            }
        }

        if (changes.CustomerId.IsSet && changes.CustomerId.Value != task.CustomerId)
        {
            if (task.Origin == TaskOrigin.Playbook)
            {
                errors.Add("customerId", "A playbook task stays with the customer it was made for.");
            }

            task.CustomerId = changes.CustomerId.Value;
        }

        if (changes.AssigneeUserId.IsSet)
        {
            task.AssigneeUserId = changes.AssigneeUserId.Value;
        }

        if (!errors.Any)
        {
            await TaskRules.CheckReferencesAsync(db, errors,
                changes.CustomerId.IsSet ? task.CustomerId : null,
                changes.AssigneeUserId.IsSet ? task.AssigneeUserId : null, ct);
        }

        if (errors.Any)
        {
            db.ChangeTracker.Clear();
            return errors.ToResult<TaskDetail>();
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return Result<TaskDetail>.PreconditionFailed($"Task {id} changed while it was being updated; read it again.");
        }

        logger.LogInformation("Updated task {TaskId} to version {Version}", id, task.Version);
        return await get.HandleAsync(id, ct);
    }
}
