using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Identity;

namespace Rapport.Pages.Admin;

/// <summary>Every page under /admin, and every handler on it, requires the admin policy.</summary>
[Authorize(Policy = Policies.Admin)]
public abstract class AdminPageModel : PageModel
{
    public static IReadOnlyList<(string Value, string Label)> RoleChoices { get; } =
        Enum.GetValues<Role>().Select(r => (Roles.Name(r), Display.Label(r))).ToList();

    protected static Role? ParseRole(string? value) => Roles.TryParse(value, out var role) ? role : null;
}
