using Microsoft.AspNetCore.Mvc;
using Rapport.Access;
using Rapport.Common;
using Rapport.Identity;

namespace Rapport.Pages.Admin;

/// <summary>/admin/teams: record ownership (on/off, which roles), teams, and each user's team.</summary>
public sealed class TeamsModel(GetOwnership getOwnership, UpdateOwnership updateOwnership, Teams teams, ListUsers users) : AdminPageModel
{
    public OwnershipView Ownership { get; private set; } = null!;
    public IReadOnlyList<TeamRow> TeamList { get; private set; } = [];
    public IReadOnlyList<UserRow> Users { get; private set; } = [];
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = FieldErrors.None;
    public string? NewName { get; private set; }

    public static IReadOnlyList<Role> RestrictableRoles { get; } = Enum.GetValues<Role>().Where(r => r != Role.Admin).ToList();

    public long? TeamOf(long userId) => TeamList.FirstOrDefault(t => t.MemberIds.Contains(userId))?.Id;

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task<IActionResult> OnPostOwnershipAsync(bool enabled, string[]? restrictedRoles, CancellationToken ct)
    {
        var result = await updateOwnership.HandleAsync(new UpdateOwnershipRequest(enabled, restrictedRoles ?? []), ct);
        return await DoneAsync(result.IsOk, result.Errors, enabled ? "Record ownership is on." : "Record ownership is off: every role sees every customer.", ct);
    }

    public async Task<IActionResult> OnPostCreateAsync(string? name, CancellationToken ct)
    {
        NewName = name;
        var result = await teams.CreateAsync(name, ct);
        return await DoneAsync(result.IsOk, result.Errors, $"Team \"{result.Value?.Name}\" created.", ct);
    }

    public async Task<IActionResult> OnPostDeleteAsync(long id, CancellationToken ct)
    {
        var result = await teams.DeleteAsync(id, ct);
        return result.IsOk ? await DoneAsync(true, FieldErrors.None, "Team deleted; its members belong to no team.", ct) : NotFound();
    }

    public async Task<IActionResult> OnPostAssignAsync(long userId, long? teamId, CancellationToken ct)
    {
        var result = await teams.AssignAsync(userId, teamId, ct);
        if (result.Kind == ResultKind.NotFound)
        {
            return NotFound();
        }

        return await DoneAsync(result.IsOk, result.Errors, "Team membership saved.", ct);
    }

    private async Task<IActionResult> DoneAsync(bool ok, IReadOnlyDictionary<string, string[]> errors, string flash, CancellationToken ct)
    {
        if (ok)
        {
            TempData["Flash"] = flash;
            return Redirect("/admin/teams");
        }

        Errors = errors;
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Ownership = await getOwnership.HandleAsync(ct);
        TeamList = await teams.ListAsync(ct);
        Users = await users.HandleAsync(ct);
    }
}
