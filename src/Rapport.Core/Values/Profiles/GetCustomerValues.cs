using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Customers;
using Rapport.Data;
using Rapport.Products;
using Rapport.Research.Evidence;

namespace Rapport.Values.Profiles;

/// <summary>A customer's value profile with the evidence behind every score ("why we think Ana values sustainability").</summary>
/// <param name="Alignment">0..1, the importance-weighted mean of the scores (null with profiling off or no rated value).</param>
/// <param name="UnusedEvidence">With profiling off: the pieces of evidence kept but not used.</param>
/// <param name="StoredAt">When the stored scores (the ones the map and the list read) were last computed; null when never.</param>
public sealed record CustomerValues(
    long CustomerId,
    string DisplayName,
    string? FirstName,
    bool ProfilingEnabled,
    DateTimeOffset? ProfilingChangedAt,
    string? ProfilingChangedBy,
    double? Alignment,
    int UnusedEvidence,
    DateTimeOffset? StoredAt,
    IReadOnlyList<CustomerValueItem> Values);

/// <summary>One value's score (0..1) and confidence (0..1, and in words) with its evidence, heaviest first.</summary>
public sealed record CustomerValueItem(
    string Key,
    string Name,
    double Score,
    double Confidence,
    string ConfidenceWords,
    int EvidenceCount,
    DateTimeOffset LastEvidenceAt,
    IReadOnlyList<CustomerValueEvidence> Evidence);

/// <summary>
/// One piece of evidence as shown: <paramref name="Kind"/> stated, coded, mention or purchase; its source (one of
/// <see cref="EvidenceSources"/>, or "product" for purchases, with the product's id); <paramref name="Weight"/> after
/// decay (what it adds to the total weight); <paramref name="Signal"/> −1..1 (for purchases, the product's
/// strength / 3); the quote (plain text: always shown escaped); <paramref name="Source"/> in words; a link when the
/// source has a page; <paramref name="RecordedAs"/> the key of the merged value it was recorded against, if any.
/// </summary>
public sealed record CustomerValueEvidence(
    string Kind,
    string SourceType,
    long SourceId,
    DateTimeOffset ObservedAt,
    double Signal,
    double Weight,
    string Quote,
    string Source,
    string? Link,
    string? RecordedAs);

/// <summary>
/// Reads one customer's value profile, computed from their evidence and purchases as they are now with the same
/// scoring as the stored scores (so every weight shown adds up to the score shown).
/// </summary>
public sealed class GetCustomerValues(RapportDbContext db, RapportDatabase database, TimeProvider clock)
{
    public async Task<Result<CustomerValues>> HandleAsync(long customerId, CancellationToken ct)
    {
        var customer = await db.Set<Customer>().AsNoTracking().Where(c => c.Id == customerId)
            .Select(c => new { c.Id, c.FirstName, c.LastName, c.Email }).SingleOrDefaultAsync(ct);
        if (customer is null)
        {
            return Result<CustomerValues>.NotFound($"Customer {customerId} does not exist.");
        }

        var displayName = CustomerNames.Display(customer.FirstName, customer.LastName, customer.Email, customer.Id);
        var profile = await db.Set<CustomerValueProfile>().AsNoTracking().SingleOrDefaultAsync(p => p.CustomerId == customerId, ct)
            ?? new CustomerValueProfile { CustomerId = customerId };
        var storedAt = await db.Set<CustomerValueScore>().Where(s => s.CustomerId == customerId)
            .MaxAsync(s => (DateTimeOffset?)s.ComputedAt, ct);
        var evidenceRows = await db.Set<ValueEvidence>().AsNoTracking().Where(e => e.CustomerId == customerId).ToListAsync(ct);
        if (!profile.ProfilingEnabled)
        {
            return Result<CustomerValues>.Ok(new CustomerValues(customerId, displayName, customer.FirstName, false,
                profile.ProfilingChangedAt, profile.ProfilingChangedBy, null, evidenceRows.Count, null, []));
        }

        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime).DayNumber;
        var taxonomy = await db.Set<TaxonomyValue>().AsNoTracking()
            .Select(v => new { v.Id, v.Key, v.Name, v.Status, v.MergedIntoId }).ToListAsync(ct);
        var values = new ValueMap(taxonomy.Select(v => (v.Id, v.Status, v.MergedIntoId)));
        var byId = taxonomy.ToDictionary(v => v.Id);

