using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Consent;

namespace Rapport.Pages.Preferences;

/// <summary>
/// The customer's own preferences page (<c>/preferences/{token}</c>): no account, the signed link is the credential; a
/// bad, altered or revoked link answers 404 with a page that says so. Saving appends ledger events (source
/// preferences, with the request's IP and user agent) for what changed only. docs/privacy.md, "Preferences and unsubscribe".
/// </summary>
[AllowAnonymous]
public sealed class IndexModel(Rapport.Consent.Preferences preferences) : PageModel
{
    public PreferencesForm? Form { get; private set; }
    public bool Saved { get; private set; }

    [FromRoute]
    public string Token { get; set; } = "";

    public static string FieldName(ConsentChannel channel, ConsentPurpose purpose) => $"c.{channel}.{purpose}".ToLowerInvariant();

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Form = await preferences.OpenAsync(Token, ct);
        return Shown();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var granted = new HashSet<(ConsentChannel, ConsentPurpose)>();
        var profiling = false;
        if (Request.HasFormContentType)
        {
            foreach (var channel in Enum.GetValues<ConsentChannel>())
            {
                foreach (var purpose in Rapport.Consent.Preferences.ContactPurposes)
                {
                    if (Request.Form.ContainsKey(FieldName(channel, purpose)))
                    {
                        granted.Add((channel, purpose));
                    }
                }
            }

            profiling = Request.Form.ContainsKey("profiling");
        }

        Form = await preferences.SaveAsync(Token, new PreferencesChoices(granted, profiling),
            new RequestOrigin(HttpContext.Connection.RemoteIpAddress?.ToString(), Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua : null), ct);
        Saved = Form is not null;
        return Shown();
    }

    private PageResult Shown()
    {
        Response.StatusCode = Form is null ? StatusCodes.Status404NotFound : StatusCodes.Status200OK;
        Response.Headers.CacheControl = "no-store";
        return Page();
    }
}
