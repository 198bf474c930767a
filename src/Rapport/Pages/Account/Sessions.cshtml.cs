using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Identity;

namespace Rapport.Pages.Account;

/// <summary>/account/sessions: the signed-in user's open sessions; they can sign out any other one, or all others.</summary>
public sealed class SessionsModel(UserSessions sessions, TimeProvider clock) : PageModel
{
    public IReadOnlyList<UserSessionRow> Sessions { get; private set; } = [];
    public string? CurrentId { get; private set; }
    public DateTimeOffset Now => clock.GetUtcNow();

    public async Task OnGetAsync(CancellationToken ct)
    {
        CurrentId = User.GetSessionId();
        Sessions = await sessions.ListAsync(User.GetUserId() ?? 0, ct);
    }

    public async Task<IActionResult> OnPostRevokeAsync(string? id, CancellationToken ct)
    {
        if (User.GetUserId() is not { } userId)
        {
            return Forbid();
        }

        if (!string.IsNullOrEmpty(id) && id != User.GetSessionId() && await sessions.RevokeAsync(userId, id, ct))
        {
            TempData["Flash"] = "That session is signed out.";
        }

        return Redirect("/account/sessions");
    }

    public async Task<IActionResult> OnPostRevokeOthersAsync(CancellationToken ct)
    {
        if (User.GetUserId() is not { } userId)
        {
            return Forbid();
        }

        var ended = await sessions.RevokeAllAsync(userId, User.GetSessionId(), ct);
        TempData["Flash"] = $"{Display.Plural(ended, "other session")} signed out.";
        return Redirect("/account/sessions");
    }
}
