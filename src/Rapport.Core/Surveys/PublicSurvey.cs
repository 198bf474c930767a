using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Data;

namespace Rapport.Surveys;

/// <summary>What a survey link leads to.</summary>
public enum SurveyLinkState
{
    /// <summary>The form can be answered.</summary>
    Open,
    /// <summary>Forged, cut, revoked, or naming nothing (also a draft survey): a "link not valid" page.</summary>
    Invalid,
    /// <summary>The survey has closed (or its link expired): a "closed" page; nothing is stored.</summary>
    Closed,
}

/// <summary>
/// The public form of a survey as one link sees it. <c>Answers</c> holds the answers already given through a
/// personal link (prefilled for editing); empty for the anonymous link.
/// </summary>
public sealed record SurveyForm(
    SurveyLinkState State, long SurveyId, string Title, string? Intro, string? ThankYou, DateTimeOffset? ClosesAt,
    IReadOnlyList<SurveyQuestion> Questions, IReadOnlyList<RankableValue> Values, IReadOnlyDictionary<string, SurveyAnswerInput> Answers,
    bool Answered, IReadOnlyDictionary<string, string> ValueNames)
{
    public static SurveyForm Of(SurveyLinkState state) =>
        new(state, 0, "", null, null, null, [], [], new Dictionary<string, SurveyAnswerInput>(), false, new Dictionary<string, string>());
}

/// <summary>What submitting a link's form did.</summary>
public sealed record SurveySubmission(SurveyLinkState State, SurveyForm Form, IReadOnlyDictionary<string, string[]> Errors, long? ResponseId);

/// <summary>Opens a survey link (<c>/s/{token}</c>): verifies the token, then reads the survey and any answers given through it.</summary>
public sealed class OpenSurveyLink(RapportDbContext db, SurveyLinks links, SaveSurveyResponse save, TimeProvider clock)
{
    internal sealed record Target(SurveyLinkState State, Survey? Survey, SurveyInvitation? Invitation);

    public async Task<SurveyForm> HandleAsync(string? token, CancellationToken ct)
    {
        var target = await ResolveAsync(token, ct);
        if (target.State != SurveyLinkState.Open)
        {
            return SurveyForm.Of(target.State);
        }

        var answers = new Dictionary<string, SurveyAnswerInput>(StringComparer.Ordinal);
        var (_, _, questions) = await save.SurveyAsync(target.Survey!.Id, ct);
        if (target.Invitation?.ResponseId is { } responseId)
        {
            var stored = await db.Set<SurveyAnswer>().AsNoTracking().Where(a => a.ResponseId == responseId).ToListAsync(ct);
            foreach (var a in stored)
            {
                if (questions.FirstOrDefault(q => q.Id == a.QuestionId) is { } q)
                {
                    answers[q.Key] = new SurveyAnswerInput(a.NumberValue, a.ChoiceList.ToList<string?>(), a.TextValue);
                }
            }
        }

        return await FormAsync(target.Survey, questions, answers, target.Invitation?.ResponseId is not null, ct);
    }

    internal async Task<SurveyForm> FormAsync(Survey survey, IReadOnlyList<SurveyQuestion> questions, IReadOnlyDictionary<string, SurveyAnswerInput> answers, bool answered, CancellationToken ct)
    {
        var values = await save.RankableValuesAsync(ct);
        var names = values.ToDictionary(v => v.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), v => v.Name, StringComparer.Ordinal);
        var missing = questions.Where(q => q.ValueId is { } id && !names.ContainsKey(id.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .Select(q => q.ValueId!.Value).ToList();
        if (missing.Count > 0)
        {
            // A value retired after the question was written: still named on the form.
            foreach (var v in await db.Set<Values.TaxonomyValue>().AsNoTracking().Where(v => missing.Contains(v.Id)).ToListAsync(ct))
            {
                names[v.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)] = v.Name;
            }
        }

        return new SurveyForm(SurveyLinkState.Open, survey.Id, survey.Title, survey.Intro, survey.ThankYou, survey.ClosesAt,
            questions, values, answers, answered, names);
    }

