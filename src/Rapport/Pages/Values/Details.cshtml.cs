using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Api;
using Rapport.Common;
using Rapport.Customers;
using Rapport.Identity;
using Rapport.Values;

namespace Rapport.Pages.Values;

/// <summary>
/// One value: its facts, the business's importance rating (rate it with evidence and an owner), edit, merge, retire or
/// reinstate, and its history. A merged value's address shows the value it was merged into, with a note.
/// </summary>
public sealed class DetailsModel(
    GetValue get, ListValues list, GetValueHistory history, ListUsers users,
    UpdateValue update, RateValueImportance rate, MergeValue merge, ChangeValueStatus status) : PageModel
{
    public ValueDetail Value { get; private set; } = null!;
    public ValueHistory History { get; private set; } = null!;
    /// <summary>The key asked for, when it was merged into <see cref="Value"/>.</summary>
    public string? MergedKey { get; private set; }
    /// <summary>The own history of the merged key asked for (null otherwise).</summary>
    public ValueHistory? MergedHistory { get; private set; }
    public IReadOnlyList<ValueDetail> MergeTargets { get; private set; } = [];
    public IReadOnlyList<UserRow> Staff { get; private set; } = [];
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = FieldErrors.None;
    /// <summary>Which form <see cref="Errors"/> belong to: edit, rate or merge.</summary>
    public string? FailedForm { get; private set; }

    [BindProperty]
    public EditValueForm Edit { get; set; } = new();

    [BindProperty]
    public RateForm Rate { get; set; } = new();

    [BindProperty]
    public string? Into { get; set; }

    [BindProperty]
    public int? Version { get; set; }

    public async Task<IActionResult> OnGetAsync(string key, CancellationToken ct) =>
        await LoadAsync(key, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostEditAsync(string key, CancellationToken ct)
    {
        if (!User.Can(Policies.CatalogEdit))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var changes = new ValueChanges
        {
            Name = new Optional<string?>(Edit.Name),
            Description = new Optional<string?>(Edit.Description),
            Vocabulary = new Optional<IReadOnlyList<string?>?>(ValueForms.Lines(Edit.Vocabulary)),
        };
        return await AnswerAsync(key, "edit", await update.HandleAsync(key, Version, changes, ValueEndpoints.ActorOf(User), ct), "was saved", ct);
    }

    public async Task<IActionResult> OnPostRateAsync(string key, CancellationToken ct)
    {
        if (!User.Can(Policies.CatalogEdit))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        int? importance = null;
        if (!string.IsNullOrWhiteSpace(Rate.Importance))
        {
            importance = int.TryParse(Rate.Importance, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
        }

        long? owner = long.TryParse(Rate.OwnerId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var o) ? o : null;
        var result = await rate.HandleAsync(key, new RateImportanceRequest(importance, Rate.Evidence, owner), ValueEndpoints.ActorOf(User), ct);
        return await AnswerAsync(key, "rate", result, "was rated", ct);
    }

    public async Task<IActionResult> OnPostMergeAsync(string key, CancellationToken ct)
    {
        if (!User.Can(Policies.CatalogEdit))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var result = await merge.HandleAsync(key, Into, Version, ValueEndpoints.ActorOf(User), ct);
        if (result.IsOk)
        {
            TempData["Flash"] = $"'{key}' was merged into {result.Value!.Name}.";
            return Redirect($"/values/{result.Value.Key}");
        }

        return await AnswerAsync(key, "merge", result, "", ct);
    }

    public async Task<IActionResult> OnPostRetireAsync(string key, CancellationToken ct)
    {
        if (!User.Can(Policies.CatalogEdit))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        return await AnswerAsync(key, "status", await status.RetireAsync(key, Version, ValueEndpoints.ActorOf(User), ct), "was retired", ct);
    }

    public async Task<IActionResult> OnPostReinstateAsync(string key, CancellationToken ct)
    {
        if (!User.Can(Policies.CatalogEdit))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        return await AnswerAsync(key, "status", await status.ReinstateAsync(key, Version, ValueEndpoints.ActorOf(User), ct), "was reinstated", ct);
    }

    private async Task<IActionResult> AnswerAsync(string key, string form, Result<ValueDetail> result, string done, CancellationToken ct)
    {
        switch (result.Kind)
        {
            case ResultKind.Ok:
                TempData["Flash"] = $"{result.Value!.Name} {done}.";
                return Redirect($"/values/{result.Value.Key}");
            case ResultKind.NotFound:
                return NotFound();
            case ResultKind.PreconditionFailed:
                Errors = new Dictionary<string, string[]> { [""] = ["This value was changed by someone else since you opened this page. Reload it to see the latest, then make your change."] };
                Response.StatusCode = StatusCodes.Status409Conflict;
                break;
            default:
                Errors = result.Errors.Count > 0 ? result.Errors : new Dictionary<string, string[]> { [""] = [result.Message ?? "The change could not be made."] };
                Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
                break;
        }

        FailedForm = form;
        if (!await LoadAsync(key, ct, keepForms: true))
        {
            return NotFound();
        }

        return Page();
    }

    private async Task<bool> LoadAsync(string key, CancellationToken ct, bool keepForms = false)
    {
        var value = await get.HandleAsync(key, ct);
        if (!value.IsOk)
        {
            return false;
        }

        Value = value.Value!;
        MergedKey = Value.Key == key ? null : key;
        History = (await history.HandleAsync(Value.Key, ct)).Value!;
        MergedHistory = MergedKey is null ? null : (await history.HandleAsync(MergedKey, ct)).Value;
        MergeTargets = (await list.HandleAsync(new ListValuesQuery(ValueStatus.Active), ct)).Where(v => v.Id != Value.Id).ToList();
        Staff = (await users.HandleAsync(ct)).Where(u => !u.Disabled).OrderBy(u => u.DisplayName, StringComparer.OrdinalIgnoreCase).ToList();
        if (!keepForms)
        {
            Edit = new EditValueForm { Name = Value.Name, Description = Value.Description, Vocabulary = string.Join('\n', Value.Vocabulary) };
            Rate = new RateForm
            {
                Importance = Value.Importance?.Importance.ToString(System.Globalization.CultureInfo.InvariantCulture),
                OwnerId = (Value.Importance?.Owner?.Id ?? User.GetUserId())?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
        }

        return true;
    }
}

public sealed class EditValueForm
{
    public string? Name { get; set; }
    public string? Description { get; set; }
    public string? Vocabulary { get; set; }
}

public sealed class RateForm
{
    public string? Importance { get; set; }
    public string? Evidence { get; set; }
    public string? OwnerId { get; set; }
}
