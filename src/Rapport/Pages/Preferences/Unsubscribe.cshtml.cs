using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Consent;

namespace Rapport.Pages.Preferences;

/// <summary>
/// RFC 8058 one-click unsubscribe (<c>/unsubscribe/{token}</c>). POST with <c>List-Unsubscribe=One-Click</c> withdraws
/// marketing by email and answers 200 without a redirect or a cookie; no antiforgery token, since the POST comes from
/// the recipient's mail provider (the signed token is the credential, and the worst a forged POST can do is the
/// unsubscribe the link exists for). GET only shows a page with a button: link scanners and previews follow GETs.
/// </summary>
[AllowAnonymous]
[IgnoreAntiforgeryToken]
public sealed class UnsubscribeModel(Rapport.Consent.Preferences preferences, PreferenceLinks links) : PageModel
{
    public const string OneClick = "One-Click";

    public bool Valid { get; private set; }
    public bool Done { get; private set; }
    public bool MissingOneClick { get; private set; }

    [FromRoute]
    public string Token { get; set; } = "";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Valid = await links.ResolveAsync(Token, ct) is not null;
        return Shown(Valid ? StatusCodes.Status200OK : StatusCodes.Status404NotFound);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var form = Request.HasFormContentType ? await Request.ReadFormAsync(ct) : null;
        if (form is null || !string.Equals(form["List-Unsubscribe"].ToString(), OneClick, StringComparison.Ordinal))
        {
            Valid = await links.ResolveAsync(Token, ct) is not null;
            MissingOneClick = true;
            return Shown(StatusCodes.Status400BadRequest);
        }

        Done = await preferences.UnsubscribeAsync(Token,
            new RequestOrigin(HttpContext.Connection.RemoteIpAddress?.ToString(), Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua : null), ct);
        Valid = Done;
        return Shown(Done ? StatusCodes.Status200OK : StatusCodes.Status404NotFound);
    }

    private PageResult Shown(int status)
    {
        Response.StatusCode = status;
        Response.Headers.CacheControl = "no-store";
        return Page();
    }
}
