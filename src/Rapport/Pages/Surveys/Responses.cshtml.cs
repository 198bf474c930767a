using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Surveys;

namespace Rapport.Pages.Surveys;

/// <summary>A survey's responses, newest first, 50 a page.</summary>
public sealed class ResponsesModel(GetSurvey get, ListSurveyResponses list) : PageModel
{
    public SurveyDetail Survey { get; private set; } = null!;
    public IReadOnlyList<SurveyResponseSummary> Responses { get; private set; } = [];
    public string? Next { get; private set; }

    public async Task<IActionResult> OnGetAsync(long id, string? after, CancellationToken ct)
    {
        var survey = await get.HandleAsync(id, ct);
        if (!survey.IsOk)
        {
            return NotFound();
        }

        Survey = survey.Value!;
        var page = await list.HandleAsync(id, 50, after, ct);
        if (!page.IsOk)
        {
            return BadRequest();
        }

        Responses = page.Value!.Items;
        Next = page.Value.Next;
        return Page();
    }
}
