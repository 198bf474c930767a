using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Customers;
using Rapport.Data;
using Rapport.Research.Evidence;

namespace Rapport.Surveys;

/// <summary>One answer of a response as read back: exactly what was stored (free text unescaped; shown escaped).</summary>
public sealed record SurveyAnswerDetail(long Id, long QuestionId, string QuestionKey, string Prompt, SurveyQuestionKind Kind, int? Number, IReadOnlyList<string> Choices, string? Text);

public sealed record SurveyResponseSummary(
    long Id, long SurveyId, long? CustomerId, string? CustomerName, SurveyResponseSource Source, string? ExternalId,
    DateTimeOffset SubmittedAt, DateTimeOffset UpdatedAt, int Answers);

public sealed record SurveyResponseDetail(
    long Id, long SurveyId, string SurveyTitle, long? CustomerId, string? CustomerName, long? InvitationId, SurveyResponseSource Source,
    string? ExternalId, DateTimeOffset SubmittedAt, DateTimeOffset UpdatedAt, int Version, IReadOnlyList<SurveyAnswerDetail> Answers);

/// <summary>A survey's responses, newest first, keyset-paginated.</summary>
public sealed class ListSurveyResponses(RapportDbContext db)
{
    public async Task<Result<Page<SurveyResponseSummary>>> HandleAsync(long surveyId, int? limit, string? after, CancellationToken ct)
    {
        if (!await db.Set<Survey>().AnyAsync(s => s.Id == surveyId, ct))
        {
            return SurveyRules.NotFound<Page<SurveyResponseSummary>>(surveyId);
        }

        var take = Math.Clamp(limit ?? Cursor.DefaultLimit, 1, Cursor.MaxLimit);
        long? before = null;
        if (!string.IsNullOrEmpty(after))
        {
            if (!Cursor.TryDecode(after, out var keys) || keys.Length != 1 || !keys[0].TryGetInt64(out var id))
            {
                return Result<Page<SurveyResponseSummary>>.Invalid("after", "Is not a cursor this list gave out.");
            }

            before = id;
        }

        var query = db.Set<SurveyResponse>().AsNoTracking().Where(r => r.SurveyId == surveyId);
        if (before is { } b)
        {
            query = query.Where(r => r.Id < b);
        }

        var rows = await (
            from r in query
            join c in db.Customers on r.CustomerId equals c.Id into customers
            from c in customers.DefaultIfEmpty()
            orderby r.Id descending
            select new
            {
                r,
                First = c == null ? null : c.FirstName,
                Last = c == null ? null : c.LastName,
                Email = c == null ? null : c.Email,
                Answers = db.Set<SurveyAnswer>().Count(a => a.ResponseId == r.Id),
            }).Take(take + 1).ToListAsync(ct);
        var items = rows.Take(take).Select(x => new SurveyResponseSummary(
            x.r.Id, x.r.SurveyId, x.r.CustomerId, x.r.CustomerId is { } cid ? CustomerNames.Display(x.First, x.Last, x.Email, cid) : null,
            x.r.Source, x.r.ExternalId, x.r.SubmittedAt, x.r.UpdatedAt, x.Answers)).ToList();
        return Result<Page<SurveyResponseSummary>>.Ok(new Page<SurveyResponseSummary>(items, rows.Count > take ? Cursor.Encode(items[^1].Id) : null));
    }
}

/// <summary>One response with every answer, in question order.</summary>
public sealed class GetSurveyResponse(RapportDbContext db)
{
    public async Task<Result<SurveyResponseDetail>> HandleAsync(long id, CancellationToken ct)
    {
        var response = await db.Set<SurveyResponse>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
        if (response is null)
        {
            return Result<SurveyResponseDetail>.NotFound($"There is no survey response {id}.");
        }

        var title = await db.Set<Survey>().Where(s => s.Id == response.SurveyId).Select(s => s.Title).FirstAsync(ct);
        var customer = response.CustomerId is { } cid
            ? await db.Customers.AsNoTracking().Where(c => c.Id == cid).Select(c => CustomerNames.Display(c.FirstName, c.LastName, c.Email, c.Id)).FirstOrDefaultAsync(ct)
            : null;
        var answers = await (
            from a in db.Set<SurveyAnswer>().AsNoTracking()
            where a.ResponseId == id
            join q in db.Set<SurveyQuestion>() on a.QuestionId equals q.Id
            orderby q.Position, q.Id
            select new { a, q.Key, q.Prompt, q.Kind }).ToListAsync(ct);
        return Result<SurveyResponseDetail>.Ok(new SurveyResponseDetail(
            response.Id, response.SurveyId, title, response.CustomerId, customer, response.InvitationId, response.Source, response.ExternalId,
            response.SubmittedAt, response.UpdatedAt, response.Version,
            [.. answers.Select(x => new SurveyAnswerDetail(x.a.Id, x.a.QuestionId, x.Key, x.Prompt, x.Kind, x.a.NumberValue, x.a.ChoiceList, x.a.TextValue))]));
    }
}

/// <summary>Deletes a response with its answers and every piece of value evidence it produced.</summary>
public sealed class DeleteSurveyResponse(RapportDbContext db, ILogger<DeleteSurveyResponse> logger)
{
    public async Task<Result<bool>> HandleAsync(long id, CancellationToken ct)
    {
        if (!await db.Set<SurveyResponse>().AnyAsync(r => r.Id == id, ct))
        {
            return Result<bool>.NotFound($"There is no survey response {id}.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var answerIds = await db.Set<SurveyAnswer>().Where(a => a.ResponseId == id).Select(a => a.Id).ToListAsync(ct);
        await db.Set<ValueEvidence>().Where(e => e.SourceType == EvidenceSources.SurveyAnswer && answerIds.Contains(e.SourceId)).ExecuteDeleteAsync(ct);
        await ValueEvidenceStore.RemoveAsync(db, EvidenceSources.SurveyResponse, id, ct);
        await db.Set<SurveyInvitation>().Where(i => i.ResponseId == id).ExecuteUpdateAsync(s => s.SetProperty(i => i.ResponseId, (long?)null), ct);
        await db.Set<SurveyResponse>().Where(r => r.Id == id).ExecuteDeleteAsync(ct);
        await transaction.CommitAsync(ct);
        logger.LogInformation("Deleted survey response {ResponseId}", id);
        return Result<bool>.Ok(true);
    }
}

/// <summary>Survey free-text answers for theme detection's full re-index and emergent themes.</summary>
public sealed class SurveyAnswerTexts(RapportDbContext db) : IResearchTextSource
{
    public string SourceType => EvidenceSources.SurveyAnswer;

    public async IAsyncEnumerable<ResearchText> ReadAllAsync([EnumeratorCancellation] CancellationToken ct)
    {
        long after = 0;
        while (true)
        {
            var batch = await (
                from a in db.Set<SurveyAnswer>().AsNoTracking()
                where a.Id > after && a.TextValue != null && a.TextValue != ""
                join r in db.Set<SurveyResponse>() on a.ResponseId equals r.Id
                orderby a.Id
                select new ResearchText(EvidenceSources.SurveyAnswer, a.Id, a.CustomerId, r.SubmittedAt, a.TextValue!)).Take(1_000).ToListAsync(ct);
            foreach (var text in batch)
            {
                yield return text;
            }

            if (batch.Count < 1_000)
            {
                yield break;
            }

            after = batch[^1].SourceId;
        }
    }
}
