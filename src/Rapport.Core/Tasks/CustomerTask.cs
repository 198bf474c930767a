using Rapport.Common;
using Rapport.Stages;

namespace Rapport.Tasks;

/// <summary>Where a task is in its life. Named so as not to clash with <see cref="System.Threading.Tasks.TaskStatus"/>.</summary>
public enum FollowUpStatus
{
    Open,
    Done,
    Cancelled,
}

/// <summary>Who made a task: the playbook generator (a customer past their stage's maximum days without contact) or a person.</summary>
public enum TaskOrigin
{
    Playbook,
    Manual,
}

/// <summary>
/// Something a member of staff should do, usually about one customer: "get in touch with Ana, 52 days without
/// contact". Named <c>CustomerTask</c> to stay clear of <see cref="System.Threading.Tasks.Task"/>. docs/tasks.md.
/// </summary>
public sealed class CustomerTask : IStamped, IVersioned
{
    public long Id { get; set; }
    /// <summary>The customer the task is about; null for a manual task about no one in particular.</summary>
    public long? CustomerId { get; set; }
    /// <summary>Who should do it; null = unassigned (a playbook task for a customer without owner).</summary>
    public long? AssigneeUserId { get; set; }
    public string Title { get; set; } = "";
    public string? Notes { get; set; }
    /// <summary>The day it is due (the business's calendar day, UTC); overdue from the day after.</summary>
    public DateOnly DueOn { get; set; }
    public FollowUpStatus Status { get; set; }
    public TaskOrigin Origin { get; set; }
    /// <summary>The customer's stage when the task was made (playbook tasks; null for manual ones).</summary>
    public Stage? Stage { get; set; }
    /// <summary>The customer's last contact when a playbook task was made (null = never contacted); a later contact completes it.</summary>
    public DateTimeOffset? LastContactAt { get; set; }
    public long? CreatedByUserId { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public long? CompletedByUserId { get; set; }
    /// <summary>Completed automatically because the customer was contacted (docs/tasks.md, "done by contact").</summary>
    public bool DoneByContact { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Version { get; set; }
}
