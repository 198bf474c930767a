using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Data;

namespace Rapport.Values.Map;

/// <summary>by: revenue (default) or clv, the measure that picks the best customers (the top 20 %).</summary>
public sealed record ValueGapQuery(string? By = null);

/// <summary>A value the best customers hold that no active product supports.</summary>
/// <param name="Importance">Customer importance among the best customers (0..1).</param>
/// <param name="Customers">Best customers with evidence on the value.</param>
public sealed record UnservedValue(string Key, string Name, double Importance, int Customers, int? BusinessImportance);

/// <summary>An active, tagged product and how many customers hold at least one of the values it supports.</summary>
/// <param name="Values">The active values it is tagged with (keys), strongest first.</param>
/// <param name="Holders">Customers with a score ≥ <see cref="ValueGapRules.HoldsScore"/> on any of them.</param>
/// <param name="Share">Holders ÷ customers with a value profile.</param>
/// <param name="Few">Share below <see cref="ValueGapRules.FewShare"/>: a product whose values few customers hold.</param>
public sealed record ProductReach(long Id, string Sku, string Name, string? Category, IReadOnlyList<string> Values, int Holders, double Share, bool Few);

/// <param name="BestBy">Revenue or Clv.</param>
/// <param name="Cutoff">The revenue (or CLV) at or above which a customer is among the best: the top 20 % of customers with any.</param>
/// <param name="BestCustomers">Customers at or above the cutoff.</param>
/// <param name="BestWithProfiles">Of those, customers with a value profile: whose voice the first list rests on.</param>
/// <param name="ImportanceThreshold">The map's customer threshold computed among the best customers.</param>
/// <param name="ProfiledCustomers">Customers with a value profile: the denominator of each product's share.</param>
/// <param name="Products">Active tagged products, the lowest share first (at most <see cref="GetValueGaps.MaxProducts"/>).</param>
public sealed record ValueGapReport(
    MapWeighting BestBy,
    decimal? Cutoff,
    int BestCustomers,
    int BestWithProfiles,
    double? ImportanceThreshold,
    IReadOnlyList<UnservedValue> Unserved,
    int ProfiledCustomers,
    double HoldsScore,
    double FewShare,
    IReadOnlyList<ProductReach> Products,
    string? Notice);

public static class ValueGapRules
{
    /// <summary>The best customers are the top fifth by revenue or CLV.</summary>
    public const double BestShare = 0.2;

    /// <summary>A customer holds a value when their score on it is at least this.</summary>
    public const double HoldsScore = 0.6;

    /// <summary>A product reaches few customers when fewer than this share of profiled customers hold any of its values.</summary>
    public const double FewShare = 0.10;
}

/// <summary>
/// The gap report (issue 5, part 8): values important to the best customers that no active product supports, and
/// products whose values few customers hold. The catalogue side (values no product supports at all) is on the
/// products × values matrix.
/// </summary>
public sealed class GetValueGaps(RapportDbContext db, GetValueMap map)
{
    public const int MaxProducts = 1000;

    public async Task<Result<ValueGapReport>> HandleAsync(ValueGapQuery query, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var by = GetValueMap.ParseWeighting(query.By, "by", errors) ?? MapWeighting.Revenue;
        if (!errors.Any && by == MapWeighting.None)
        {
            errors.Add("by", "Must be revenue or clv.");
        }

        if (errors.Any)
        {
            return errors.ToResult<ValueGapReport>();
        }

        // The best customers: the top 20 % of customers with any revenue (or CLV); ties at the cutoff are in.
        var weight = GetValueMap.WeightExpression(db, by);
        var withAny = await MapSql.QueryAsync(db, $"SELECT COUNT(*) FROM customer_metrics m WHERE {weight} > 0", new Dictionary<string, object?>(), r => MapSql.Long(r, 0), ct);
        var n = withAny.Single();
        double? cutoff = null;
        var best = 0;
        if (n > 0)
        {
            var k = Math.Max(1, (long)Math.Ceiling(n * ValueGapRules.BestShare));
            cutoff = (await MapSql.QueryAsync(db, $"SELECT {weight} FROM customer_metrics m WHERE {weight} > 0 ORDER BY {weight} DESC LIMIT 1 OFFSET @skip",
                new Dictionary<string, object?> { ["@skip"] = k - 1 }, r => MapSql.Double(r, 0), ct)).Single();
            best = (int)(await MapSql.QueryAsync(db, $"SELECT COUNT(*) FROM customer_metrics m WHERE {weight} >= @cutoff",
                new Dictionary<string, object?> { ["@cutoff"] = cutoff }, r => MapSql.Long(r, 0), ct)).Single();
        }

        var unserved = new List<UnservedValue>();
        var bestWithProfiles = 0;
        double? threshold = null;
        if (cutoff is not null)
        {
            var bestMap = await map.ComputeAsync(new MapScope(MapWeighting.None, null, null, by, cutoff), ct);
            bestWithProfiles = bestMap.Customers;
            threshold = bestMap.CustomerThreshold;
            var supported = await (from pv in db.ProductValues.AsNoTracking()
                                   join p in db.Products.AsNoTracking() on pv.ProductId equals p.Id
                                   where p.Active
                                   select pv.ValueId).Distinct().ToListAsync(ct);
            var keys = await db.TaxonomyValues.AsNoTracking().Where(v => supported.Contains(v.Id)).Select(v => v.Key).ToListAsync(ct);
            unserved = bestMap.Values
                .Where(v => threshold is { } t && v.CustomerImportance is { } c && c >= t - 1e-12 && !keys.Contains(v.Key))
                .OrderByDescending(v => v.CustomerImportance)
                .Select(v => new UnservedValue(v.Key, v.Name, v.CustomerImportance!.Value, v.Customers, v.BusinessImportance))
                .ToList();
        }

        var (profiled, products) = await ProductReachAsync(ct);
        string? notice = null;
        if (profiled == 0)
        {
            notice = "No customer has a value profile yet. Profiles are built from what customers say: survey answers, interviews and focus groups, and comments.";
        }
        else if (cutoff is null)
        {
            notice = by == MapWeighting.Revenue
                ? "No customer has revenue yet, so there are no best customers to ask."
                : "No customer has a CLV yet: CLV comes from the analytics run (Analytics › Recompute).";
        }
        else if (bestWithProfiles == 0)
        {
            notice = "None of the best customers has a value profile yet: invite them to a survey or an interview.";
        }

        return Result<ValueGapReport>.Ok(new ValueGapReport(by, cutoff is null ? null : Math.Round((decimal)cutoff.Value, 2), best, bestWithProfiles,
            threshold, unserved, profiled, ValueGapRules.HoldsScore, ValueGapRules.FewShare, products, notice));
    }

