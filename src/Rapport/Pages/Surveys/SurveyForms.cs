using Rapport.Common;
using Rapport.Surveys;

namespace Rapport.Pages.Surveys;

/// <summary>What the survey pages' forms post, and small helpers shared by them.</summary>
public static class SurveyForms
{
    public static string Badge(SurveyStatus status) => status switch
    {
        SurveyStatus.Draft => "badge badge-warning",
        SurveyStatus.Open => "badge badge-success",
        _ => "badge",
    };

    public static IReadOnlyList<string?> Lines(string? text) =>
        string.IsNullOrWhiteSpace(text) ? [] : text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');

    public static IReadOnlyList<(string Value, string Label)> Kinds { get; } =
        [("", "Choose…"), .. Enum.GetValues<SurveyQuestionKind>().Select(k => (System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(k.ToString()), SurveyRules.Describe(k)))];

    public static SurveyQuestionKind? ParseKind(FieldErrors errors, string? kind, string field = "kind")
    {
        if (string.IsNullOrWhiteSpace(kind))
        {
            return null;
        }

        if (!char.IsAsciiDigit(kind[0]) && Enum.TryParse<SurveyQuestionKind>(kind, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed))
        {
            return parsed;
        }

        errors.Add(field, "Choose one of the kinds offered.");
        return null;
    }

    public static string Answer(SurveyAnswerDetail a) => a.Kind switch
    {
        SurveyQuestionKind.FreeText => a.Text ?? "",
        SurveyQuestionKind.ValueRanking => string.Join(" › ", a.Choices),
        SurveyQuestionKind.SingleChoice or SurveyQuestionKind.MultipleChoice => string.Join(", ", a.Choices),
        _ => a.Number?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };
}

public sealed class SurveyEditForm
{
    public string? Title { get; set; }
    public string? Intro { get; set; }
    public string? ThankYou { get; set; }
    /// <summary>datetime-local, UTC.</summary>
    public string? ClosesAt { get; set; }
    public bool AnonymousEnabled { get; set; }

    public static SurveyEditForm From(SurveyDetail s) => new()
    {
        Title = s.Title,
        Intro = s.Intro,
        ThankYou = s.ThankYou,
        ClosesAt = s.ClosesAt?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture),
        AnonymousEnabled = s.AnonymousEnabled,
    };
}

public sealed class QuestionForm
{
    public string? Kind { get; set; }
    public string? Prompt { get; set; }
    public string? HelpText { get; set; }
    public bool Required { get; set; }
    /// <summary>One option per line.</summary>
    public string? Options { get; set; }
    public string? Value { get; set; }
    public string? Key { get; set; }
}
