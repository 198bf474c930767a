using Microsoft.AspNetCore.Mvc;
using Rapport.Common;
using Rapport.Consent;
using Rapport.Data;
using Rapport.Identity;

namespace Rapport.Pages.Admin;

/// <summary>The suppression list (docs/privacy.md, "Suppression"): add an email or phone, remove an entry. Only hashes are stored, so entries show no address.</summary>
public sealed class SuppressionsModel(Suppressions suppressions, RapportDbContext db) : AdminPageModel
{
    public IReadOnlyList<SuppressionView> Rows { get; private set; } = [];
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = FieldErrors.None;
    public string? Email { get; private set; }
    public string? Phone { get; private set; }
    public string? Reason { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => Rows = await suppressions.ListAsync(db, 500, ct);

    public async Task<IActionResult> OnPostAddAsync(string? email, string? phone, string? reason, CancellationToken ct)
    {
        (Email, Phone, Reason) = (Validate.Clean(email), Validate.Clean(phone), Validate.Clean(reason));
        var errors = new FieldErrors();
        if (Email is not null && !Validate.IsEmail(Suppressions.NormaliseEmail(Email)!))
        {
            errors.Add("email", "Must be an email address.");
        }

        if (Phone is not null && Suppressions.NormalisePhone(Phone) is null)
        {
            errors.Add("phone", "Must be a phone number of at least 6 digits.");
        }

        if (Email is null && Phone is null)
        {
            errors.Add("email", "Give an email, a phone or both.");
        }

        TextRules.SingleLine(errors, "reason", Reason, Suppressions.ReasonMaxLength);
        if (errors.Any)
        {
            Errors = errors.ToDictionary();
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            Rows = await suppressions.ListAsync(db, 500, ct);
            return Page();
        }

        await suppressions.SuppressAsync(db, Email, Phone, Reason ?? "added by staff", ct, User.GetUserId());
        TempData["Flash"] = "The address is on the suppression list: no marketing reaches it, whoever has it now or later.";
        return Redirect("/admin/suppressions");
    }

    public async Task<IActionResult> OnPostRemoveAsync(long id, CancellationToken ct)
    {
        var result = await suppressions.RemoveAsync(db, id, ct);
        if (!result.IsOk)
        {
            return NotFound();
        }

        TempData["Flash"] = "The entry is removed from the suppression list.";
        return Redirect("/admin/suppressions");
    }
}
