using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Audit;
using Rapport.Identity;

namespace Rapport.Pages;

/// <summary>Signing out is a POST with an antiforgery token, so another site cannot sign a user out; GET shows the button.</summary>
[AllowAnonymous]
public sealed class SignOutModel(UserSessions sessions, AuditLog audit) : PageModel
{
    public IActionResult OnGet() => User.GetUserId() is null ? Redirect("/signin") : Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        // The server-side session ends too, so a copy of the cookie is worthless from now on.
        if (User.GetUserId() is { } userId && User.GetSessionId() is { } sessionId)
        {
            await sessions.RevokeAsync(userId, sessionId, ct);
            await audit.RecordAsync("sign_out", "user", AuditLog.Id(userId), ct: ct);
        }

        await HttpContext.SignOutAsync(Authentication.CookieScheme);
        return Redirect("/signin");
    }
}
