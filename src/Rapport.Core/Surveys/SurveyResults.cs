using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Analytics;
using Rapport.Common;
using Rapport.Data;
using Rapport.Research.Themes;
using Rapport.Values;

namespace Rapport.Surveys;

/// <summary>How many answers chose one option (or one score), and their share of the question's answers.</summary>
public sealed record AnswerCount(string Label, int Count, double Share);

/// <summary>A Net Promoter Score with its bands.</summary>
public sealed record NpsResult(int Promoters, int Passives, int Detractors, Estimate Score);

/// <summary>A value in a ranking question: how often it was chosen first, second and third, and its points (3, 2, 1).</summary>
public sealed record RankedValue(string Key, string Name, int First, int Second, int Third, int Points, double Share);

/// <summary>Free-text answers that mention one value, with the mean sentiment of those mentions and a few examples.</summary>
public sealed record ThemeGroup(string Key, string Name, int Answers, double Share, double Sentiment, IReadOnlyList<string> Examples);

/// <summary>The results of one question. Only the parts that fit its kind are filled in.</summary>
/// <param name="Answered">Responses that answered it; <c>Skipped</c> responses did not.</param>
/// <param name="Distribution">Counts per score (rating kinds, in scale order) or per option (choices).</param>
/// <param name="Mean">The mean score with its 95 % interval (rating, CSAT, value importance, NPS).</param>
/// <param name="Satisfied">CSAT: the share answering 4 or 5, with its Wilson interval.</param>
/// <param name="Unthemed">Free text: answers in which no value was found.</param>
public sealed record QuestionResult(
    long Id, int Position, string Key, SurveyQuestionKind Kind, string Prompt, string? Value, string? ValueName,
    int Answered, int Skipped,
    IReadOnlyList<AnswerCount> Distribution,
    Estimate? Mean,
    NpsResult? Nps,
    Estimate? Satisfied,
    IReadOnlyList<RankedValue> Ranking,
    IReadOnlyList<ThemeGroup> Themes,
    int Unthemed,
    IReadOnlyList<string> UnthemedExamples);

/// <summary>A survey's results: who answered and every question's figures.</summary>
public sealed record SurveyResults(
    long SurveyId, string Title, SurveyStatus Status, int Responses, int FromCustomers, int Anonymous, int Imported,
    DateTimeOffset? FirstResponseAt, DateTimeOffset? LastResponseAt, IReadOnlyList<QuestionResult> Questions);

/// <summary>
/// The results page's figures for one survey: distributions, NPS and CSAT with 95 % intervals (<see cref="SurveyStatistics"/>),
/// value rankings, and free-text answers grouped by the values theme detection finds in them (the business's own
/// taxonomy). Everything is computed from the stored answers on request. docs/surveys.md, "Results".
/// </summary>
public sealed class GetSurveyResults(RapportDbContext db, GetBusinessTaxonomy taxonomies, TimeProvider clock)
{
    /// <summary>Examples shown per theme; longer answers are cut to <see cref="ExampleLength"/> characters.</summary>
    public const int ExamplesPerTheme = 5;

    public const int ExampleLength = 300;

    public async Task<Result<SurveyResults>> HandleAsync(long surveyId, CancellationToken ct)
    {
        var survey = await db.Set<Survey>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == surveyId, ct);
        if (survey is null)
        {
            return SurveyRules.NotFound<SurveyResults>(surveyId);
        }

        var questions = await GetSurvey.Questions(db, surveyId, ct);
        var responses = await db.Set<SurveyResponse>().AsNoTracking()
            .Where(r => r.SurveyId == surveyId)
            .Select(r => new { r.Id, r.CustomerId, r.Source, r.SubmittedAt })
            .ToListAsync(ct);
        var answers = await (
            from a in db.Set<SurveyAnswer>().AsNoTracking()
            join r in db.Set<SurveyResponse>() on a.ResponseId equals r.Id
            where r.SurveyId == surveyId
            orderby a.ResponseId
            select new { a.QuestionId, a.NumberValue, a.ChoiceValues, a.TextValue }).ToListAsync(ct);
        var byQuestion = answers.ToLookup(a => a.QuestionId);

