using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Customers;
using Rapport.Data;

namespace Rapport.Surveys;

/// <summary>
/// A partial update of a question. While the survey is open only the wording (<c>Prompt</c>, <c>HelpText</c>) may
/// change, so answers already given keep their meaning; in a draft everything may.
/// </summary>
public sealed record SurveyQuestionChanges
{
    public Optional<string?> Prompt { get; init; }
    public Optional<string?> HelpText { get; init; }
    public Optional<bool?> Required { get; init; }
    public Optional<IReadOnlyList<string?>?> Options { get; init; }
    public Optional<SurveyQuestionKind?> Kind { get; init; }
    public Optional<string?> Value { get; init; }
    public Optional<string?> Key { get; init; }
}

public sealed record ReorderQuestionsRequest(IReadOnlyList<long>? QuestionIds);

internal static class SurveyQuestionSteps
{
    public static async Task<(Survey? Survey, Result<T>? Failure)> LoadDraftAsync<T>(RapportDbContext db, long surveyId, string action, CancellationToken ct)
    {
        var survey = await db.Set<Survey>().FirstOrDefaultAsync(s => s.Id == surveyId, ct);
        if (survey is null)
        {
            return (null, SurveyRules.NotFound<T>(surveyId));
        }

        return survey.Status == SurveyStatus.Draft ? (survey, null) : (survey, SurveyRules.NotDraft<T>(survey, action));
    }

    /// <summary>Positions 1..n in the given order.</summary>
    public static void Renumber(IReadOnlyList<SurveyQuestion> ordered)
    {
        for (var i = 0; i < ordered.Count; i++)
        {
            ordered[i].Position = i + 1;
        }
    }
}

/// <summary>Adds a question at the end of a draft survey.</summary>
public sealed class AddSurveyQuestion(RapportDbContext db, GetSurvey get)
{
    public async Task<Result<SurveyDetail>> HandleAsync(long surveyId, SurveyQuestionInput input, CancellationToken ct)
    {
        var (survey, failure) = await SurveyQuestionSteps.LoadDraftAsync<SurveyDetail>(db, surveyId, "questions can be added", ct);
        if (failure is not null)
        {
            db.ChangeTracker.Clear();
            return failure;
        }

        var errors = new FieldErrors();
        var question = await SurveyRules.QuestionAsync(db, errors, "", input, ct);
        var existing = await db.Set<SurveyQuestion>().Where(q => q.SurveyId == surveyId).ToListAsync(ct);
        if (existing.Count >= SurveyLimits.Questions)
        {
            errors.Add("questions", $"A survey has at most {SurveyLimits.Questions} questions.");
        }

        var taken = existing.Select(q => q.Key).ToHashSet(StringComparer.Ordinal);
        if (question is not null && question.Key.Length > 0 && taken.Contains(question.Key))
        {
            errors.Add("key", $"Another question of this survey has the key '{question.Key}'.");
        }

        if (errors.Any || question is null)
        {
            db.ChangeTracker.Clear();
            return errors.ToResult<SurveyDetail>();
        }

        question.SurveyId = surveyId;
        question.Position = existing.Count == 0 ? 1 : existing.Max(q => q.Position) + 1;
        if (question.Key.Length == 0)
        {
            question.Key = SurveyRules.FreeKey(taken, question.Position);
        }

        db.Add(question);
        db.Entry(survey!).State = EntityState.Modified;
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return await get.HandleAsync(surveyId, ct);
    }
}

/// <summary>Changes a question: everything in a draft, only the wording once the survey is open, nothing once closed.</summary>
public sealed class UpdateSurveyQuestion(RapportDbContext db, GetSurvey get, TimeProvider clock)
{
    public async Task<Result<SurveyDetail>> HandleAsync(long surveyId, long questionId, SurveyQuestionChanges changes, CancellationToken ct)
    {
        var survey = await db.Set<Survey>().FirstOrDefaultAsync(s => s.Id == surveyId, ct);
        var question = await db.Set<SurveyQuestion>().FirstOrDefaultAsync(q => q.Id == questionId && q.SurveyId == surveyId, ct);
        if (survey is null || question is null)
        {
            db.ChangeTracker.Clear();
            return Result<SurveyDetail>.NotFound($"Survey {surveyId} has no question {questionId}.");
        }

        var status = SurveyRules.EffectiveStatus(survey, clock.GetUtcNow());
        if (status == SurveyStatus.Closed)
        {
            db.ChangeTracker.Clear();
            return Result<SurveyDetail>.Conflict("The survey is closed; its questions do not change.");
        }

        var structural = changes.Required.IsSet || changes.Options.IsSet || changes.Kind.IsSet || changes.Value.IsSet || changes.Key.IsSet;
        if (status == SurveyStatus.Open && structural)
        {
            db.ChangeTracker.Clear();
            return Result<SurveyDetail>.Conflict("The survey is open: only a question's prompt and help text may change, so answers already given keep their meaning.");
        }

        // Re-check the whole question with the changes applied, so the rules of its kind hold.
        var input = new SurveyQuestionInput(
            changes.Kind.IsSet ? changes.Kind.Value : question.Kind,
            changes.Prompt.IsSet ? changes.Prompt.Value : question.Prompt,
            changes.HelpText.IsSet ? changes.HelpText.Value : question.HelpText,
            changes.Required.IsSet ? changes.Required.Value ?? false : question.Required,
            changes.Options.IsSet ? changes.Options.Value : question.OptionList.ToList<string?>(),
            changes.Value.IsSet ? changes.Value.Value : await ValueKeyAsync(question.ValueId, ct),
            changes.Key.IsSet ? changes.Key.Value : question.Key);
        if (changes.Kind.IsSet && !changes.Options.IsSet && input.Kind is { } k && !SurveyRules.HasOptions(k))
        {
            input = input with { Options = null };
        }

        if (changes.Kind.IsSet && !changes.Value.IsSet && input.Kind != SurveyQuestionKind.ValueImportance)
        {
            input = input with { Value = null };
        }

        var errors = new FieldErrors();
        var check = await SurveyRules.QuestionAsync(db, errors, "", input, ct);
        if (check is not null && check.Key.Length > 0 && check.Key != question.Key &&
            await db.Set<SurveyQuestion>().AnyAsync(q => q.SurveyId == surveyId && q.Key == check.Key && q.Id != questionId, ct))
        {
            errors.Add("key", $"Another question of this survey has the key '{check.Key}'.");
        }

        if (errors.Any || check is null)
        {
            db.ChangeTracker.Clear();
            return errors.ToResult<SurveyDetail>();
        }

        question.Kind = check.Kind;
        question.Prompt = check.Prompt;
        question.HelpText = check.HelpText;
        question.Required = check.Required;
        question.Options = check.Options;
        question.ValueId = check.ValueId;
        question.Key = check.Key.Length > 0 ? check.Key : question.Key;
        db.Entry(survey).State = EntityState.Modified;
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return await get.HandleAsync(surveyId, ct);
    }

