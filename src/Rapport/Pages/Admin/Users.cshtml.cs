using Microsoft.AspNetCore.Mvc;
using Rapport.Common;
using Rapport.Identity;

namespace Rapport.Pages.Admin;

public sealed class UsersModel(ListUsers list, AddUser add, SetUserDisabled setDisabled, ChangeUserRole changeRole, UserSessions sessions, Rapport.Audit.AuditLog audit, TimeProvider clock) : AdminPageModel
{
    public IReadOnlyList<UserRow> Users { get; private set; } = [];
    public DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>The user just added with a generated password: shown once, in this response only.</summary>
    public AddedUser? Added { get; private set; }

    public string? NewEmail { get; private set; }
    public string? NewName { get; private set; }
    public string NewRole { get; private set; } = "sales";
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = FieldErrors.None;

    public async Task OnGetAsync(CancellationToken ct) => Users = await list.HandleAsync(ct);

    public async Task<IActionResult> OnPostAddAsync(string? email, string? displayName, string? role, CancellationToken ct)
    {
        (NewEmail, NewName, NewRole) = (email, displayName, role ?? "");
        if (ParseRole(role) is not { } parsed)
        {
            Errors = new Dictionary<string, string[]> { ["role"] = ["Choose a role."] };
        }
        else
        {
            var result = await add.HandleAsync(new AddUserRequest(email ?? "", parsed, null, displayName), ct);
            if (result.IsOk)
            {
                Added = result.Value;
                (NewEmail, NewName, NewRole) = (null, null, "sales");
            }
            else
            {
                Errors = result.Errors;
            }
        }

        if (Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        }

        Users = await list.HandleAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostDisableAsync(long id, bool disabled, CancellationToken ct)
    {
        var result = await setDisabled.HandleAsync(id, disabled, User.GetUserId(), ct);
        return Done(result, result.IsOk ? $"{result.Value!.Email} is {(disabled ? "disabled" : "enabled again")}." : null);
    }

    /// <summary>Signs a user out everywhere (every server-side session ends at their next request).</summary>
    public async Task<IActionResult> OnPostEndSessionsAsync(long id, CancellationToken ct)
    {
        var ended = await sessions.RevokeAllAsync(id, keep: id == User.GetUserId() ? User.GetSessionId() : null, ct);
        await audit.RecordAsync("user.sessions_revoked", "user", Rapport.Audit.AuditLog.Id(id), details: new { ended }, ct: ct);
        TempData["Flash"] = $"{Display.Plural(ended, "session")} ended.";
        return Redirect("/admin/users");
    }

    public async Task<IActionResult> OnPostRoleAsync(long id, string? role, CancellationToken ct)
    {
        if (ParseRole(role) is not { } parsed)
        {
            TempData["FlashError"] = "Choose a role.";
            return Redirect("/admin/users");
        }

        var result = await changeRole.HandleAsync(id, parsed, User.GetUserId(), ct);
        return Done(result, result.IsOk ? $"{result.Value!.Email} is now {Roles.Name(parsed)}; they sign in again to use it." : null);
    }

    private IActionResult Done(Result<UserRow> result, string? message)
    {
        if (result.Kind == ResultKind.NotFound)
        {
            return NotFound();
        }

        if (result.IsOk)
        {
            TempData["Flash"] = message;
        }
        else
        {
            TempData["FlashError"] = result.Message ?? string.Join(" ", result.Errors.SelectMany(e => e.Value));
        }

        return Redirect("/admin/users");
    }
}
