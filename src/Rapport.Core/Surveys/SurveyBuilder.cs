using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Customers;
using Rapport.Data;

namespace Rapport.Surveys;

public sealed record CreateSurveyRequest(
    string? Title, string? Intro = null, string? ThankYou = null, DateTimeOffset? ClosesAt = null,
    bool? AnonymousEnabled = null, IReadOnlyList<SurveyQuestionInput>? Questions = null);

/// <summary>A partial update of a survey's texts and settings (merge-patch: absent fields keep their value; null clears).</summary>
public sealed record SurveyChanges
{
    public Optional<string?> Title { get; init; }
    public Optional<string?> Intro { get; init; }
    public Optional<string?> ThankYou { get; init; }
    public Optional<DateTimeOffset?> ClosesAt { get; init; }
    public Optional<bool?> AnonymousEnabled { get; init; }
}

/// <summary>Creates a draft survey, with its first questions when given.</summary>
public sealed class CreateSurvey(RapportDbContext db, GetSurvey get, TimeProvider clock, ILogger<CreateSurvey> logger)
{
    public async Task<Result<SurveyDetail>> HandleAsync(CreateSurveyRequest request, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var title = SurveyRules.Title(errors, request.Title);
        var intro = SurveyRules.Text(errors, "intro", request.Intro, SurveyLimits.Intro);
        var thanks = SurveyRules.Text(errors, "thankYou", request.ThankYou, SurveyLimits.ThankYou);
        var closes = SurveyRules.ClosesAt(errors, request.ClosesAt, clock.GetUtcNow());
        var questions = new List<SurveyQuestion>();
        var given = request.Questions ?? [];
        if (given.Count > SurveyLimits.Questions)
        {
            errors.Add("questions", $"At most {SurveyLimits.Questions} questions.");
        }
        else
        {
            for (var i = 0; i < given.Count; i++)
            {
                if (await SurveyRules.QuestionAsync(db, errors, $"questions[{i}].", given[i] ?? new SurveyQuestionInput(null, null), ct) is { } q)
                {
                    questions.Add(q);
                }
            }
        }

        var keys = questions.Where(q => q.Key.Length > 0).Select(q => q.Key).ToList();
        if (keys.Distinct(StringComparer.Ordinal).Count() != keys.Count)
        {
            errors.Add("questions", "Two questions have the same key.");
        }

        if (errors.Any)
        {
            return errors.ToResult<SurveyDetail>();
        }

        var survey = new Survey
        {
            Title = title!, Intro = intro, ThankYou = thanks, ClosesAt = closes, Status = SurveyStatus.Draft,
            AnonymousEnabled = request.AnonymousEnabled ?? false, AnonymousNonce = SurveyLinks.NewNonce(),
        };
        db.Add(survey);
        await db.SaveChangesAsync(ct);
        var taken = new HashSet<string>(keys, StringComparer.Ordinal);
        for (var i = 0; i < questions.Count; i++)
        {
            var q = questions[i];
            q.SurveyId = survey.Id;
            q.Position = i + 1;
            if (q.Key.Length == 0)
            {
                q.Key = SurveyRules.FreeKey(taken, q.Position);
                taken.Add(q.Key);
            }

            db.Add(q);
        }

        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        logger.LogInformation("Created survey {SurveyId} with {Questions} questions", survey.Id, questions.Count);
        return await get.HandleAsync(survey.Id, ct);
    }
}

/// <summary>Changes a survey's texts, closing time and anonymous link (any status but closed), with optimistic concurrency.</summary>
public sealed class UpdateSurvey(RapportDbContext db, GetSurvey get, TimeProvider clock)
{
    public async Task<Result<SurveyDetail>> HandleAsync(long id, int? expectedVersion, SurveyChanges changes, CancellationToken ct)
    {
        var survey = await db.Set<Survey>().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (survey is null)
        {
            return SurveyRules.NotFound<SurveyDetail>(id);
        }

        if (expectedVersion is { } version && version != survey.Version)
        {
            db.ChangeTracker.Clear();
            return Result<SurveyDetail>.PreconditionFailed($"Survey {id} is at version {survey.Version}, not {version}: read it again and retry.");
        }

        var now = clock.GetUtcNow();
        if (SurveyRules.EffectiveStatus(survey, now) == SurveyStatus.Closed)
        {
            db.ChangeTracker.Clear();
            return Result<SurveyDetail>.Conflict("The survey is closed; a closed survey does not change.");
        }

        var errors = new FieldErrors();
        if (changes.Title.IsSet && SurveyRules.Title(errors, changes.Title.Value) is { } title)
        {
            survey.Title = title;
        }

        if (changes.Intro.IsSet)
        {
            survey.Intro = SurveyRules.Text(errors, "intro", changes.Intro.Value, SurveyLimits.Intro);
        }

        if (changes.ThankYou.IsSet)
        {
            survey.ThankYou = SurveyRules.Text(errors, "thankYou", changes.ThankYou.Value, SurveyLimits.ThankYou);
        }

        if (changes.ClosesAt.IsSet)
        {
            survey.ClosesAt = SurveyRules.ClosesAt(errors, changes.ClosesAt.Value, now);
        }

        if (changes.AnonymousEnabled.IsSet)
        {
            survey.AnonymousEnabled = changes.AnonymousEnabled.Value ?? false;
            survey.AnonymousNonce ??= SurveyLinks.NewNonce();
        }

        if (errors.Any)
        {
            db.ChangeTracker.Clear();
            return errors.ToResult<SurveyDetail>();
        }

        try
        {
            await db.SaveChangesAsync(ct);
            if (changes.ClosesAt.IsSet)
            {
                // Invitations expire when the survey closes.
                await db.Set<SurveyInvitation>().Where(i => i.SurveyId == id)
                    .ExecuteUpdateAsync(s => s.SetProperty(i => i.ExpiresAt, survey.ClosesAt), ct);
            }
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return Result<SurveyDetail>.PreconditionFailed($"Survey {id} changed while it was being updated; read it again.");
        }

        db.ChangeTracker.Clear();
        return await get.HandleAsync(id, ct);
    }
}

