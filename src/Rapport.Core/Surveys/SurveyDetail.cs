using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Data;
using Rapport.Values;

namespace Rapport.Surveys;

/// <summary>A question as the API and the pages show it. <c>Value</c> is the value key of a value-importance question.</summary>
public sealed record SurveyQuestionDetail(
    long Id, int Position, string Key, SurveyQuestionKind Kind, string Prompt, string? HelpText, bool Required,
    IReadOnlyList<string> Options, string? Value, string? ValueName);

/// <summary>A survey with its questions in order. <c>AnonymousLink</c> is the path of the anonymous link when enabled.</summary>
public sealed record SurveyDetail(
    long Id, string Title, string? Intro, string? ThankYou, SurveyStatus Status, DateTimeOffset? ClosesAt,
    DateTimeOffset? OpenedAt, DateTimeOffset? ClosedAt, bool AnonymousEnabled, string? AnonymousLink,
    int Responses, int Invitations, IReadOnlyList<SurveyQuestionDetail> Questions,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int Version);

/// <summary>A line of the survey list.</summary>
public sealed record SurveySummary(long Id, string Title, SurveyStatus Status, DateTimeOffset? ClosesAt, int Questions, int Responses, DateTimeOffset CreatedAt);

/// <summary>Reads one survey with its questions (value names resolved) and counts.</summary>
public sealed class GetSurvey(RapportDbContext db, SurveyLinks links, TimeProvider clock)
{
    public async Task<Result<SurveyDetail>> HandleAsync(long id, CancellationToken ct)
    {
        var survey = await db.Set<Survey>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (survey is null)
        {
            return SurveyRules.NotFound<SurveyDetail>(id);
        }

        var questions = await Questions(db, id, ct);
        var responses = await db.Set<SurveyResponse>().CountAsync(r => r.SurveyId == id, ct);
        var invitations = await db.Set<SurveyInvitation>().CountAsync(i => i.SurveyId == id, ct);
        return Result<SurveyDetail>.Ok(new SurveyDetail(
            survey.Id, survey.Title, survey.Intro, survey.ThankYou, SurveyRules.EffectiveStatus(survey, clock.GetUtcNow()), survey.ClosesAt,
            survey.OpenedAt, survey.ClosedAt, survey.AnonymousEnabled,
            survey.AnonymousEnabled && survey.AnonymousNonce is { } nonce ? "/s/" + links.AnonymousToken(survey.Id, nonce) : null,
            responses, invitations, questions, survey.CreatedAt, survey.UpdatedAt, survey.Version));
    }

    internal static async Task<IReadOnlyList<SurveyQuestionDetail>> Questions(RapportDbContext db, long surveyId, CancellationToken ct)
    {
        var rows = await (
            from q in db.Set<SurveyQuestion>().AsNoTracking()
            where q.SurveyId == surveyId
            join v in db.Set<TaxonomyValue>() on q.ValueId equals v.Id into values
            from v in values.DefaultIfEmpty()
            orderby q.Position, q.Id
            select new { q, Key = v == null ? null : v.Key, Name = v == null ? null : v.Name }).ToListAsync(ct);
        return [.. rows.Select(r => new SurveyQuestionDetail(
            r.q.Id, r.q.Position, r.q.Key, r.q.Kind, r.q.Prompt, r.q.HelpText, r.q.Required, r.q.OptionList, r.Key, r.Name))];
    }
}

/// <summary>Every survey, newest first, with question and response counts.</summary>
public sealed class ListSurveys(RapportDbContext db, TimeProvider clock)
{
    public async Task<IReadOnlyList<SurveySummary>> HandleAsync(SurveyStatus? status, CancellationToken ct)
    {
        var rows = await db.Set<Survey>().AsNoTracking()
            .OrderByDescending(s => s.Id)
            .Select(s => new
            {
                Survey = s,
                Questions = db.Set<SurveyQuestion>().Count(q => q.SurveyId == s.Id),
                Responses = db.Set<SurveyResponse>().Count(r => r.SurveyId == s.Id),
            })
            .ToListAsync(ct);
        var now = clock.GetUtcNow();
        return [.. rows
            .Select(r => new SurveySummary(r.Survey.Id, r.Survey.Title, SurveyRules.EffectiveStatus(r.Survey, now), r.Survey.ClosesAt, r.Questions, r.Responses, r.Survey.CreatedAt))
            .Where(s => status is null || s.Status == status)];
    }
}
