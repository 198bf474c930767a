using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Rapport.Pages;

/// <summary>Where the cookie handler sends a signed-in user whose role does not allow a page; answers 403.</summary>
public sealed class ForbiddenModel : PageModel
{
    public void OnGet() => Response.StatusCode = StatusCodes.Status403Forbidden;
}