    internal async Task<Target> ResolveAsync(string? token, CancellationToken ct)
    {
        var link = links.Verify(token);
        if (link is null)
        {
            return new Target(SurveyLinkState.Invalid, null, null);
        }

        SurveyInvitation? invitation = null;
        Survey? survey;
        if (link.Kind == SurveyLinkKind.Invitation)
        {
            invitation = await db.Set<SurveyInvitation>().AsNoTracking().FirstOrDefaultAsync(i => i.Id == link.Id, ct);
            if (invitation is null || !SurveyLinks.NonceMatches(invitation.Nonce, link.Nonce))
            {
                return new Target(SurveyLinkState.Invalid, null, null);
            }

            survey = await db.Set<Survey>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == invitation.SurveyId, ct);
        }
        else
        {
            survey = await db.Set<Survey>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == link.Id, ct);
            if (survey is not null && (!survey.AnonymousEnabled || survey.AnonymousNonce is null || !SurveyLinks.NonceMatches(survey.AnonymousNonce, link.Nonce)))
            {
                return new Target(SurveyLinkState.Invalid, null, null);
            }
        }

        if (survey is null || survey.Status == SurveyStatus.Draft)
        {
            return new Target(SurveyLinkState.Invalid, null, null);
        }

        var now = clock.GetUtcNow();
        if (!survey.AcceptsAnswersAt(now) || invitation?.ExpiresAt is { } expires && now >= expires)
        {
            return new Target(SurveyLinkState.Closed, survey, invitation);
        }

        return new Target(SurveyLinkState.Open, survey, invitation);
    }
}

/// <summary>
/// Submits a link's form. A personal link keeps one response and updates it on every submit until the survey closes;
/// the anonymous link creates a new response each time. Bad answers come back with field messages and the answers
/// as given; a closed survey or a bad link stores nothing.
/// </summary>
public sealed class SubmitSurveyLink(RapportDbContext db, OpenSurveyLink open, SaveSurveyResponse save, TimeProvider clock, ILogger<SubmitSurveyLink> logger)
{
    public async Task<SurveySubmission> HandleAsync(string? token, IReadOnlyDictionary<string, SurveyAnswerInput> answers, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var target = await open.ResolveAsync(token, ct);
            if (target.State != SurveyLinkState.Open)
            {
                return new SurveySubmission(target.State, SurveyForm.Of(target.State), FieldErrors.None, null);
            }

            var survey = target.Survey!;
            var invitation = target.Invitation;
            var result = await TrySaveAsync(survey, invitation, answers, ct);
            if (result is null && attempt < 2)
            {
                // Two submits of one personal link raced and the other created the response: update it instead.
                continue;
            }

            if (result is null || !result.IsOk)
            {
                var (_, _, questions) = await save.SurveyAsync(survey.Id, ct);
                var form = await open.FormAsync(survey, questions, answers, invitation?.ResponseId is not null, ct);
                var errors = result?.Errors ?? new Dictionary<string, string[]> { [""] = ["Your answers could not be saved; please try again."] };
                return new SurveySubmission(SurveyLinkState.Open, form, errors, null);
            }

            logger.LogInformation("Survey {SurveyId} response {ResponseId} saved through {Link}", survey.Id, result.Value,
                invitation is null ? "the anonymous link" : "an invitation");
            return new SurveySubmission(SurveyLinkState.Open, await open.FormAsync(survey, [], answers, true, ct), FieldErrors.None, result.Value);
        }
    }

    private async Task<Result<long>?> TrySaveAsync(Survey survey, SurveyInvitation? invitation, IReadOnlyDictionary<string, SurveyAnswerInput> answers, CancellationToken ct)
    {
        var responseId = invitation is null
            ? null
            : invitation.ResponseId ?? await db.Set<SurveyResponse>().Where(r => r.InvitationId == invitation.Id).Select(r => (long?)r.Id).FirstOrDefaultAsync(ct);
        try
        {
            return await save.HandleAsync(new ResponseToSave(
                survey.Id, responseId, invitation?.CustomerId, invitation?.Id, SurveyResponseSource.Web, null, clock.GetUtcNow(), answers), ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
            return null;
        }
    }
}
