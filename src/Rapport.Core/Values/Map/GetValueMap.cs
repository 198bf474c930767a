using Microsoft.EntityFrameworkCore;
using Rapport.Analytics;
using Rapport.Common;
using Rapport.Data;
using Rapport.Research.Evidence;
using Rapport.Values.Profiles;

namespace Rapport.Values.Map;

/// <summary>The map's controls as a caller sends them: weighting none | revenue | clv, a customer tag, an RFM segment key.</summary>
public sealed record ValueMapQuery(string? Weighting = null, string? Tag = null, string? Segment = null);

/// <summary>Which customers a map is computed over and how they weigh (the gap report adds "the best customers only").</summary>
internal sealed record MapScope(MapWeighting Weighting, string? Tag, string? Segment, MapWeighting BestBy = MapWeighting.None, double? BestCutoff = null);

/// <summary>
/// The shared-values map (issue 5, part 7): per active value, customer importance (from customer_value_scores,
/// confidence-weighted, optionally by revenue or CLV, overall or within a tag or an RFM segment), business importance
/// (the current rating) and the quadrant. One GROUP BY over the scores per request; no per-customer work.
/// </summary>
public sealed class GetValueMap(RapportDbContext db, TimeProvider clock)
{
    public const int MaxTagLength = 100;

    public async Task<Result<SharedValueMap>> HandleAsync(ValueMapQuery query, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var weighting = ParseWeighting(query.Weighting, "weighting", errors);
        var tag = Validate.Clean(query.Tag)?.ToLowerInvariant();
        if (tag is { Length: > MaxTagLength })
        {
            errors.Add("tag", $"Must be at most {MaxTagLength} characters.");
        }
        else if (tag is not null && !await db.CustomerTags.AnyAsync(t => t.Tag == tag, ct))
        {
            errors.Add("tag", $"No customer has the tag '{tag}'.");
        }

        var segment = Validate.Clean(query.Segment)?.ToLowerInvariant();
        if (segment is not null && RfmSegments.Find(segment) is null)
        {
            errors.Add("segment", $"Must be an RFM segment: {string.Join(", ", RfmSegments.All.Select(s => s.Key))}.");
        }

        if (errors.Any)
        {
            return errors.ToResult<SharedValueMap>();
        }

        return Result<SharedValueMap>.Ok(await ComputeAsync(new MapScope(weighting ?? MapWeighting.None, tag, segment), ct));
    }

    /// <summary>none | revenue | clv (case-insensitive); null when blank; a field error otherwise.</summary>
    public static MapWeighting? ParseWeighting(string? text, string field, FieldErrors errors)
    {
        var clean = Validate.Clean(text)?.ToLowerInvariant();
        switch (clean)
        {
            case null:
                return null;
            case "none":
                return MapWeighting.None;
            case "revenue":
                return MapWeighting.Revenue;
            case "clv":
                return MapWeighting.Clv;
            default:
                errors.Add(field, "Must be none, revenue or clv.");
                return null;
        }
    }

