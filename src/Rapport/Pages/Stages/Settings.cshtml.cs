using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Common;
using Rapport.Identity;
using Rapport.Interactions;
using Rapport.Stages;

namespace Rapport.Pages.Stages;

/// <summary>The stage rules' thresholds: everyone reads them, admin and marketing (write-catalog) change them.</summary>
public sealed class SettingsModel(GetStageSettings get, UpdateStageSettings update) : PageModel
{
    public StageSettings Settings { get; private set; } = StageSettings.Default;
    public int Version { get; private set; }
    public DateTimeOffset? UpdatedAt { get; private set; }
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = FieldErrors.None;
    public bool CanWrite => User.Can(Policies.SegmentsEdit);

    /// <summary>Values as typed, re-shown after a refused save.</summary>
    public Dictionary<string, string?> Typed { get; } = [];

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(int? version, CancellationToken ct)
    {
        if (!CanWrite)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var form = Request.Form;
        var errors = new FieldErrors();
        int? Int(string key)
        {
            var text = form[key].ToString();
            Typed[key] = text;
            if (string.IsNullOrWhiteSpace(text))
            {
                errors.Add(key, "Is required.");
                return null;
            }

            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }

            errors.Add(key, "Must be a whole number.");
            return null;
        }

        var request = new UpdateStageSettingsRequest(
            EngagementWindowDays: Int("engagementWindowDays"),
            EngagementTypes: [.. form["engagementTypes"].Select(v => v ?? "")],
            ConnectionWindowDays: Int("connectionWindowDays"),
            RepeatWindowDays: Int("repeatWindowDays"),
            LoyaltyMinPurchases: Int("loyaltyMinPurchases"),
            LoyaltyWindowDays: Int("loyaltyWindowDays"),
            LoyaltyMinPAlive: ParsePAlive(form["loyaltyMinPAlive"].ToString(), errors),
            PromoterEnabled: form["promoterEnabled"].ToString() == "true",
            PromoterMinScore: Int("promoterMinScore"),
            LoyaltyTagEnabled: form["loyaltyTagEnabled"].ToString() == "true",
            LoyaltyTag: form["loyaltyTag"].ToString());
        Typed["loyaltyMinPAlive"] = form["loyaltyMinPAlive"].ToString();
        Typed["loyaltyTag"] = form["loyaltyTag"].ToString();
        if (errors.Any)
        {
            return await Refused(errors.ToDictionary(), ct);
        }

        var result = await update.HandleAsync(request, version, User.GetUserId(), ct);
        switch (result.Kind)
        {
            case ResultKind.Ok:
                TempData["Flash"] = "Stage rules saved; every customer's stage was recomputed (or is being recomputed in the background on a large database).";
                return Redirect("/stages/settings");
            case ResultKind.PreconditionFailed:
                return await Refused(new Dictionary<string, string[]> { [""] = ["Someone changed the rules since you opened this page. Reload it and make your change again."] }, ct);
            default:
                return await Refused(result.Errors, ct);
        }
    }

    private static double? ParsePAlive(string text, FieldErrors errors)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        errors.Add("loyaltyMinPAlive", "Must be a number from 0 to 1, e.g. 0.7.");
        return null;
    }

    private async Task<IActionResult> Refused(IReadOnlyDictionary<string, string[]> errors, CancellationToken ct)
    {
        await LoadAsync(ct);
        Errors = errors;
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var detail = await get.HandleAsync(ct);
        Settings = detail.Settings;
        Version = detail.Version;
        UpdatedAt = detail.UpdatedAt;
    }

    public string Value(string key, int current) => Typed.TryGetValue(key, out var typed) ? typed ?? "" : current.ToString(CultureInfo.InvariantCulture);

    public static IReadOnlyList<InteractionType> AllTypes => Enum.GetValues<InteractionType>();
}
