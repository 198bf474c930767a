using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Api;
using Rapport.Common;
using Rapport.Identity;
using Rapport.Privacy;

namespace Rapport.Pages.Privacy;

/// <summary>
/// /privacy/retention: retention rules with their last dry run and runs; add a rule, dry-run it (count, first page,
/// CSV of everyone), enable or disable it (enabling needs a dry run), apply it now, delete it.
/// </summary>
[Authorize(Policy = Policies.PrivacyDelete)]
public sealed class RetentionModel(RetentionRules rules) : PageModel
{
    public IReadOnlyList<RetentionRuleDetail> Rules { get; private set; } = [];
    public IReadOnlyList<RetentionRunDetail> Runs { get; private set; } = [];
    public RetentionReport? Report { get; private set; }
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = FieldErrors.None;
    public string? NewName { get; private set; }
    public string? NewKind { get; private set; }
    public string? NewMonths { get; private set; }

    public static IReadOnlyList<(string Value, string Label)> KindChoices { get; } =
    [
        (nameof(RetentionRuleKind.DeleteInactiveProspects), "Delete prospects without engagement"),
        (nameof(RetentionRuleKind.EraseInactiveCustomers), "Erase (anonymise) inactive customers"),
    ];

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAddAsync(string? name, string? kind, string? months, CancellationToken ct)
    {
        (NewName, NewKind, NewMonths) = (name, kind, months);
        var errors = new FieldErrors();
        if (!Enum.TryParse<RetentionRuleKind>(kind, ignoreCase: true, out var k) || !Enum.IsDefined(k) || int.TryParse(kind, out _))
        {
            errors.Add("kind", "Choose from the list.");
        }

        if (!int.TryParse(months, NumberStyles.None, CultureInfo.InvariantCulture, out var m))
        {
            errors.Add("months", "A whole number of months, e.g. 24.");
        }

        if (!errors.Any)
        {
            var result = await rules.CreateAsync(new SaveRetentionRule(name ?? "", k, m), ct);
            if (result.IsOk)
            {
                TempData["Flash"] = "Rule added, switched off. Run a dry run to see who it would affect before enabling it.";
                return Redirect("/privacy/retention");
            }

            Errors = result.Errors;
        }
        else
        {
            Errors = errors.ToDictionary();
        }

        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostDryRunAsync(long id, CancellationToken ct)
    {
        var result = await rules.DryRunAsync(id, User.GetUserId(), ct);
        if (!result.IsOk)
        {
            return NotFound();
        }

        Report = result.Value;
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnGetCsvAsync(long id, CancellationToken ct)
    {
        var result = await rules.CandidatesAsync(id, ct);
        return result.IsOk
            ? File(PrivacyEndpoints.RetentionCsv(result.Value!), "text/csv; charset=utf-8", string.Create(CultureInfo.InvariantCulture, $"retention-rule-{id}.csv"))
            : NotFound();
    }

    public async Task<IActionResult> OnPostEnableAsync(long id, bool enabled, CancellationToken ct)
    {
        var result = await rules.SetEnabledAsync(id, enabled, ct);
        if (result.Kind == ResultKind.NotFound)
        {
            return NotFound();
        }

        if (!result.IsOk)
        {
            Errors = new Dictionary<string, string[]> { [""] = [result.Message ?? "Not possible."] };
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            await LoadAsync(ct);
            return Page();
        }

        TempData["Flash"] = enabled ? "Rule enabled: the daily job applies it." : "Rule disabled.";
        return Redirect("/privacy/retention");
    }

    public async Task<IActionResult> OnPostApplyAsync(long id, CancellationToken ct)
    {
        var result = await rules.ApplyAsync(id, User.GetUserId(), ct);
        if (result.Kind == ResultKind.NotFound)
        {
            return NotFound();
        }

        if (!result.IsOk)
        {
            Errors = new Dictionary<string, string[]> { [""] = [result.Message ?? "Not possible."] };
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            await LoadAsync(ct);
            return Page();
        }

        TempData["Flash"] = string.Create(CultureInfo.InvariantCulture, $"Applied: {result.Value!.Matched} matched, {result.Value.Deleted} deleted, {result.Value.Erased} erased.");
        return Redirect("/privacy/retention");
    }

    public async Task<IActionResult> OnPostDeleteAsync(long id, CancellationToken ct)
    {
        var result = await rules.DeleteAsync(id, ct);
        if (!result.IsOk)
        {
            return NotFound();
        }

        TempData["Flash"] = "Rule deleted.";
        return Redirect("/privacy/retention");
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Rules = await rules.ListAsync(ct);
        Runs = await rules.RunsAsync(null, 20, ct);
    }
}
