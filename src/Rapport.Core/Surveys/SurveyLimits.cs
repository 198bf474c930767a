namespace Rapport.Surveys;

/// <summary>Input limits of surveys; the lengths match the columns.</summary>
public static class SurveyLimits
{
    public const int Title = 200;
    public const int Intro = 4000;
    public const int ThankYou = 2000;
    public const int QuestionKey = 50;
    public const int Prompt = 500;
    public const int HelpText = 1000;
    public const int Option = 200;
    public const int Options = 30;
    public const int OptionsText = 6100;
    public const int Questions = 100;
    /// <summary>Characters of one free-text answer (a longer one is refused with a field message, not cut).</summary>
    public const int AnswerText = 5000;
    public const int ChoiceValues = 6100;
    public const int ExternalId = 100;
    public const int Nonce = 32;
    public const int Ranked = 3;
}

public static partial class SurveyRules
{
    /// <summary>Non-blank lines, trimmed, in order.</summary>
    public static IReadOnlyList<string> SplitLines(string? text) =>
        string.IsNullOrEmpty(text)
            ? []
            : text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
