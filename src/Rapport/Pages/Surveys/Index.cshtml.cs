using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Common;
using Rapport.Identity;
using Rapport.Surveys;

namespace Rapport.Pages.Surveys;

/// <summary>Every survey with its status and response count; creates a draft.</summary>
public sealed class IndexModel(ListSurveys list, CreateSurvey create) : PageModel
{
    [BindProperty]
    public SurveyEditForm Form { get; set; } = new();

    public IReadOnlyList<SurveySummary> Surveys { get; private set; } = [];
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = FieldErrors.None;

    public async Task OnGetAsync(CancellationToken ct) => Surveys = await list.HandleAsync(null, ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!User.Can(Policies.ResearchEdit))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var errors = new FieldErrors();
        var closes = FormValues.Instant(errors, "closesAt", Form.ClosesAt);
        var result = errors.Any
            ? errors.ToResult<SurveyDetail>()
            : await create.HandleAsync(new CreateSurveyRequest(Form.Title, Form.Intro, Form.ThankYou, closes, Form.AnonymousEnabled), ct);
        if (result.IsOk)
        {
            TempData["Flash"] = "The survey was created as a draft; add its questions, then publish it.";
            return Redirect($"/surveys/{result.Value!.Id}");
        }

        Errors = result.Errors;
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        Surveys = await list.HandleAsync(null, ct);
        return Page();
    }
}
