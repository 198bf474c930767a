using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Common;
using Rapport.Surveys;

namespace Rapport.Pages.Survey;

/// <summary>
/// The public answering page of a survey link (<c>/s/{token}</c>): no account; a personal link's earlier answers are
/// prefilled and can be changed until the survey closes. A bad or revoked link answers 404, a closed survey 410,
/// both with a page that says so; answers that break a rule come back (422) with a message at each field.
/// </summary>
[AllowAnonymous]
public sealed class AnswerModel(OpenSurveyLink open, SubmitSurveyLink submit) : PageModel
{
    public const string FieldPrefix = "a.";

    public SurveyForm Form { get; private set; } = SurveyForm.Of(SurveyLinkState.Invalid);
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = FieldErrors.None;

    [FromRoute]
    public string Token { get; set; } = "";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Form = await open.HandleAsync(Token, ct);
        return Shown();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var submission = await submit.HandleAsync(Token, ReadAnswers(), ct);
        Form = submission.Form;
        if (submission.State == SurveyLinkState.Open && submission.ResponseId is not null)
        {
            return new RedirectResult($"/s/{Uri.EscapeDataString(Token)}/thanks", permanent: false, preserveMethod: false);
        }

        if (submission.State != SurveyLinkState.Open)
        {
            return Shown();
        }

        Errors = submission.Errors;
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    private PageResult Shown()
    {
        Response.StatusCode = Form.State switch
        {
            SurveyLinkState.Invalid => StatusCodes.Status404NotFound,
            SurveyLinkState.Closed => StatusCodes.Status410Gone,
            _ => StatusCodes.Status200OK,
        };
        Response.Headers.CacheControl = "no-store";
        return Page();
    }

    /// <summary>The posted answers by question key; every control of question <c>k</c> is named <c>a.k</c>.</summary>
    private Dictionary<string, SurveyAnswerInput> ReadAnswers()
    {
        var answers = new Dictionary<string, SurveyAnswerInput>(StringComparer.Ordinal);
        if (!Request.HasFormContentType)
        {
            return answers;
        }

        foreach (var (name, values) in Request.Form)
        {
            if (!name.StartsWith(FieldPrefix, StringComparison.Ordinal) || name.Length > FieldPrefix.Length + SurveyLimits.QuestionKey)
            {
                continue;
            }

            var key = name[FieldPrefix.Length..];
            var given = values.ToArray();
            var first = given.FirstOrDefault();
            answers[key] = new SurveyAnswerInput(
                int.TryParse(first, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null,
                given,
                first);
        }

        return answers;
    }

    public string? ErrorFor(string key) => Errors.TryGetValue(key, out var messages) ? messages.FirstOrDefault() : null;

    public SurveyAnswerInput? Given(string key) => Form.Answers.TryGetValue(key, out var answer) ? answer : null;
}
