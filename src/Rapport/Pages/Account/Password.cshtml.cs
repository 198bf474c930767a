using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Common;
using Rapport.Identity;

namespace Rapport.Pages.Account;

/// <summary>
/// /account/password: a signed-in user changes their own password; the current one is required. Every other session
/// of the user ends; this one continues with a fresh cookie (the security stamp changed).
/// </summary>
public sealed class PasswordModel(ChangePassword change, Rapport.Data.RapportDbContext db) : PageModel
{
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = FieldErrors.None;
    public bool Changed { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(string? currentPassword, string? newPassword, string? confirmPassword, CancellationToken ct)
    {
        var userId = User.GetUserId();
        if (userId is null)
        {
            return Forbid();
        }

        if (newPassword != confirmPassword)
        {
            Errors = new Dictionary<string, string[]> { ["confirmPassword"] = ["Does not match the new password."] };
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }

        var result = await change.HandleAsync(userId.Value, User.GetSessionId(), new ChangePasswordRequest(currentPassword, newPassword), ct);
        if (!result.IsOk)
        {
            Errors = result.Errors;
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }

        // The stamp changed: re-issue this session's cookie with it, keeping the same server-side session.
        var user = await db.Users.FindAsync([userId.Value], ct);
        var token = User.FindFirst(RapportClaims.SessionToken)!.Value;
        await HttpContext.SignInAsync(Authentication.CookieScheme, Authentication.PrincipalFor(user!, token));
        TempData["Flash"] = result.Value!.SessionsEnded > 0
            ? $"Your password is changed; {Display.Plural(result.Value.SessionsEnded, "other session")} signed out."
            : "Your password is changed.";
        return Redirect("/account/sessions");
    }

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;
}