        var values = await db.Set<TaxonomyValue>().AsNoTracking().Select(v => new { v.Key, v.Name }).ToDictionaryAsync(v => v.Key, v => v.Name, StringComparer.Ordinal, ct);
        ThemeDetector? detector = null;
        var results = new List<QuestionResult>();
        foreach (var q in questions)
        {
            var rows = byQuestion[q.Id].ToList();
            var answered = rows.Count;
            var empty = new QuestionResult(q.Id, q.Position, q.Key, q.Kind, q.Prompt, q.Value, q.ValueName, answered, responses.Count - answered,
                [], null, null, null, [], [], 0, []);
            switch (q.Kind)
            {
                case SurveyQuestionKind.Rating or SurveyQuestionKind.Csat or SurveyQuestionKind.ValueImportance:
                {
                    var scores = rows.Where(r => r.NumberValue is not null).Select(r => r.NumberValue!.Value).ToList();
                    results.Add(empty with
                    {
                        Distribution = Scale(scores, 1, 5),
                        Mean = SurveyStatistics.Mean(scores, 1, 5),
                        Satisfied = q.Kind == SurveyQuestionKind.Csat ? SurveyStatistics.Proportion(scores.Count(SurveyStatistics.IsSatisfied), scores.Count) : null,
                    });
                    break;
                }

                case SurveyQuestionKind.Nps:
                {
                    var scores = rows.Where(r => r.NumberValue is not null).Select(r => r.NumberValue!.Value).ToList();
                    var promoters = scores.Count(SurveyStatistics.IsPromoter);
                    var detractors = scores.Count(SurveyStatistics.IsDetractor);
                    var passives = scores.Count - promoters - detractors;
                    results.Add(empty with
                    {
                        Distribution = Scale(scores, 0, 10),
                        Mean = SurveyStatistics.Mean(scores, 0, 10),
                        Nps = SurveyStatistics.Nps(promoters, passives, detractors) is { } nps ? new NpsResult(promoters, passives, detractors, nps) : null,
                    });
                    break;
                }

                case SurveyQuestionKind.SingleChoice or SurveyQuestionKind.MultipleChoice:
                {
                    var chosen = rows.SelectMany(r => SurveyRules.SplitLines(r.ChoiceValues)).ToList();
                    var labels = q.Options.Concat(chosen.Where(c => !q.Options.Contains(c, StringComparer.Ordinal)).Distinct(StringComparer.Ordinal));
                    results.Add(empty with
                    {
                        Distribution = [.. labels.Select(label =>
                        {
                            var count = chosen.Count(c => string.Equals(c, label, StringComparison.Ordinal));
                            return new AnswerCount(label, count, Share(count, answered));
                        })],
                    });
                    break;
                }

                case SurveyQuestionKind.ValueRanking:
                {
                    var rankings = rows.Select(r => SurveyRules.SplitLines(r.ChoiceValues)).ToList();
                    var keys = rankings.SelectMany(r => r).Distinct(StringComparer.Ordinal);
                    var ranked = keys.Select(key =>
                        {
                            int At(int place) => rankings.Count(r => r.Count > place && r[place] == key);
                            var (first, second, third) = (At(0), At(1), At(2));
                            return new RankedValue(key, values.GetValueOrDefault(key, key), first, second, third,
                                3 * first + 2 * second + third, Share(rankings.Count(r => r.Contains(key, StringComparer.Ordinal)), answered));
                        })
                        .OrderByDescending(r => r.Points).ThenByDescending(r => r.First).ThenBy(r => r.Name, StringComparer.Ordinal)
                        .ToList();
                    results.Add(empty with { Ranking = ranked });
                    break;
                }

                case SurveyQuestionKind.FreeText:
                {
                    detector ??= new ThemeDetector(await taxonomies.HandleAsync(ct));
                    var texts = rows.Where(r => !string.IsNullOrWhiteSpace(r.TextValue)).Select(r => r.TextValue!).ToList();
                    var groups = new Dictionary<string, (int Count, double Sentiment, List<string> Examples)>(StringComparer.Ordinal);
                    var unthemed = new List<string>();
                    foreach (var text in texts)
                    {
                        var found = detector.Detect(text).Values;
                        if (found.Count == 0)
                        {
                            unthemed.Add(text);
                            continue;
                        }

                        foreach (var value in found)
                        {
                            var group = groups.TryGetValue(value.Value, out var known) ? known : (Count: 0, Sentiment: 0.0, Examples: new List<string>());
                            if (group.Examples.Count < ExamplesPerTheme)
                            {
                                group.Examples.Add(Example(text));
                            }

                            groups[value.Value] = (group.Count + 1, group.Sentiment + value.Sentiment, group.Examples);
                        }
                    }

                    results.Add(empty with
                    {
                        Answered = texts.Count,
                        Skipped = responses.Count - texts.Count,
                        Themes = [.. groups
                            .Select(g => new ThemeGroup(g.Key, values.GetValueOrDefault(g.Key, g.Key), g.Value.Count, Share(g.Value.Count, texts.Count),
                                Math.Round(g.Value.Sentiment / g.Value.Count, 3), g.Value.Examples))
                            .OrderByDescending(g => g.Answers).ThenBy(g => g.Name, StringComparer.Ordinal)],
                        Unthemed = unthemed.Count,
                        UnthemedExamples = [.. unthemed.Take(ExamplesPerTheme).Select(Example)],
                    });
                    break;
                }

                default:
                    results.Add(empty);
                    break;
            }
        }

