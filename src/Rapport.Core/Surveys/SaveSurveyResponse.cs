using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Customers.Changes;
using Rapport.Data;
using Rapport.Research.Evidence;
using Rapport.Values;

namespace Rapport.Surveys;

/// <summary>
/// A response to store: a new one (<c>ResponseId</c> null) or a new version of an existing one (an invitation's
/// response edited, an imported row imported again). <c>At</c> is when it was given.
/// </summary>
public sealed record ResponseToSave(
    long SurveyId, long? ResponseId, long? CustomerId, long? InvitationId, SurveyResponseSource Source, string? ExternalId,
    DateTimeOffset At, IReadOnlyDictionary<string, SurveyAnswerInput> Answers);

/// <summary>
/// The one way survey answers are stored, for the public page, the CSV import and the demo alike: checks every answer
/// against its question, writes the response and its answers (a question left blank has no answer row), then, in
/// the same transaction, the response's stated value evidence and the mentions theme detection finds in each free-text
/// answer. docs/surveys.md, "What a response says about values".
/// </summary>
public sealed class SaveSurveyResponse(RapportDbContext db, MentionIndexer mentions, CustomerChanges changes)
{
    /// <summary>Signal of a value ranked 1st, 2nd and 3rd.</summary>
    public static readonly double[] RankSignals = [1.0, 0.8, 0.6];

    private IReadOnlyList<RankableValue>? _values;
    private readonly Dictionary<long, (long SurveyId, string Title, List<SurveyQuestion> Questions)> _surveys = [];

    /// <summary>The active values, by name: what value-ranking questions offer.</summary>
    public async Task<IReadOnlyList<RankableValue>> RankableValuesAsync(CancellationToken ct) =>
        _values ??= await db.Set<TaxonomyValue>().AsNoTracking()
            .Where(v => v.Status == ValueStatus.Active)
            .OrderBy(v => v.Name)
            .Select(v => new RankableValue(v.Id, v.Key, v.Name))
            .ToListAsync(ct);

