using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Data;
using Rapport.Values;

namespace Rapport.Surveys;

/// <summary>A question to add (or the full content of one): <c>Value</c> is a value key, for value importance only.</summary>
public sealed record SurveyQuestionInput(
    SurveyQuestionKind? Kind, string? Prompt, string? HelpText = null, bool? Required = null,
    IReadOnlyList<string?>? Options = null, string? Value = null, string? Key = null);

/// <summary>Field checks shared by the survey use cases, so the API and the pages give the same messages.</summary>
public static partial class SurveyRules
{
    [GeneratedRegex("^[a-z][a-z0-9]*(_[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();

    public static Result<T> NotFound<T>(long id) => Result<T>.NotFound($"There is no survey {id.ToString(CultureInfo.InvariantCulture)}.");

    /// <summary>Open surveys past their closing time read as closed everywhere, before anyone closes them.</summary>
    public static SurveyStatus EffectiveStatus(Survey survey, DateTimeOffset now) =>
        survey.Status == SurveyStatus.Open && survey.ClosesAt is { } closes && now >= closes ? SurveyStatus.Closed : survey.Status;

    public static string Describe(SurveyStatus status) => status switch
    {
        SurveyStatus.Draft => "Draft",
        SurveyStatus.Open => "Open",
        _ => "Closed",
    };

    public static string Describe(SurveyQuestionKind kind) => kind switch
    {
        SurveyQuestionKind.Rating => "Rating 1–5",
        SurveyQuestionKind.Nps => "NPS 0–10",
        SurveyQuestionKind.Csat => "CSAT 1–5",
        SurveyQuestionKind.SingleChoice => "Single choice",
        SurveyQuestionKind.MultipleChoice => "Multiple choice",
        SurveyQuestionKind.ValueImportance => "Value importance 1–5",
        SurveyQuestionKind.ValueRanking => "Value ranking (top 3)",
        _ => "Free text",
    };

    /// <summary>The scale of a numeric question, or null.</summary>
    public static (int Min, int Max)? Scale(SurveyQuestionKind kind) => kind switch
    {
        SurveyQuestionKind.Rating or SurveyQuestionKind.Csat or SurveyQuestionKind.ValueImportance => (1, 5),
        SurveyQuestionKind.Nps => (0, 10),
        _ => null,
    };

    public static bool HasOptions(SurveyQuestionKind kind) => kind is SurveyQuestionKind.SingleChoice or SurveyQuestionKind.MultipleChoice;

    public static string? Title(FieldErrors errors, string? value, string field = "title")
    {
        var title = Validate.Clean(value);
        if (title is null)
        {
            errors.Add(field, "Is required.");
            return null;
        }

        TextRules.SingleLine(errors, field, title, SurveyLimits.Title);
        return title;
    }

    public static string? Text(FieldErrors errors, string field, string? value, int max)
    {
        var text = Validate.Clean(value);
        TextRules.MultiLine(errors, field, text, max);
        return text;
    }

    public static DateTimeOffset? ClosesAt(FieldErrors errors, DateTimeOffset? value, DateTimeOffset now, string field = "closesAt")
    {
        if (value is { } closes && closes <= now)
        {
            errors.Add(field, "Must be in the future.");
        }

        return value?.ToUniversalTime();
    }

    /// <summary>Checks one question's content; returns the cleaned question (position and survey left to the caller).</summary>
    public static async Task<SurveyQuestion?> QuestionAsync(RapportDbContext db, FieldErrors all, string prefix, SurveyQuestionInput input, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var question = await CheckQuestionAsync(db, errors, prefix, input, ct);
        foreach (var (field, messages) in errors.ToDictionary())
        {
            foreach (var message in messages)
            {
                all.Add(field, message);
            }
        }

        return errors.Any ? null : question;
    }

    private static async Task<SurveyQuestion?> CheckQuestionAsync(RapportDbContext db, FieldErrors errors, string prefix, SurveyQuestionInput input, CancellationToken ct)
    {
        if (input.Kind is not { } kind || !Enum.IsDefined(kind))
        {
            errors.Add(prefix + "kind", "Is required: rating, nps, csat, singleChoice, multipleChoice, valueImportance, valueRanking or freeText.");
            return null;
        }

        var prompt = Validate.Clean(input.Prompt);
        if (prompt is null)
        {
            errors.Add(prefix + "prompt", "Is required.");
        }

        TextRules.MultiLine(errors, prefix + "prompt", prompt, SurveyLimits.Prompt);
        var help = Text(errors, prefix + "helpText", input.HelpText, SurveyLimits.HelpText);
        var key = Validate.Clean(input.Key)?.ToLowerInvariant();
        if (key is not null && (key.Length > SurveyLimits.QuestionKey || !KeyPattern().IsMatch(key)))
        {
            errors.Add(prefix + "key", $"Must be lower snake case (a letter, then letters, digits and single underscores), at most {SurveyLimits.QuestionKey} characters.");
        }

        string? options = null;
        if (HasOptions(kind))
        {
            options = Options(errors, prefix + "options", input.Options);
        }
        else if (input.Options is { Count: > 0 } && input.Options.Any(o => !string.IsNullOrWhiteSpace(o)))
        {
            errors.Add(prefix + "options", "Only single and multiple choice questions have options.");
        }

        long? valueId = null;
        var valueKey = Validate.Clean(input.Value);
        if (kind == SurveyQuestionKind.ValueImportance)
        {
            if (valueKey is null)
            {
                errors.Add(prefix + "value", "Is required: the key of the value this question asks about.");
            }
            else
            {
                valueId = await db.Set<TaxonomyValue>().AsNoTracking()
                    .Where(v => v.Key == valueKey && v.Status == ValueStatus.Active).Select(v => (long?)v.Id).FirstOrDefaultAsync(ct);
                if (valueId is null)
                {
                    errors.Add(prefix + "value", $"There is no active value '{valueKey}'.");
                }
            }
        }
        else if (valueKey is not null)
        {
            errors.Add(prefix + "value", "Only value importance questions name a value.");
        }

        return new SurveyQuestion
        {
            Kind = kind,
            Prompt = prompt ?? "",
            HelpText = help,
            Required = input.Required ?? false,
            Options = options,
            ValueId = valueId,
            Key = key ?? "",
        };
    }

    public static string? Options(FieldErrors errors, string field, IReadOnlyList<string?>? given)
    {
        var options = (given ?? []).Select(Validate.Clean).OfType<string>().ToList();
        if (options.Count < 2)
        {
            errors.Add(field, "Give at least 2 options, one per line.");
            return null;
        }

        if (options.Count > SurveyLimits.Options)
        {
            errors.Add(field, $"At most {SurveyLimits.Options} options.");
            return null;
        }

        foreach (var option in options)
        {
            TextRules.SingleLine(errors, field, option, SurveyLimits.Option);
        }

        if (options.Distinct(StringComparer.OrdinalIgnoreCase).Count() != options.Count)
        {
            errors.Add(field, "Each option must be different.");
        }

        return errors.Any ? null : string.Join('\n', options);
    }

    /// <summary>A key not used by another question of the survey: the given one, else <c>q{n}</c>.</summary>
    public static string FreeKey(IReadOnlyCollection<string> taken, int position)
    {
        var n = position;
        while (taken.Contains($"q{n.ToString(CultureInfo.InvariantCulture)}"))
        {
            n++;
        }

        return $"q{n.ToString(CultureInfo.InvariantCulture)}";
    }

    public static Result<T> NotDraft<T>(Survey survey, string action) =>
        Result<T>.Conflict($"The survey is {Describe(survey.Status).ToLowerInvariant()}: {action} only while it is a draft.");
}
