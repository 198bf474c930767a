using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Identity;

namespace Rapport.Pages.Admin;

/// <summary>Every page under /admin needs admin.view; every handler other than GET needs admin.edit too.</summary>
[Authorize(Policy = Policies.AdminView)]
public abstract class AdminPageModel : PageModel
{
    public override Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (!HttpMethods.IsGet(context.HttpContext.Request.Method) && !User.Can(Policies.AdminEdit))
        {
            context.Result = StatusCode(StatusCodes.Status403Forbidden);
            return Task.CompletedTask;
        }

        return next();
    }

    public static IReadOnlyList<(string Value, string Label)> RoleChoices { get; } =
        Enum.GetValues<Role>().Select(r => (Roles.Name(r), Display.Label(r))).ToList();

    protected static Role? ParseRole(string? value) => Roles.TryParse(value, out var role) ? role : null;
}
