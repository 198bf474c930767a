using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Data;

namespace Rapport.Tasks;

/// <summary>
/// Filters of the task list; each one set narrows it. <c>AssigneeUserId</c> and <c>Unassigned</c> exclude each other.
/// <c>DueBefore</c> is exclusive (today gives the overdue ones). Sorted by due day, then id; keyset paging.
/// </summary>
public sealed record ListTasksQuery(
    long? AssigneeUserId = null,
    bool Unassigned = false,
    FollowUpStatus? Status = null,
    DateOnly? DueBefore = null,
    long? CustomerId = null,
    TaskOrigin? Origin = null,
    int? Limit = null,
    string? After = null);

public sealed class ListTasks(RapportDbContext db, TimeProvider clock)
{
    public async Task<Result<Page<TaskDetail>>> HandleAsync(ListTasksQuery query, CancellationToken ct)
    {
        var errors = new FieldErrors();
        Cursor.TryLimit(query.Limit, errors, out var limit);
        Keyset.TryDecode(query.After, errors, out (string Text, long Id)? after);
        DateOnly? afterDue = null;
        if (after is { } a)
        {
            if (DateOnly.TryParseExact(a.Text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var due))
            {
                afterDue = due;
            }
            else
            {
                errors.Add("after", "Is not a cursor from this list; pass the 'next' value of the previous page unchanged.");
            }
        }

        if (query.Unassigned && query.AssigneeUserId is not null)
        {
            errors.Add("assignee", "Choose one assignee, or unassigned tasks, not both.");
        }

        if (errors.Any)
        {
            return errors.ToResult<Page<TaskDetail>>();
        }

        var tasks = db.Set<CustomerTask>().AsNoTracking();
        if (query.AssigneeUserId is { } assignee)
        {
            tasks = tasks.Where(t => t.AssigneeUserId == assignee);
        }
        else if (query.Unassigned)
        {
            tasks = tasks.Where(t => t.AssigneeUserId == null);
        }

        if (query.Status is { } status)
        {
            tasks = tasks.Where(t => t.Status == status);
        }

        if (query.DueBefore is { } dueBefore)
        {
            tasks = tasks.Where(t => t.DueOn < dueBefore);
        }

        if (query.CustomerId is { } customerId)
        {
            tasks = tasks.Where(t => t.CustomerId == customerId);
        }

        if (query.Origin is { } origin)
        {
            tasks = tasks.Where(t => t.Origin == origin);
        }

        if (afterDue is { } d && after is { } key)
        {
            tasks = tasks.Where(t => t.DueOn > d || (t.DueOn == d && t.Id > key.Id));
        }

        var rows = await TaskDetail.Query(db, tasks.OrderBy(t => t.DueOn).ThenBy(t => t.Id).Take(limit + 1), TaskDetail.Today(clock)).ToListAsync(ct);
        return Result<Page<TaskDetail>>.Ok(Keyset.ToPage(rows, limit, t => Keyset.Encode(t.DueOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), t.Id)));
    }
}

/// <summary>One task.</summary>
public sealed class GetTask(RapportDbContext db, TimeProvider clock)
{
    public async Task<Result<TaskDetail>> HandleAsync(long id, CancellationToken ct)
    {
        var task = await TaskDetail.Query(db, db.Set<CustomerTask>().AsNoTracking().Where(t => t.Id == id), TaskDetail.Today(clock)).SingleOrDefaultAsync(ct);
        return task is null ? Result<TaskDetail>.NotFound($"Task {id} does not exist.") : Result<TaskDetail>.Ok(task);
    }

    /// <summary>Counts for the dashboard card: open tasks of one user and how many of them are overdue.</summary>
    public async Task<(int Open, int Overdue)> CountsAsync(long userId, CancellationToken ct)
    {
        var today = TaskDetail.Today(clock);
        var open = db.Set<CustomerTask>().AsNoTracking().Where(t => t.AssigneeUserId == userId && t.Status == FollowUpStatus.Open);
        return (await open.CountAsync(ct), await open.CountAsync(t => t.DueOn < today, ct));
    }
}
