using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Surveys;

namespace Rapport.Pages.Surveys;

/// <summary>/surveys/{id}/results: every question's figures, NPS and CSAT with their 95 % intervals, free text by theme.</summary>
public sealed class ResultsModel(GetSurveyResults results) : PageModel
{
    public SurveyResults Results { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        var result = await results.HandleAsync(id, ct);
        if (!result.IsOk)
        {
            return NotFound();
        }

        Results = result.Value!;
        return Page();
    }

    /// <summary>The class of a bar showing <paramref name="share"/> (0..1) in twentieths.</summary>
    public static string Bar(double share) => "score-" + Math.Clamp((int)Math.Round(share * 20), 0, 20).ToString(CultureInfo.InvariantCulture);

    public static string Count(int count, string one) => count.ToString("N0", CultureInfo.InvariantCulture) + " " + one + (count == 1 ? "" : "s");

    public static string Percent(double share) => (share * 100).ToString("0", CultureInfo.InvariantCulture) + " %";

    public static string Number(double value, string format = "0.0") => value.ToString(format, CultureInfo.InvariantCulture).Replace("-", "−", StringComparison.Ordinal);

    public static string Sentiment(double sentiment) => sentiment switch
    {
        >= 0.25 => "mostly positive",
        > 0.05 => "slightly positive",
        <= -0.25 => "mostly negative",
        < -0.05 => "slightly negative",
        _ => "mixed or neutral",
    };

    public static string KindName(SurveyQuestionKind kind) => kind switch
    {
        SurveyQuestionKind.Rating => "Rating 1–5",
        SurveyQuestionKind.Nps => "Net Promoter Score 0–10",
        SurveyQuestionKind.Csat => "Satisfaction 1–5",
        SurveyQuestionKind.SingleChoice => "Single choice",
        SurveyQuestionKind.MultipleChoice => "Multiple choice",
        SurveyQuestionKind.ValueImportance => "Value importance 1–5",
        SurveyQuestionKind.ValueRanking => "Value ranking (top 3)",
        _ => "Free text",
    };
}