    internal async Task<SharedValueMap> ComputeAsync(MapScope scope, CancellationToken ct)
    {
        var values = await db.TaxonomyValues.AsNoTracking().Where(v => v.Status == ValueStatus.Active)
            .Select(v => new { v.Id, v.Key, v.Name }).ToListAsync(ct);
        var importance = await CurrentImportanceAsync(db, ct);

        var (where, parameters, needMetrics) = await WhereAsync(scope, ct);
        var weight = WeightExpression(db, scope.Weighting);
        var join = needMetrics ? "LEFT JOIN customer_metrics m ON m.customer_id = s.customer_id" : "";
        var from = $"FROM customer_value_scores s {join} WHERE {where}";
        // Every row is read anyway: a plain scan of the table, not the (value_id, score) index, which would fetch each
        // row's confidence by a random read (SQLite picks the index for the GROUP BY's order: 2.6 s instead of 0.3 s at
        // 600,000 scores).
        var aggregates = (await MapSql.QueryAsync(db,
                $"SELECT s.value_id, SUM({weight} * s.confidence * s.score), SUM({weight} * s.confidence), COUNT(*) FROM customer_value_scores s {MapSql.NotIndexed(db)} {join} WHERE {where} GROUP BY s.value_id",
                parameters, r => (ValueId: MapSql.Long(r, 0), Sum: MapSql.Double(r, 1), Weight: MapSql.Double(r, 2), Customers: (int)MapSql.Long(r, 3)), ct))
            .ToDictionary(a => a.ValueId);
        var customers = (int)(await MapSql.QueryAsync(db, $"SELECT COUNT(DISTINCT s.customer_id) {from}", parameters, r => MapSql.Long(r, 0), ct)).Single();

        // Anonymous survey answers count in the overall, unweighted map: they have no tag, segment, revenue or CLV.
        var overall = scope is { Weighting: MapWeighting.None, Tag: null, Segment: null, BestCutoff: null };
        var anonymous = overall ? await AnonymousAsync(ct) : new Dictionary<long, (int Count, double WeightedSum, double Weight)>();
        var anonymousResponses = await AnonymousResponsesAsync(ct);
        var hasProfiles = anonymousResponses > 0 || await db.Set<CustomerValueScore>().AnyAsync(ct);

        var totalWeight = aggregates.Values.Sum(a => a.Weight);
        var inputs = values.Select(v =>
        {
            aggregates.TryGetValue(v.Id, out var a);
            anonymous.TryGetValue(v.Id, out var anon);
            var weightSum = a.Weight + anon.Weight;
            double? customerImportance = weightSum > 0 ? Math.Round((a.Sum + anon.WeightedSum) / weightSum, 4) : null;
            return new ValueMapInput(v.Key, v.Name, importance.TryGetValue(v.Id, out var i) ? i : null, customerImportance, a.Customers, anon.Count);
        }).ToList();
        var (rows, threshold) = ValueMapRules.Place(inputs);

        string? notice = null;
        if (!hasProfiles)
        {
            notice = "No customer has a value profile yet. Profiles are built from what customers say: survey answers, interviews and focus groups, and comments.";
        }
        else if (customers == 0)
        {
            notice = scope.Tag is null && scope.Segment is null
                ? "No customer has a value profile yet, only anonymous survey answers, which count in the overall, unweighted map."
                : $"No customer{Describe(scope)} has a value profile yet.";
        }
        else if (scope.Weighting != MapWeighting.None && totalWeight <= 0)
        {
            notice = scope.Weighting == MapWeighting.Revenue
                ? $"No customer{Describe(scope)} with a value profile has revenue yet, so a revenue-weighted map has nothing to weigh."
                : $"No customer{Describe(scope)} with a value profile has a CLV yet: CLV comes from the analytics run (Analytics › Recompute).";
        }

        return new SharedValueMap(new ValueMapFilter(scope.Weighting, scope.Tag, scope.Segment), customers, anonymousResponses, hasProfiles,
            threshold is null ? null : Math.Round(threshold.Value, 4), ValueMapRules.BusinessThreshold, notice, rows);
    }

    private static string Describe(MapScope scope) =>
        (scope.Tag is null ? "" : $" with the tag '{scope.Tag}'") +
        (scope.Segment is null ? "" : $" in the segment {RfmSegments.Find(scope.Segment)?.Name ?? scope.Segment}");

    /// <summary>The newest importance rating of each value (ratings are append-only).</summary>
    internal static async Task<Dictionary<long, int>> CurrentImportanceAsync(RapportDbContext db, CancellationToken ct)
    {
        var ratings = await db.ValueRatings.AsNoTracking().Select(r => new { r.ValueId, r.Id, r.Importance }).ToListAsync(ct);
        return ratings.GroupBy(r => r.ValueId).ToDictionary(g => g.Key, g => g.MaxBy(r => r.Id)!.Importance);
    }

    internal static string WeightExpression(RapportDbContext db, MapWeighting weighting) => weighting switch
    {
        MapWeighting.Revenue => $"(CASE WHEN m.revenue > 0 THEN {MapSql.AsDouble(db, "m.revenue")} ELSE 0.0 END)",
        MapWeighting.Clv => $"(CASE WHEN m.clv > 0 THEN {MapSql.AsDouble(db, "m.clv")} ELSE 0.0 END)",
        _ => "1.0",
    };