        return Result<SurveyResults>.Ok(new SurveyResults(
            survey.Id, survey.Title, SurveyRules.EffectiveStatus(survey, clock.GetUtcNow()), responses.Count,
            responses.Count(r => r.CustomerId is not null), responses.Count(r => r.CustomerId is null),
            responses.Count(r => r.Source == SurveyResponseSource.Import),
            responses.Count == 0 ? null : responses.Min(r => r.SubmittedAt), responses.Count == 0 ? null : responses.Max(r => r.SubmittedAt),
            results));
    }

    private static List<AnswerCount> Scale(List<int> scores, int min, int max) =>
        [.. Enumerable.Range(min, max - min + 1).Select(score =>
        {
            var count = scores.Count(s => s == score);
            return new AnswerCount(score.ToString(CultureInfo.InvariantCulture), count, Share(count, scores.Count));
        })];

    private static double Share(int count, int of) => of == 0 ? 0 : (double)count / of;

    private static string Example(string text)
    {
        var flat = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= ExampleLength ? flat : string.Concat(flat.AsSpan(0, ExampleLength - 1), "…");
    }
}

/// <summary>
/// Feeds NPS and CSAT to the KPI engine: the NPS and CSAT answers of every survey counted by the month the response was
/// submitted (imported responses by the date they carry). A response edited later keeps its submission month.
/// </summary>
public sealed class SurveyKpiFacts(RapportDbContext db) : IKpiFactSource
{
    public async Task<IReadOnlyList<MonthlyFacts>> ReadMonthlyAsync(CancellationToken ct)
    {
        var rows = await (
            from a in db.Set<SurveyAnswer>().AsNoTracking()
            join q in db.Set<SurveyQuestion>() on a.QuestionId equals q.Id
            join r in db.Set<SurveyResponse>() on a.ResponseId equals r.Id
            where (q.Kind == SurveyQuestionKind.Nps || q.Kind == SurveyQuestionKind.Csat) && a.NumberValue != null
            select new { q.Kind, Score = a.NumberValue!.Value, r.SubmittedAt }).ToListAsync(ct);

        return [.. rows
            .GroupBy(r => CalendarMonth.Of(DateOnly.FromDateTime(r.SubmittedAt.UtcDateTime)))
            .OrderBy(g => g.Key)
            .Select(g =>
            {
                var facts = new Dictionary<string, decimal>(StringComparer.Ordinal);
                var nps = g.Where(r => r.Kind == SurveyQuestionKind.Nps).Select(r => r.Score).ToList();
                if (nps.Count > 0)
                {
                    facts[KpiFact.NpsPromoters] = nps.Count(SurveyStatistics.IsPromoter);
                    facts[KpiFact.NpsDetractors] = nps.Count(SurveyStatistics.IsDetractor);
                    facts[KpiFact.NpsPassives] = nps.Count(s => !SurveyStatistics.IsPromoter(s) && !SurveyStatistics.IsDetractor(s));
                }

                var csat = g.Where(r => r.Kind == SurveyQuestionKind.Csat).Select(r => r.Score).ToList();
                if (csat.Count > 0)
                {
                    facts[KpiFact.CsatSatisfied] = csat.Count(SurveyStatistics.IsSatisfied);
                    facts[KpiFact.CsatAnswers] = csat.Count;
                }

                return new MonthlyFacts(g.Key, facts);
            })];
    }
}

public static class SurveyResultServices
{
    public static IServiceCollection AddSurveyResults(this IServiceCollection services)
    {
        services.AddScoped<GetSurveyResults>();
        services.AddScoped<IKpiFactSource, SurveyKpiFacts>();
        return services;
    }
}