    public async Task<Result<long>> HandleAsync(ResponseToSave request, CancellationToken ct)
    {
        var (_, title, questions) = await SurveyAsync(request.SurveyId, ct);
        var values = await RankableValuesAsync(ct);
        var errors = new FieldErrors();
        var answers = SurveyAnswerRules.Check(questions, values, request.Answers, errors);
        if (errors.Any)
        {
            return errors.ToResult<long>();
        }

        if (answers.Count == 0)
        {
            return Result<long>.Invalid("answers", "Answer at least one question.");
        }

        var ownTransaction = db.Database.CurrentTransaction is null;
        await using var transaction = ownTransaction ? await db.Database.BeginTransactionAsync(ct) : null;
        SurveyResponse response;
        if (request.ResponseId is { } id)
        {
            response = await db.Set<SurveyResponse>().FirstAsync(r => r.Id == id, ct);
            response.UpdatedAt = request.At;
            response.CustomerId = request.CustomerId ?? response.CustomerId;
            db.Entry(response).State = EntityState.Modified;
        }
        else
        {
            response = new SurveyResponse
            {
                SurveyId = request.SurveyId,
                CustomerId = request.CustomerId,
                InvitationId = request.InvitationId,
                Source = request.Source,
                ExternalId = request.ExternalId,
                SubmittedAt = request.At,
                UpdatedAt = request.At,
            };
            db.Add(response);
        }

        await db.SaveChangesAsync(ct);

        var stored = await db.Set<SurveyAnswer>().Where(a => a.ResponseId == response.Id).ToListAsync(ct);
        var removed = new List<long>();
        foreach (var old in stored.Where(s => answers.All(a => a.Question.Id != s.QuestionId)))
        {
            removed.Add(old.Id);
            db.Remove(old);
        }

        var rows = new List<(CheckedAnswer Answer, SurveyAnswer Row)>();
        foreach (var answer in answers)
        {
            var row = stored.FirstOrDefault(s => s.QuestionId == answer.Question.Id);
            if (row is null)
            {
                row = new SurveyAnswer { ResponseId = response.Id, QuestionId = answer.Question.Id };
                db.Add(row);
            }

            row.CustomerId = response.CustomerId;
            row.NumberValue = answer.Number;
            row.ChoiceValues = answer.Choices.Count == 0 ? null : string.Join('\n', answer.Choices);
            row.TextValue = answer.Text;
            rows.Add((answer, row));
        }

        await db.SaveChangesAsync(ct);
        if (request.InvitationId is { } invitationId)
        {
            await db.Set<SurveyInvitation>().Where(i => i.Id == invitationId)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.ResponseId, response.Id), ct);
        }

        foreach (var answerId in removed)
        {
            await ValueEvidenceStore.RemoveAsync(db, EvidenceSources.SurveyAnswer, answerId, ct);
        }

        await ValueEvidenceStore.ReplaceAsync(db, EvidenceSources.SurveyResponse, response.Id, EvidenceKind.Stated,
            Stated(rows.Select(r => r.Answer).ToList(), values, title, response.CustomerId, response.SubmittedAt), ct);
        foreach (var (answer, row) in rows.Where(r => r.Answer.Question.Kind == SurveyQuestionKind.FreeText))
        {
            await mentions.IndexAsync(new ResearchText(EvidenceSources.SurveyAnswer, row.Id, response.CustomerId, response.SubmittedAt, answer.Text!), ct);
        }

        if (response.CustomerId is { } customerId)
        {
            // Answering is engagement, and an NPS answer can make a promoter: the stage and segments follow.
            await changes.ChangedAsync(customerId, ct);
        }

        if (transaction is not null)
        {
            await transaction.CommitAsync(ct);
        }

        db.ChangeTracker.Clear();
        return Result<long>.Ok(response.Id);
    }

    /// <summary>
    /// What value-importance and value-ranking answers state: importance 1..5 → signal (v − 3) / 2; ranked 1st, 2nd,
    /// 3rd → 1.0, 0.8, 0.6. A value ranked and also rated keeps both rows (two statements).
    /// </summary>
    public static IReadOnlyList<NewEvidence> Stated(
        IReadOnlyList<CheckedAnswer> answers, IReadOnlyList<RankableValue> values, string surveyTitle, long? customerId, DateTimeOffset at)
    {
        var evidence = new List<NewEvidence>();
        var inv = CultureInfo.InvariantCulture;
        foreach (var answer in answers)
        {
            if (answer.Question.Kind == SurveyQuestionKind.ValueImportance && answer.Number is { } n && answer.Question.ValueId is { } valueId)
            {
                var name = values.FirstOrDefault(v => v.Id == valueId)?.Name ?? "a value";
                evidence.Add(new NewEvidence(customerId, valueId, EvidenceKind.Stated, at, (n - 3) / 2.0, null,
                    $"Rated {name} {n.ToString(inv)}/5 in '{surveyTitle}'"));
            }
            else if (answer.Question.Kind == SurveyQuestionKind.ValueRanking)
            {
                for (var i = 0; i < answer.Choices.Count && i < RankSignals.Length; i++)
                {
                    if (values.FirstOrDefault(v => v.Key == answer.Choices[i]) is { } value)
                    {
                        evidence.Add(new NewEvidence(customerId, value.Id, EvidenceKind.Stated, at, RankSignals[i], null,
                            $"Ranked {value.Name} {Ordinal(i + 1)} of their top {SurveyLimits.Ranked} in '{surveyTitle}'"));
                    }
                }
            }
        }

        return evidence;
    }

    private static string Ordinal(int n) => n switch { 1 => "1st", 2 => "2nd", 3 => "3rd", _ => $"{n}th" };

    internal async Task<(long SurveyId, string Title, List<SurveyQuestion> Questions)> SurveyAsync(long surveyId, CancellationToken ct)
    {
        if (!_surveys.TryGetValue(surveyId, out var cached))
        {
            var title = await db.Set<Survey>().Where(s => s.Id == surveyId).Select(s => s.Title).FirstAsync(ct);
            var questions = await db.Set<SurveyQuestion>().AsNoTracking().Where(q => q.SurveyId == surveyId)
                .OrderBy(q => q.Position).ThenBy(q => q.Id).ToListAsync(ct);
            _surveys[surveyId] = cached = (surveyId, title, questions);
        }

        return cached;
    }
}