        ProfileBuilder builder;
        Dictionary<long, int> importance;
        var lines = new List<(long? Product, double Amount, int Day)>();
        await using (var connection = await database.OpenConnectionAsync(ct))
        {
            var tags = await ProductTags.LoadAsync(connection, values, ct);
            importance = await ProfileReads.ReadImportanceAsync(connection, values, ct);
            builder = new ProfileBuilder(values, tags, today);
            await ProfileReads.ReadEvidenceAsync(connection, builder, customerId, ct);
            await ProfileReads.ReadLinesAsync(connection, customerId, (c, product, amount, day, _) =>
            {
                builder.AddLine(c, product, amount, day);
                lines.Add((product, amount, day));
            }, ct);

            // The per-product split of behaviour needs the tags again.
            var scores = builder.Build();
            var links = await LinksAsync(evidenceRows, ct);
            var pieces = Evidence(evidenceRows, values, byId.ToDictionary(v => v.Key, v => v.Value.Key), links, today);
            var purchases = await PurchasesAsync(lines, tags, builder.PurchasesOf(customerId), today, ct);
            var items = scores.Select(s =>
            {
                var list = pieces.GetValueOrDefault(s.ValueId, []).Concat(purchases.GetValueOrDefault(s.ValueId, []))
                    .OrderByDescending(e => e.Weight).ThenByDescending(e => e.ObservedAt).ToList();
                return new CustomerValueItem(byId[s.ValueId].Key, byId[s.ValueId].Name, Math.Round(s.Score, 4), Math.Round(s.Confidence, 4),
                    ProfileScoring.ConfidenceWords(s.Confidence), s.EvidenceCount, DayStart(s.LastDay), list);
            }).OrderByDescending(v => v.Score).ThenByDescending(v => v.Confidence).ThenBy(v => v.Name, StringComparer.CurrentCulture).ToList();
            var byValue = scores.ToDictionary(s => s.ValueId, s => s.Score);
            var alignment = scores.Count == 0 ? null : ProfileScoring.Alignment(importance, v => byValue.TryGetValue(v, out var x) ? x : null);
            return Result<CustomerValues>.Ok(new CustomerValues(customerId, displayName, customer.FirstName, true,
                profile.ProfilingChangedAt, profile.ProfilingChangedBy, alignment is { } a ? Math.Round(a, 4) : null, 0, storedAt, items));
        }
    }

    /// <summary>The page of each survey response, survey answer and coded excerpt among the evidence (the survey's or session's page).</summary>
    private async Task<Dictionary<(string Type, long Id), string>> LinksAsync(List<ValueEvidence> rows, CancellationToken ct)
    {
        var links = new Dictionary<(string, long), string>();
        List<long> Of(string type) => [.. rows.Where(r => r.SourceType == type).Select(r => r.SourceId).Distinct()];
        var responses = Of(EvidenceSources.SurveyResponse);
        var answers = Of(EvidenceSources.SurveyAnswer);
        var excerpts = Of(EvidenceSources.Excerpt);
        if (answers.Count > 0)
        {
            foreach (var a in await db.Set<Surveys.SurveyAnswer>().AsNoTracking().Where(a => answers.Contains(a.Id))
                .Join(db.Set<Surveys.SurveyResponse>(), a => a.ResponseId, r => r.Id, (a, r) => new { a.Id, r.SurveyId, ResponseId = r.Id }).ToListAsync(ct))
            {
                links[(EvidenceSources.SurveyAnswer, a.Id)] = $"/surveys/{a.SurveyId}/responses/{a.ResponseId}";
            }
        }

        if (responses.Count > 0)
        {
            foreach (var r in await db.Set<Surveys.SurveyResponse>().AsNoTracking().Where(r => responses.Contains(r.Id)).Select(r => new { r.Id, r.SurveyId }).ToListAsync(ct))
            {
                links[(EvidenceSources.SurveyResponse, r.Id)] = $"/surveys/{r.SurveyId}/responses/{r.Id}";
            }
        }

        if (excerpts.Count > 0)
        {
            foreach (var x in await db.Set<Research.Sessions.ResearchExcerpt>().AsNoTracking().Where(x => excerpts.Contains(x.Id)).Select(x => new { x.Id, x.SessionId }).ToListAsync(ct))
            {
                links[(EvidenceSources.Excerpt, x.Id)] = $"/research/{x.SessionId}";
            }
        }

        return links;
    }

    private static Dictionary<long, List<CustomerValueEvidence>> Evidence(List<ValueEvidence> rows, ValueMap values, Dictionary<long, string> keys,
        Dictionary<(string Type, long Id), string> links, int today)
    {
        var result = new Dictionary<long, List<CustomerValueEvidence>>();
        foreach (var e in rows)
        {
            if (!values.TryScoredAs(e.ValueId, out var scored))
            {
                continue;
            }

            var day = DateOnly.FromDateTime(e.ObservedAt.UtcDateTime).DayNumber;
            var weight = ProfileScoring.EvidenceWeight(e.Kind, today - day);
            var (source, link) = EvidenceLinks.Describe(e.SourceType, e.SourceId, e.CustomerId);
            link = links.GetValueOrDefault((e.SourceType, e.SourceId), link ?? "") is { Length: > 0 } found ? found : null;
            (result.TryGetValue(scored, out var list) ? list : result[scored] = []).Add(new CustomerValueEvidence(
                e.Kind.ToString().ToLowerInvariant(), e.SourceType, e.SourceId, e.ObservedAt, e.Signal, Math.Round(weight, 4), e.Quote,
                source, link, scored == e.ValueId ? null : keys[e.ValueId]));
        }

        return result;
    }

    /// <summary>One evidence item per value and product bought: its share of the value's behaviour weight.</summary>
    private async Task<Dictionary<long, List<CustomerValueEvidence>>> PurchasesAsync(List<(long? Product, double Amount, int Day)> lines, ProductTags tags,
        (double Spend, double Lines) totals, int today, CancellationToken ct)
    {
        var byProduct = new Dictionary<long, (double Spend, int Count, int LastDay)>();
        foreach (var (product, amount, day) in lines)
        {
            if (product is not { } id || !tags.TryGet(id, out _))
            {
                continue;
            }

            var decay = ProfileScoring.Decay(today - day, ProfileScoring.PurchaseHalfLife);
            var current = byProduct.GetValueOrDefault(id);
            byProduct[id] = (current.Spend + Math.Max(0, amount) * decay, current.Count + 1, current.Count == 0 ? day : Math.Max(day, current.LastDay));
        }

        var result = new Dictionary<long, List<CustomerValueEvidence>>();
        if (byProduct.Count == 0)
        {
            return result;
        }

        var ids = byProduct.Keys.ToList();
        var names = await db.Set<Product>().AsNoTracking().Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        foreach (var (productId, (spend, count, lastDay)) in byProduct)
        {
            tags.TryGet(productId, out var supported);
            foreach (var (valueId, strength) in supported)
            {
                var weight = ProfileScoring.BehaviourWeight(spend * ProfileScoring.StrengthShare(strength), totals.Spend, totals.Lines);
                var name = names.GetValueOrDefault(productId, $"product {productId}");
                (result.TryGetValue(valueId, out var list) ? list : result[valueId] = []).Add(new CustomerValueEvidence(
                    "purchase", "product", productId, DayStart(lastDay), Math.Round(ProfileScoring.StrengthShare(strength), 4), Math.Round(weight, 4),
                    count == 1 ? $"Bought {name} once" : $"Bought {name} {count} times",
                    $"purchase of {name}", $"/products/{productId}", null));
            }
        }

        return result;
    }

    private static DateTimeOffset DayStart(int day) => new(DateOnly.FromDayNumber(day).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}

/// <summary>Evidence sources in words, with the page that shows each (the producing feature's page).</summary>
public static class EvidenceLinks
{
    /// <summary>The source in words and, where the id alone names the page, its link (survey and excerpt links need a lookup).</summary>
    public static (string Source, string? Link) Describe(string sourceType, long sourceId, long? customerId) => sourceType switch
    {
        EvidenceSources.SurveyResponse => ("survey response", null),
        EvidenceSources.SurveyAnswer => ("survey answer", null),
        EvidenceSources.Interaction => ("interaction note", customerId is { } c ? $"/customers/{c}" : null),
        EvidenceSources.SessionTranscript => ("interview transcript", $"/research/{sourceId}"),
        EvidenceSources.Excerpt => ("interview excerpt", null),
        _ => (sourceType.Replace('_', ' '), null),
    };
}
