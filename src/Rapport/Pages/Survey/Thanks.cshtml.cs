using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Surveys;

namespace Rapport.Pages.Survey;

/// <summary>The thank-you page after a response is saved (<c>/s/{token}/thanks</c>), with the survey's own words.</summary>
[AllowAnonymous]
public sealed class ThanksModel(OpenSurveyLink open) : PageModel
{
    [FromRoute]
    public string Token { get; set; } = "";

    public SurveyForm Form { get; private set; } = SurveyForm.Of(SurveyLinkState.Invalid);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Form = await open.HandleAsync(Token, ct);
        if (Form.State == SurveyLinkState.Invalid)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
        }

        Response.Headers.CacheControl = "no-store";
        return Page();
    }
}
