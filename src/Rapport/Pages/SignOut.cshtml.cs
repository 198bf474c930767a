using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Identity;

namespace Rapport.Pages;

/// <summary>Signing out is a POST with an antiforgery token, so another site cannot sign a user out; GET shows the button.</summary>
[AllowAnonymous]
public sealed class SignOutModel : PageModel
{
    public IActionResult OnGet() => User.GetUserId() is null ? Redirect("/signin") : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(Authentication.CookieScheme);
        return Redirect("/signin");
    }
}
