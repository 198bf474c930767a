using Rapport.Data;
using Rapport.Stages;

namespace Rapport.Tasks;

/// <summary>
/// A task as the API and pages show it. <c>Overdue</c>: open and due before today (UTC). <c>CustomerName</c> and
/// <c>AssigneeName</c> are display names, null when the task has no customer or no assignee.
/// </summary>
public sealed record TaskDetail(
    long Id,
    long? CustomerId,
    string? CustomerName,
    long? AssigneeUserId,
    string? AssigneeName,
    string Title,
    string? Notes,
    DateOnly DueOn,
    FollowUpStatus Status,
    TaskOrigin Origin,
    Stage? Stage,
    bool Overdue,
    long? CreatedByUserId,
    DateTimeOffset? CompletedAt,
    long? CompletedByUserId,
    string? CompletedBy,
    bool DoneByContact,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    int Version)
{
    /// <summary>Tasks to details in one query (left joins to the customer and users by primary key), by due day then id.</summary>
    public static IQueryable<TaskDetail> Query(RapportDbContext db, IQueryable<CustomerTask> tasks, DateOnly today) =>
        from t in tasks
        join c in db.Customers on t.CustomerId equals c.Id into customers
        from c in customers.DefaultIfEmpty()
        join a in db.Users on t.AssigneeUserId equals a.Id into assignees
        from a in assignees.DefaultIfEmpty()
        join d in db.Users on t.CompletedByUserId equals d.Id into doers
        from d in doers.DefaultIfEmpty()
        orderby t.DueOn, t.Id
        select new TaskDetail(
            t.Id, t.CustomerId, c == null ? null : Customers.CustomerNames.Display(c.FirstName, c.LastName, c.Email, c.Id), t.AssigneeUserId, a == null ? null : a.DisplayName,
            t.Title, t.Notes, t.DueOn, t.Status, t.Origin, t.Stage, t.Status == FollowUpStatus.Open && t.DueOn < today,
            t.CreatedByUserId, t.CompletedAt, t.CompletedByUserId, d == null ? null : d.DisplayName, t.DoneByContact,
            t.CreatedAt, t.UpdatedAt, t.Version);

    public static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
}
