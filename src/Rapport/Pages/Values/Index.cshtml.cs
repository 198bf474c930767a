using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Api;
using Rapport.Common;
using Rapport.Identity;
using Rapport.Values;

namespace Rapport.Pages.Values;

/// <summary>The value taxonomy with the business's importance, status and vocabulary; adds a value.</summary>
public sealed class IndexModel(ListValues list, CreateValue create, Rapport.Values.Map.GetValueTrends trends) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty]
    public NewValueForm Form { get; set; } = new();

    public IReadOnlyList<ValueDetail> Values { get; private set; } = [];
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = FieldErrors.None;
    /// <summary>Shifts of customers' priorities (the evolution of priorities), shown as alerts.</summary>
    public IReadOnlyList<Rapport.Values.Map.ValueShift> Shifts { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        if (!User.Can(Policies.CatalogEdit))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var result = await create.HandleAsync(
            new CreateValueRequest(Form.Key, Form.Name, Form.Description, ValueForms.Lines(Form.Vocabulary)), ValueEndpoints.ActorOf(User), ct);
        if (result.IsOk)
        {
            TempData["Flash"] = $"{result.Value!.Name} was added to the taxonomy.";
            return Redirect($"/values/{result.Value.Key}");
        }

        Errors = result.Errors.Count > 0 ? result.Errors : new Dictionary<string, string[]> { [""] = [result.Message ?? "The value could not be added."] };
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var status = Status switch
        {
            "active" => ValueStatus.Active,
            "retired" => ValueStatus.Retired,
            "merged" => ValueStatus.Merged,
            _ => (ValueStatus?)null,
        };
        Status = status is null ? "all" : Status;
        Values = await list.HandleAsync(new ListValuesQuery(status), ct);
        Shifts = (await trends.HandleAsync(new Rapport.Values.Map.ValueTrendQuery(), ct)).Value?.Shifts ?? [];
    }
}

public sealed class NewValueForm
{
    public string? Key { get; set; }
    public string? Name { get; set; }
    public string? Description { get; set; }
    /// <summary>One entry per line.</summary>
    public string? Vocabulary { get; set; }
}

internal static class ValueForms
{
    /// <summary>A textarea with one entry per line → the list (blank lines are dropped by the use case).</summary>
    public static IReadOnlyList<string?> Lines(string? text) =>
        string.IsNullOrEmpty(text) ? [] : text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');

    public static string Badge(ValueStatus status) => status switch
    {
        ValueStatus.Active => "badge badge-success",
        ValueStatus.Retired => "badge",
        _ => "badge badge-warning",
    };

    public static string Importance(ImportanceRating? rating) => rating is null ? "not rated" : $"{rating.Importance} of 5";
}
