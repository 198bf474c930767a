using Microsoft.AspNetCore.Mvc;
using Rapport.Access;
using Rapport.Common;
using Rapport.Identity;

namespace Rapport.Pages.Admin;

/// <summary>/admin/permissions: the matrix as a grid of checkboxes, one column per role.</summary>
public sealed class PermissionsModel(GetPermissionMatrix get, UpdatePermissionMatrix update) : AdminPageModel
{
    public PermissionMatrixView Matrix { get; private set; } = null!;
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = FieldErrors.None;

    public static IReadOnlyList<Role> RoleColumns { get; } = Enum.GetValues<Role>();

    public bool Granted(Role role, string permission) => Matrix.Roles[Roles.Name(role)].Contains(permission);

    public static bool Locked(Role role, string permission) => role == Role.Admin && Permissions.LockedForAdmin.Contains(permission);

    public async Task OnGetAsync(CancellationToken ct) => Matrix = await get.HandleAsync(ct);

    /// <summary>Each checked box posts <c>role:permission</c>; the admin role's locked permissions are always kept.</summary>
    public async Task<IActionResult> OnPostAsync(string[]? grant, CancellationToken ct)
    {
        var roles = RoleColumns.ToDictionary(
            Roles.Name,
            r => (IReadOnlyList<string>?)(grant ?? [])
                .Where(g => g.StartsWith(Roles.Name(r) + ":", StringComparison.Ordinal))
                .Select(g => g[(g.IndexOf(':', StringComparison.Ordinal) + 1)..])
                .Concat(r == Role.Admin ? Permissions.LockedForAdmin : [])
                .Distinct()
                .ToList());
        var result = await update.HandleAsync(new UpdatePermissionMatrixRequest(roles), ct);
        if (!result.IsOk)
        {
            Errors = result.Errors;
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            Matrix = await get.HandleAsync(ct);
            return Page();
        }

        TempData["Flash"] = "Permissions saved; they apply from the next request.";
        return Redirect("/admin/permissions");
    }
}