/// <summary>Deletes a draft survey with its questions. Surveys that were published keep their responses: close them instead.</summary>
public sealed class DeleteSurvey(RapportDbContext db, ILogger<DeleteSurvey> logger)
{
    public async Task<Result<bool>> HandleAsync(long id, CancellationToken ct)
    {
        var survey = await db.Set<Survey>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (survey is null)
        {
            return SurveyRules.NotFound<bool>(id);
        }

        if (survey.Status != SurveyStatus.Draft)
        {
            return SurveyRules.NotDraft<bool>(survey, "it can be deleted");
        }

        await db.Set<Survey>().Where(s => s.Id == id).ExecuteDeleteAsync(ct);
        logger.LogInformation("Deleted draft survey {SurveyId}", id);
        return Result<bool>.Ok(true);
    }
}

/// <summary>Publishes a draft: it opens for answers; questions are then locked except their wording.</summary>
public sealed class PublishSurvey(RapportDbContext db, GetSurvey get, TimeProvider clock, ILogger<PublishSurvey> logger)
{
    public async Task<Result<SurveyDetail>> HandleAsync(long id, int? expectedVersion, CancellationToken ct)
    {
        var survey = await db.Set<Survey>().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (survey is null)
        {
            return SurveyRules.NotFound<SurveyDetail>(id);
        }

        if (expectedVersion is { } version && version != survey.Version)
        {
            db.ChangeTracker.Clear();
            return Result<SurveyDetail>.PreconditionFailed($"Survey {id} is at version {survey.Version}, not {version}: read it again and retry.");
        }

        if (survey.Status != SurveyStatus.Draft)
        {
            db.ChangeTracker.Clear();
            return SurveyRules.NotDraft<SurveyDetail>(survey, "it can be published");
        }

        if (!await db.Set<SurveyQuestion>().AnyAsync(q => q.SurveyId == id, ct))
        {
            db.ChangeTracker.Clear();
            return Result<SurveyDetail>.Conflict("Add at least one question before publishing.", "questions");
        }

        var now = clock.GetUtcNow();
        if (survey.ClosesAt is { } closes && closes <= now)
        {
            db.ChangeTracker.Clear();
            return Result<SurveyDetail>.Invalid("closesAt", "The closing time has passed; move it to the future or clear it before publishing.");
        }

        survey.Status = SurveyStatus.Open;
        survey.OpenedAt = now;
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        logger.LogInformation("Published survey {SurveyId}", id);
        return await get.HandleAsync(id, ct);
    }
}

/// <summary>Closes an open survey: every link then shows a "closed" page and stores nothing. Final.</summary>
public sealed class CloseSurvey(RapportDbContext db, GetSurvey get, TimeProvider clock, ILogger<CloseSurvey> logger)
{
    public async Task<Result<SurveyDetail>> HandleAsync(long id, int? expectedVersion, CancellationToken ct)
    {
        var survey = await db.Set<Survey>().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (survey is null)
        {
            return SurveyRules.NotFound<SurveyDetail>(id);
        }

        if (expectedVersion is { } version && version != survey.Version)
        {
            db.ChangeTracker.Clear();
            return Result<SurveyDetail>.PreconditionFailed($"Survey {id} is at version {survey.Version}, not {version}: read it again and retry.");
        }

        if (survey.Status == SurveyStatus.Draft)
        {
            db.ChangeTracker.Clear();
            return Result<SurveyDetail>.Conflict("The survey is a draft: publish it first, or delete it.");
        }

        if (survey.Status == SurveyStatus.Closed)
        {
            db.ChangeTracker.Clear();
            return await get.HandleAsync(id, ct);
        }

        var now = clock.GetUtcNow();
        survey.Status = SurveyStatus.Closed;
        survey.ClosedAt = survey.ClosesAt is { } closes && closes < now ? closes : now;
        await db.SaveChangesAsync(ct);
        await db.Set<SurveyInvitation>().Where(i => i.SurveyId == id)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.ExpiresAt, survey.ClosedAt), ct);
        db.ChangeTracker.Clear();
        logger.LogInformation("Closed survey {SurveyId}", id);
        return await get.HandleAsync(id, ct);
    }
}