    /// <summary>The WHERE clause over <c>customer_value_scores s</c> (and <c>customer_metrics m</c> when needed).</summary>
    internal async Task<(string Where, Dictionary<string, object?> Parameters, bool NeedMetrics)> WhereAsync(MapScope scope, CancellationToken ct)
    {
        var where = new List<string> { "1 = 1" };
        var parameters = new Dictionary<string, object?>();
        // Customers whose profiling is switched off do not count. Switching it off deletes their scores, so normally none
        // is left and the check per row (a third of the scan's time) is skipped; it keeps the map right in between.
        var off = new Dictionary<string, object?> { ["@off"] = false };
        var leftOver = await MapSql.QueryAsync(db,
            "SELECT COUNT(*) FROM customer_value_profiles p WHERE p.profiling_enabled = @off AND EXISTS (SELECT 1 FROM customer_value_scores x WHERE x.customer_id = p.customer_id)",
            off, r => MapSql.Long(r, 0), ct);
        if (leftOver.Single() > 0)
        {
            where.Add("s.customer_id NOT IN (SELECT p.customer_id FROM customer_value_profiles p WHERE p.profiling_enabled = @off)");
            parameters["@off"] = false;
        }

        if (scope.Tag is not null)
        {
            // Not correlated: the tag's customers are read once from the (tag, customer_id) index, and can drive the scan.
            where.Add("s.customer_id IN (SELECT t.customer_id FROM customer_tags t WHERE t.tag = @tag)");
            parameters["@tag"] = scope.Tag;
        }

        if (scope.Segment is not null)
        {
            where.Add("m.rfm_segment = @segment");
            parameters["@segment"] = scope.Segment;
        }

        if (scope.BestCutoff is { } cutoff)
        {
            where.Add($"{WeightExpression(db, scope.BestBy)} >= @cutoff");
            parameters["@cutoff"] = cutoff;
        }

        var needMetrics = scope.Weighting != MapWeighting.None || scope.Segment is not null || scope.BestCutoff is not null;
        return (string.Join(" AND ", where), parameters, needMetrics);
    }

    /// <summary>
    /// Anonymous respondents per value: each response is scored like a profile made of its stated answers alone
    /// (<see cref="ProfileScoring"/>: weight 3 with a one-year half-life, the Beta prior, the same confidence), so one
    /// fresh 5/5 counts 0.8 with confidence 0.5, exactly as it would in a customer's profile.
    /// </summary>
    private async Task<Dictionary<long, (int Count, double WeightedSum, double Weight)>> AnonymousAsync(CancellationToken ct)
    {
        var rows = await MapSql.QueryAsync(db,
            "SELECT value_id, source_type, source_id, signal, observed_at FROM value_evidence WHERE customer_id IS NULL AND kind = @stated",
            new Dictionary<string, object?> { ["@stated"] = nameof(EvidenceKind.Stated) },
            r => (ValueId: MapSql.Long(r, 0), Source: MapSql.Text(r, 1) + ":" + MapSql.Text(r, 2), Signal: MapSql.Double(r, 3),
                ObservedAt: r.GetFieldValue<DateTimeOffset>(4)), ct);
        var today = clock.GetUtcNow().UtcDateTime.Date;
        return rows.GroupBy(r => (r.ValueId, r.Source))
            .Select(g =>
            {
                var tally = new ValueTally();
                foreach (var r in g)
                {
                    var age = (int)(today - r.ObservedAt.UtcDateTime.Date).TotalDays;
                    tally.Add(ProfileScoring.EvidenceWeight(EvidenceKind.Stated, age), r.Signal, 0);
                }

                return (g.Key.ValueId, tally.Score, tally.Confidence);
            })
            .GroupBy(r => r.ValueId)
            .ToDictionary(g => g.Key, g => (g.Count(), g.Sum(r => r.Confidence * r.Score), g.Sum(r => r.Confidence)));
    }

    private async Task<int> AnonymousResponsesAsync(CancellationToken ct) =>
        (int)(await MapSql.QueryAsync(db,
            "SELECT COUNT(*) FROM (SELECT DISTINCT source_type, source_id FROM value_evidence WHERE customer_id IS NULL AND kind = @stated) a",
            new Dictionary<string, object?> { ["@stated"] = nameof(EvidenceKind.Stated) }, r => MapSql.Long(r, 0), ct)).Single();
}
