using Microsoft.AspNetCore.Mvc;
using Rapport.Common;
using Rapport.Identity;
using Rapport.Playbooks;
using Rapport.Tasks;

namespace Rapport.Pages.Tasks;

/// <summary>The "My tasks" card of the dashboard: the signed-in user's first open tasks by due day.</summary>
public sealed record MyTasksView(IReadOnlyList<TaskDetail> Tasks, int Open, int Overdue, bool CanWrite);

/// <summary>The tasks and contact card of the customer page.</summary>
public sealed record CustomerTasksView(
    long CustomerId,
    CadenceStatus? Cadence,
    IReadOnlyList<TaskDetail> Open,
    IReadOnlyList<TaskDetail> Recent,
    bool CanWrite,
    bool OutOfBand,
    IReadOnlyDictionary<string, string[]> Errors,
    TaskForm? Form);

public sealed class MyTasksViewComponent(ListTasks list, GetTask get) : ViewComponent
{
    public const int Shown = 5;

    public async Task<IViewComponentResult> InvokeAsync()
    {
        var ct = HttpContext.RequestAborted;
        if (HttpContext.User.GetUserId() is not { } me)
        {
            return Content("");
        }

        var page = await list.HandleAsync(new ListTasksQuery(AssigneeUserId: me, Status: FollowUpStatus.Open, Limit: Shown), ct);
        var (open, overdue) = await get.CountsAsync(me, ct);
        return View("/Pages/Tasks/_MyTasks.cshtml", new MyTasksView(page.Value?.Items ?? [], open, overdue, HttpContext.User.Can(Policies.CustomersEdit)));
    }
}

public sealed class CustomerTasksViewComponent(ListTasks list, CheckCadence cadence) : ViewComponent
{
    public const int RecentShown = 3;

    public async Task<IViewComponentResult> InvokeAsync(long customerId, bool oob = false, IReadOnlyDictionary<string, string[]>? errors = null, TaskForm? form = null)
    {
        var view = await BuildAsync(list, cadence, customerId, HttpContext.User.Can(Policies.CustomersEdit), oob, errors, form, HttpContext.RequestAborted);
        return View("/Pages/Tasks/_CustomerTasks.cshtml", view);
    }

    public static async Task<CustomerTasksView> BuildAsync(
        ListTasks list, CheckCadence cadence, long customerId, bool canWrite, bool oob, IReadOnlyDictionary<string, string[]>? errors, TaskForm? form, CancellationToken ct)
    {
        var open = await list.HandleAsync(new ListTasksQuery(CustomerId: customerId, Status: FollowUpStatus.Open, Limit: Cursor.MaxLimit), ct);
        var done = await list.HandleAsync(new ListTasksQuery(CustomerId: customerId, Status: FollowUpStatus.Done, Limit: Cursor.MaxLimit), ct);
        var status = await cadence.HandleAsync(customerId, null, ct);
        return new CustomerTasksView(
            customerId, status.Value, open.Value?.Items ?? [],
            (done.Value?.Items ?? []).OrderByDescending(t => t.CompletedAt).Take(RecentShown).ToList(),
            canWrite, oob, errors ?? FieldErrors.None, form);
    }
}

/// <summary>The "add a task" form as posted (customer page and /tasks).</summary>
public sealed class TaskForm
{
    public string? Title { get; set; }
    public string? DueOn { get; set; }
    public string? Assignee { get; set; }
    public string? Notes { get; set; }
    public long? CustomerId { get; set; }
}
