using System.Globalization;
using Rapport.Common;

namespace Rapport.Surveys;

/// <summary>
/// One answer as given: <c>Number</c> for rating, NPS, CSAT and value importance; <c>Choices</c> for single and
/// multiple choice (option texts) and value ranking (value keys, most important first); <c>Text</c> for free text.
/// </summary>
public sealed record SurveyAnswerInput(int? Number = null, IReadOnlyList<string?>? Choices = null, string? Text = null)
{
    public bool IsBlank => Number is null && (Choices is null || Choices.All(string.IsNullOrWhiteSpace)) && string.IsNullOrWhiteSpace(Text);
}

/// <summary>An active value offered by value-ranking questions.</summary>
public sealed record RankableValue(long Id, string Key, string Name);

/// <summary>An answer that passed its question's rules, ready to store.</summary>
public sealed record CheckedAnswer(SurveyQuestion Question, int? Number, IReadOnlyList<string> Choices, string? Text);

/// <summary>The rules of answers, by question kind; errors are keyed by question key so forms show them in place.</summary>
public static class SurveyAnswerRules
{
    public const string Missing = "Please answer this question.";

    public static IReadOnlyList<CheckedAnswer> Check(
        IReadOnlyList<SurveyQuestion> questions, IReadOnlyList<RankableValue> values,
        IReadOnlyDictionary<string, SurveyAnswerInput> answers, FieldErrors errors, string prefix = "")
    {
        var checkedAnswers = new List<CheckedAnswer>();
        var known = questions.Select(q => q.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var key in answers.Keys.Where(k => !known.Contains(k)).Take(5))
        {
            errors.Add(prefix + key, "The survey has no question with this key.");
        }

        foreach (var q in questions)
        {
            var field = prefix + q.Key;
            if (!answers.TryGetValue(q.Key, out var answer) || answer.IsBlank)
            {
                if (q.Required)
                {
                    errors.Add(field, Missing);
                }

                continue;
            }

            if (SurveyRules.Scale(q.Kind) is { } scale)
            {
                if (answer.Number is not { } n || n < scale.Min || n > scale.Max)
                {
                    errors.Add(field, $"Choose a number from {scale.Min} to {scale.Max}.");
                    continue;
                }

                checkedAnswers.Add(new CheckedAnswer(q, n, [], null));
                continue;
            }

            switch (q.Kind)
            {
                case SurveyQuestionKind.SingleChoice:
                case SurveyQuestionKind.MultipleChoice:
                {
                    var options = q.OptionList;
                    var chosen = new List<string>();
                    foreach (var given in (answer.Choices ?? []).Select(Validate.Clean).OfType<string>())
                    {
                        var option = options.FirstOrDefault(o => string.Equals(o, given, StringComparison.OrdinalIgnoreCase));
                        if (option is null)
                        {
                            errors.Add(field, "Choose one of the options offered.");
                            chosen.Clear();
                            break;
                        }

                        if (!chosen.Contains(option, StringComparer.Ordinal))
                        {
                            chosen.Add(option);
                        }
                    }

                    if (chosen.Count == 0)
                    {
                        if (!errors.ToDictionary().ContainsKey(field))
                        {
                            errors.Add(field, "Choose one of the options offered.");
                        }

                        continue;
                    }

                    if (q.Kind == SurveyQuestionKind.SingleChoice && chosen.Count > 1)
                    {
                        errors.Add(field, "Choose only one option.");
                        continue;
                    }

                    checkedAnswers.Add(new CheckedAnswer(q, null, chosen, null));
                    break;
                }

                case SurveyQuestionKind.ValueRanking:
                {
                    var ranked = new List<string>();
                    var holes = false;
                    foreach (var given in answer.Choices ?? [])
                    {
                        var key = Validate.Clean(given);
                        if (key is null)
                        {
                            holes = true;
                            continue;
                        }

                        var value = values.FirstOrDefault(v => string.Equals(v.Key, key, StringComparison.OrdinalIgnoreCase));
                        if (value is null)
                        {
                            errors.Add(field, $"'{Short(key)}' is not one of the values offered.");
                            ranked.Clear();
                            break;
                        }

                        if (holes)
                        {
                            errors.Add(field, "Fill the places in order: first, then second, then third.");
                            ranked.Clear();
                            break;
                        }

                        if (ranked.Contains(value.Key, StringComparer.Ordinal))
                        {
                            errors.Add(field, "Choose a different value for each place.");
                            ranked.Clear();
                            break;
                        }

                        ranked.Add(value.Key);
                    }

                    if (ranked.Count > SurveyLimits.Ranked)
                    {
                        errors.Add(field, $"Choose at most {SurveyLimits.Ranked} values.");
                        continue;
                    }

                    if (ranked.Count > 0)
                    {
                        checkedAnswers.Add(new CheckedAnswer(q, null, ranked, null));
                    }

                    break;
                }

                default:
                {
                    // Free text: stored exactly as given (trimmed at the ends), shown escaped everywhere.
                    var text = answer.Text?.Trim() ?? "";
                    if (text.Length > SurveyLimits.AnswerText)
                    {
                        errors.Add(field, $"Please keep your answer under {SurveyLimits.AnswerText.ToString("N0", CultureInfo.InvariantCulture)} characters (it has {text.Length.ToString("N0", CultureInfo.InvariantCulture)}).");
                        continue;
                    }

                    TextRules.MultiLine(errors, field, text, SurveyLimits.AnswerText);
                    if (text.Length > 0)
                    {
                        checkedAnswers.Add(new CheckedAnswer(q, null, [], text));
                    }

                    break;
                }
            }
        }

        return checkedAnswers;
    }

    /// <summary>Reads one CSV cell as the answer to <paramref name="question"/>: numbers, choices split by <c>;</c> or <c>|</c>, or text.</summary>
    public static SurveyAnswerInput? FromCell(SurveyQuestion question, string? cell, FieldErrors errors, string field)
    {
        if (string.IsNullOrWhiteSpace(cell))
        {
            return null;
        }

        if (SurveyRules.Scale(question.Kind) is not null)
        {
            if (int.TryParse(cell.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
            {
                return new SurveyAnswerInput(Number: n);
            }

            errors.Add(field, $"'{Short(cell)}' is not a whole number.");
            return null;
        }

        return question.Kind switch
        {
            SurveyQuestionKind.SingleChoice => new SurveyAnswerInput(Choices: [cell]),
            SurveyQuestionKind.MultipleChoice or SurveyQuestionKind.ValueRanking =>
                new SurveyAnswerInput(Choices: cell.Split([';', '|'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)),
            _ => new SurveyAnswerInput(Text: cell),
        };
    }

    private static string Short(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
