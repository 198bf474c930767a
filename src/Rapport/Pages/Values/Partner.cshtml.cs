using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Common;
using Rapport.Customers;
using Rapport.Identity;
using Rapport.Values;

namespace Rapport.Pages.Values;

/// <summary>One partner: its fit, its ratings on the active values (rate them), edit, delete.</summary>
public sealed class PartnerModel(GetPartner get, ListValues values, UpdatePartner update, SetPartnerValues setValues, DeletePartner delete) : PageModel
{
    public PartnerDetail Partner { get; private set; } = null!;
    public IReadOnlyList<ValueDetail> ActiveValues { get; private set; } = [];
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = FieldErrors.None;
    public string? FailedForm { get; private set; }

    [BindProperty]
    public PartnerForm Form { get; set; } = new();

    [BindProperty]
    public int? Version { get; set; }

    /// <summary>Value key → rating 1–5, or empty for "not rated".</summary>
    [BindProperty]
    public Dictionary<string, string?> Ratings { get; set; } = [];

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct) => await LoadAsync(id, true, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostEditAsync(long id, CancellationToken ct)
    {
        if (!User.Can(Policies.CatalogEdit))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var errors = new FieldErrors();
        var kind = Form.ParseKind(errors);
        var changes = new PartnerChanges
        {
            Name = new Optional<string?>(Form.Name),
            Kind = kind is null ? default : new Optional<PartnerKind?>(kind),
            Audience = new Optional<string?>(Form.Audience),
            Channels = new Optional<IReadOnlyList<string?>?>(ValueForms.Lines(Form.Channels)),
            Contact = new Optional<string?>(Form.Contact),
        };
        var result = errors.Any ? errors.ToResult<PartnerDetail>() : await update.HandleAsync(id, Version, changes, ct);
        return await AnswerAsync(id, "edit", result, "was saved", ct);
    }

    public async Task<IActionResult> OnPostRateAsync(long id, CancellationToken ct)
    {
        if (!User.Can(Policies.CatalogEdit))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var inputs = Ratings.Where(r => !string.IsNullOrWhiteSpace(r.Value))
            .Select(r => (PartnerValueInput?)new PartnerValueInput(r.Key, int.TryParse(r.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0))
            .ToList();
        return await AnswerAsync(id, "rate", await setValues.HandleAsync(id, new SetPartnerValuesRequest(inputs), ct), "was rated", ct);
    }

    public async Task<IActionResult> OnPostDeleteAsync(long id, CancellationToken ct)
    {
        if (!User.Can(Policies.CatalogDelete))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var result = await delete.HandleAsync(id, Version, ct);
        switch (result.Kind)
        {
            case ResultKind.Ok:
                TempData["Flash"] = "The partner was deleted.";
                return Redirect("/partners");
            case ResultKind.NotFound:
                return NotFound();
            default:
                TempData["FlashError"] = result.Message ?? "The partner could not be deleted.";
                return Redirect($"/partners/{id}");
        }
    }

    private async Task<IActionResult> AnswerAsync(long id, string form, Result<PartnerDetail> result, string done, CancellationToken ct)
    {
        switch (result.Kind)
        {
            case ResultKind.Ok:
                TempData["Flash"] = $"{result.Value!.Name} {done}.";
                return Redirect($"/partners/{id}");
            case ResultKind.NotFound:
                return NotFound();
            case ResultKind.PreconditionFailed:
                Errors = new Dictionary<string, string[]> { [""] = ["This partner was changed by someone else since you opened this page. Reload it, then make your change."] };
                Response.StatusCode = StatusCodes.Status409Conflict;
                break;
            default:
                Errors = result.Errors.Count > 0 ? result.Errors : new Dictionary<string, string[]> { [""] = [result.Message ?? "The change could not be made."] };
                Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
                break;
        }

        FailedForm = form;
        return await LoadAsync(id, false, ct) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(long id, bool fillForms, CancellationToken ct)
    {
        var partner = await get.HandleAsync(id, ct);
        if (!partner.IsOk)
        {
            return false;
        }

        Partner = partner.Value!;
        ActiveValues = await values.HandleAsync(new ListValuesQuery(ValueStatus.Active), ct);
        if (fillForms)
        {
            Form = PartnerForm.From(Partner);
            Ratings = Partner.Values.ToDictionary(v => v.Value, v => (string?)v.Rating.ToString(CultureInfo.InvariantCulture));
        }

        return true;
    }
}