    private async Task<(int Profiled, IReadOnlyList<ProductReach> Products)> ProductReachAsync(CancellationToken ct)
    {
        var (where, parameters, _) = await map.WhereAsync(new MapScope(MapWeighting.None, null, null), ct);
        var profiled = (int)(await MapSql.QueryAsync(db, $"SELECT COUNT(DISTINCT s.customer_id) FROM customer_value_scores s WHERE {where}",
            parameters, r => MapSql.Long(r, 0), ct)).Single();

        var tags = await (from pv in db.ProductValues.AsNoTracking()
                          join p in db.Products.AsNoTracking() on pv.ProductId equals p.Id
                          join v in db.TaxonomyValues.AsNoTracking() on pv.ValueId equals v.Id
                          where p.Active && v.Status == ValueStatus.Active
                          select new { pv.ProductId, pv.ValueId, v.Key, pv.Strength }).ToListAsync(ct);
        var byProduct = tags.GroupBy(t => t.ProductId)
            .Select(g => (ProductId: g.Key, Tags: g.OrderByDescending(t => t.Strength).ThenBy(t => t.Key, StringComparer.Ordinal).ToList()))
            .ToList();
        if (byProduct.Count == 0)
        {
            return (profiled, []);
        }

        // Customers holding any of a product's values: one query per distinct set of values (products on one shelf share
        // theirs), each over the (value_id, score) index.
        var holders = new Dictionary<string, int>(StringComparer.Ordinal);
        var holdsParameters = new Dictionary<string, object?>(parameters) { ["@holds"] = ValueGapRules.HoldsScore };
        foreach (var set in byProduct.Select(p => SetKey(p.Tags.Select(t => t.ValueId))).Distinct())
        {
            holders[set] = profiled == 0 ? 0 : (int)(await MapSql.QueryAsync(db,
                $"SELECT COUNT(DISTINCT s.customer_id) FROM customer_value_scores s WHERE s.value_id IN ({set}) AND s.score >= @holds AND {where}",
                holdsParameters, r => MapSql.Long(r, 0), ct)).Single();
        }

        var ids = byProduct.Select(p => p.ProductId).ToList();
        var products = await db.Products.AsNoTracking().Where(p => ids.Contains(p.Id))
            .Select(p => new { p.Id, p.Sku, p.Name, p.Category }).ToDictionaryAsync(p => p.Id, ct);
        var rows = byProduct.Select(p =>
            {
                var product = products[p.ProductId];
                var count = holders[SetKey(p.Tags.Select(t => t.ValueId))];
                var share = profiled == 0 ? 0 : Math.Round((double)count / profiled, 4);
                return new ProductReach(product.Id, product.Sku, product.Name, product.Category, p.Tags.Select(t => t.Key).ToList(), count, share,
                    profiled > 0 && share < ValueGapRules.FewShare);
            })
            .OrderBy(p => p.Share).ThenBy(p => p.Name, StringComparer.OrdinalIgnoreCase).ThenBy(p => p.Id)
            .Take(MaxProducts)
            .ToList();
        return (profiled, rows);
    }

    // Value ids are database integers, so the list is safe to inline (and makes equal sets one query).
    private static string SetKey(IEnumerable<long> valueIds) =>
        string.Join(",", valueIds.Order().Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
}
