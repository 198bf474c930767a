using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Common;
using Rapport.Identity;
using Rapport.Tasks;

namespace Rapport.Pages.Tasks;

/// <summary>
/// /tasks: the signed-in user's open tasks by default, with filters (whose, status, overdue, origin); complete,
/// cancel and reopen in place (htmx); add a task; admins run the playbook generator now. The customer page's tasks
/// card posts here too (<c>from=customer</c>) and gets the card back.
/// </summary>
public sealed class IndexModel(
    ListTasks list,
    CreateTask create,
    ChangeTaskStatus change,
    GeneratePlaybookTasks generate,
    GetTask get,
    Rapport.Identity.ListUsers users,
    TimeProvider clock) : PageModel
{
    public const int PageSize = 50;

    /// <summary>me (default), all, none (unassigned) or a user id.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Assignee { get; set; }

    /// <summary>open (default), done, cancelled or all.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Overdue { get; set; }

    /// <summary>playbook, manual or empty for both.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Origin { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    public Page<TaskDetail> Results { get; private set; } = new([], null);
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = FieldErrors.None;
    public TaskForm NewTask { get; private set; } = new();
    public IReadOnlyList<(string Value, string Label)> AssigneeChoices { get; private set; } = [];
    public bool CanWrite => User.Can(Policies.CustomersEdit);
    public bool IsAdmin => User.Can(Policies.AdminEdit);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        return Request.Headers["HX-Target"] == "task-results" ? Partial("_TaskResults", this) : Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        AssigneeChoices = await AssigneeChoicesAsync(users, ct);
        var errors = new FieldErrors();
        var query = new ListTasksQuery(Limit: PageSize, After: After);
        switch (Assignee?.Trim() ?? "me")
        {
            case "me" or "":
                query = query with { AssigneeUserId = User.GetUserId() ?? -1 };
                break;
            case "all":
                break;
            case "none":
                query = query with { Unassigned = true };
                break;
            case var text when long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id):
                query = query with { AssigneeUserId = id };
                break;
            default:
                errors.Add("assignee", "Choose from the list.");
                break;
        }

        switch (Status?.Trim() ?? "open")
        {
            case "open" or "":
                query = query with { Status = FollowUpStatus.Open };
                break;
            case "done":
                query = query with { Status = FollowUpStatus.Done };
                break;
            case "cancelled":
                query = query with { Status = FollowUpStatus.Cancelled };
                break;
            case "all":
                break;
            default:
                errors.Add("status", "Choose from the list.");
                break;
        }

        if (Overdue)
        {
            query = query with { DueBefore = TaskDetail.Today(clock) };
        }

        if (!string.IsNullOrWhiteSpace(Origin))
        {
            if (Enum.TryParse<TaskOrigin>(Origin, ignoreCase: true, out var origin) && Enum.IsDefined(origin) && !int.TryParse(Origin, out _))
            {
                query = query with { Origin = origin };
            }
            else
            {
                errors.Add("origin", "Choose from the list.");
            }
        }

        if (!errors.Any)
        {
            var result = await list.HandleAsync(query, ct);
            if (result.IsOk)
            {
                Results = result.Value!;
                return;
            }

            Errors = result.Errors;
        }
        else
        {
            Errors = errors.ToDictionary();
        }

        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
    }

    public static async Task<IReadOnlyList<(string Value, string Label)>> AssigneeChoicesAsync(Rapport.Identity.ListUsers users, CancellationToken ct) =>
        (await users.HandleAsync(ct)).Where(u => !u.Disabled).OrderBy(u => u.DisplayName, StringComparer.OrdinalIgnoreCase)
            .Select(u => (u.Id.ToString(CultureInfo.InvariantCulture), u.DisplayName)).ToList();

    // ---- Writes ----

    public Task<IActionResult> OnPostCompleteAsync(long id, string? from, long? customerId, CancellationToken ct) => ChangeAsync(id, TaskAction.Complete, from, customerId, ct);

    public Task<IActionResult> OnPostCancelAsync(long id, string? from, long? customerId, CancellationToken ct) => ChangeAsync(id, TaskAction.Cancel, from, customerId, ct);

    public Task<IActionResult> OnPostReopenAsync(long id, string? from, long? customerId, CancellationToken ct) => ChangeAsync(id, TaskAction.Reopen, from, customerId, ct);

    private async Task<IActionResult> ChangeAsync(long id, TaskAction action, string? from, long? customerId, CancellationToken ct)
    {
        if (!CanWrite)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var result = await change.HandleAsync(id, action, null, User.GetUserId(), ct);
        if (result.Kind == ResultKind.NotFound)
        {
            return NotFound();
        }

        if (from == "customer" && customerId is { } c)
        {
            return ViewComponent("CustomerTasks", new { customerId = c });
        }

        if (Request.Headers.ContainsKey("HX-Request"))
        {
            if (!result.IsOk)
            {
                Response.StatusCode = StatusCodes.Status409Conflict;
            }

            var task = result.IsOk ? result.Value! : (await get.HandleAsync(id, ct)).Value!;
            return Partial("_TaskRow", new TaskRowView(task, CanWrite, result.IsOk ? null : result.Message));
        }

        if (!result.IsOk)
        {
            TempData["FlashError"] = result.Message;
        }

        return Redirect("/tasks");
    }

    public async Task<IActionResult> OnPostCreateAsync(TaskForm form, string? from, CancellationToken ct)
    {
        if (!CanWrite)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var errors = new FieldErrors();
        var due = FormValues.Date(errors, "dueOn", form.DueOn);
        long? assignee = null;
        if (!string.IsNullOrWhiteSpace(form.Assignee))
        {
            if (long.TryParse(form.Assignee, NumberStyles.None, CultureInfo.InvariantCulture, out var a))
            {
                assignee = a;
            }
            else
            {
                errors.Add("assigneeUserId", "Choose from the list.");
            }
        }

        IReadOnlyDictionary<string, string[]> problems = errors.ToDictionary();
        if (!errors.Any)
        {
            var result = await create.HandleAsync(new CreateTaskRequest(form.Title, form.CustomerId, assignee, due, form.Notes), User.GetUserId(), ct);
            if (result.IsOk)
            {
                if (from == "customer" && form.CustomerId is { } c)
                {
                    return ViewComponent("CustomerTasks", new { customerId = c });
                }

                TempData["Flash"] = "The task was added.";
                return Redirect("/tasks");
            }

            problems = result.Errors;
        }

        if (from == "customer" && form.CustomerId is { } customer)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return ViewComponent("CustomerTasks", new { customerId = customer, errors = problems, form });
        }

        await LoadAsync(ct);
        NewTask = form;
        Errors = problems;
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    public async Task<IActionResult> OnPostGenerateAsync(CancellationToken ct)
    {
        if (!IsAdmin)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var result = await generate.HandleAsync(ct);
        TempData["Flash"] = $"Created {Display.Plural(result.Created, "playbook task")} for customers past their stage's maximum days without contact.";
        return Redirect("/tasks?assignee=all");
    }

    public string Link(string? after) => "/tasks" + QueryString.Create(new Dictionary<string, string?>
    {
        ["assignee"] = Assignee,
        ["status"] = Status,
        ["overdue"] = Overdue ? "true" : null,
        ["origin"] = string.IsNullOrWhiteSpace(Origin) ? null : Origin,
        ["after"] = after,
    }.Where(p => !string.IsNullOrEmpty(p.Value))).ToUriComponent();
}

/// <summary>One row of the task table, with a message when a change was refused.</summary>
public sealed record TaskRowView(TaskDetail Task, bool CanWrite, string? Error = null);