    private async Task<string?> ValueKeyAsync(long? valueId, CancellationToken ct) => valueId is null
        ? null
        : await db.Set<Values.TaxonomyValue>().Where(v => v.Id == valueId).Select(v => v.Key).FirstOrDefaultAsync(ct);
}

/// <summary>Removes a question from a draft survey; the others close the gap.</summary>
public sealed class RemoveSurveyQuestion(RapportDbContext db, GetSurvey get)
{
    public async Task<Result<SurveyDetail>> HandleAsync(long surveyId, long questionId, CancellationToken ct)
    {
        var (survey, failure) = await SurveyQuestionSteps.LoadDraftAsync<SurveyDetail>(db, surveyId, "questions can be removed", ct);
        if (failure is not null)
        {
            db.ChangeTracker.Clear();
            return failure;
        }

        var questions = await db.Set<SurveyQuestion>().Where(q => q.SurveyId == surveyId).OrderBy(q => q.Position).ThenBy(q => q.Id).ToListAsync(ct);
        var question = questions.FirstOrDefault(q => q.Id == questionId);
        if (question is null)
        {
            db.ChangeTracker.Clear();
            return Result<SurveyDetail>.NotFound($"Survey {surveyId} has no question {questionId}.");
        }

        db.Remove(question);
        questions.Remove(question);
        SurveyQuestionSteps.Renumber(questions);
        db.Entry(survey!).State = EntityState.Modified;
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return await get.HandleAsync(surveyId, ct);
    }
}

/// <summary>Puts a draft survey's questions in the given order (every question id exactly once).</summary>
public sealed class ReorderSurveyQuestions(RapportDbContext db, GetSurvey get)
{
    public async Task<Result<SurveyDetail>> HandleAsync(long surveyId, ReorderQuestionsRequest request, CancellationToken ct)
    {
        var (survey, failure) = await SurveyQuestionSteps.LoadDraftAsync<SurveyDetail>(db, surveyId, "questions can be reordered", ct);
        if (failure is not null)
        {
            db.ChangeTracker.Clear();
            return failure;
        }

        var questions = await db.Set<SurveyQuestion>().Where(q => q.SurveyId == surveyId).ToListAsync(ct);
        var ids = request.QuestionIds ?? [];
        if (ids.Count != questions.Count || ids.Distinct().Count() != ids.Count || ids.Any(id => questions.All(q => q.Id != id)))
        {
            db.ChangeTracker.Clear();
            return Result<SurveyDetail>.Invalid("questionIds", $"List every question id of the survey exactly once ({questions.Count} ids).");
        }

        SurveyQuestionSteps.Renumber([.. ids.Select(id => questions.First(q => q.Id == id))]);
        db.Entry(survey!).State = EntityState.Modified;
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return await get.HandleAsync(surveyId, ct);
    }

    /// <summary>Moves one question up (-1) or down (+1), for the page's arrows.</summary>
    public async Task<Result<SurveyDetail>> MoveAsync(long surveyId, long questionId, int by, CancellationToken ct)
    {
        var ids = await db.Set<SurveyQuestion>().AsNoTracking().Where(q => q.SurveyId == surveyId)
            .OrderBy(q => q.Position).ThenBy(q => q.Id).Select(q => q.Id).ToListAsync(ct);
        var at = ids.IndexOf(questionId);
        var to = at + by;
        if (at >= 0 && to >= 0 && to < ids.Count)
        {
            (ids[at], ids[to]) = (ids[to], ids[at]);
        }

        return await HandleAsync(surveyId, new ReorderQuestionsRequest(ids), ct);
    }
}
