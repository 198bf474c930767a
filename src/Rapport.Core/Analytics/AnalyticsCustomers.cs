using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Rapport.Common;
using Rapport.Customers;
using Rapport.Data;
using Rapport.Metrics;

namespace Rapport.Analytics;

/// <summary>
/// A best customer as the pages and the API list them: name, revenue and purchases over their whole history (as the
/// latest run counted them), their share of all revenue, and the product categories they spend most on (up to three,
/// by the amount of their purchase lines in the reporting currency).
/// </summary>
public sealed record TopCustomerRow(long CustomerId, string Name, decimal Revenue, int Purchases, decimal? RevenueShare, IReadOnlyList<string> Categories);

/// <summary>A member of an RFM segment, as listed under the segment: current figures from the metrics table.</summary>
public sealed record SegmentMemberRow(
    long CustomerId, string Name, int? RecencyScore, int? FrequencyScore, int? MonetaryScore, int PurchaseCount, decimal Revenue,
    DateTimeOffset? LastPurchaseAt, double? PAlive, decimal? Clv);

/// <summary>The latest run's best customers with their names and what they buy.</summary>
public sealed class GetTopCustomers(RapportDbContext db, GetAnalytics analytics, IConfiguration configuration)
{
    /// <summary>A run keeps its best <see cref="AnalyticsBestCustomers.TopCount"/> customers.</summary>
    public const int MaxLimit = AnalyticsBestCustomers.TopCount;

    public async Task<Result<IReadOnlyList<TopCustomerRow>>> HandleAsync(int? limit, CancellationToken ct)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return Result<IReadOnlyList<TopCustomerRow>>.Invalid("limit", $"Must be from 1 to {MaxLimit}.");
        }

        var view = await analytics.HandleAsync(ct);
        if (view.Result is not { } result)
        {
            return Result<IReadOnlyList<TopCustomerRow>>.Ok([]);
        }

        return Result<IReadOnlyList<TopCustomerRow>>.Ok(await DescribeAsync(result, result.BestCustomers.Top.Take(limit ?? 20).ToList(), ct));
    }

    /// <summary>Display names of customers by id (a run's results hold ids only); customers deleted since are absent.</summary>
    public async Task<IReadOnlyDictionary<long, string>> NamesAsync(IReadOnlyCollection<long> ids, CancellationToken ct) =>
        await db.Customers.AsNoTracking().Where(c => ids.Contains(c.Id))
            .Select(c => new { c.Id, c.FirstName, c.LastName, c.Email })
            .ToDictionaryAsync(c => c.Id, c => CustomerNames.Display(c.FirstName, c.LastName, c.Email, c.Id), ct);

    /// <summary>Names and top categories of the given best customers, in their order.</summary>
    public async Task<IReadOnlyList<TopCustomerRow>> DescribeAsync(AnalyticsResult result, IReadOnlyList<TopCustomer> top, CancellationToken ct)
    {
        var ids = top.Select(t => t.CustomerId).ToList();
        var names = await NamesAsync(ids, ct);
        var currency = CustomerMetricsUpdater.ReportingCurrencyOf(configuration);
        // A hundred customers' lines at most: grouped here, where ties between categories are settled by name.
        var lines = await (
                from line in db.TransactionLines.AsNoTracking()
                where ids.Contains(line.CustomerId) && line.ProductId != null
                join transaction in db.Transactions.AsNoTracking() on line.TransactionId equals transaction.Id
                where transaction.Currency == currency
                join product in db.Products.AsNoTracking() on line.ProductId equals product.Id
                where product.Category != null
                select new { line.CustomerId, product.Category, line.Amount })
            .ToListAsync(ct);
        var categories = lines
            .GroupBy(l => l.CustomerId)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g
                .GroupBy(l => l.Category!)
                .Select(c => (Category: c.Key, Amount: c.Sum(l => l.Amount)))
                .Where(c => c.Amount > 0)
                .OrderByDescending(c => c.Amount).ThenBy(c => c.Category, StringComparer.Ordinal)
                .Take(3).Select(c => c.Category).ToList());
        var total = result.BestCustomers.Revenue.Total;
        return top.Where(t => names.ContainsKey(t.CustomerId))
            .Select(t => new TopCustomerRow(t.CustomerId, names[t.CustomerId], t.Revenue, t.Purchases,
                total > 0 ? Math.Round(Math.Max(t.Revenue, 0) / total, 6) : null,
                categories.TryGetValue(t.CustomerId, out var c) ? c : []))
            .ToList();
    }
}

/// <summary>The customers of one RFM segment, highest revenue first (equal revenue by id), a page at a time.</summary>
public sealed class ListRfmSegmentMembers(RapportDbContext db)
{
    public const int MaxLimit = 200;

    public async Task<Result<IReadOnlyList<SegmentMemberRow>>> HandleAsync(string key, int? limit, CancellationToken ct)
    {
        if (RfmSegments.Find(key) is null)
        {
            return Result<IReadOnlyList<SegmentMemberRow>>.NotFound(
                $"There is no RFM segment '{key}'. Known: {string.Join(", ", RfmSegments.All.Select(s => s.Key))}.");
        }

        if (limit is < 1 or > MaxLimit)
        {
            return Result<IReadOnlyList<SegmentMemberRow>>.Invalid("limit", $"Must be from 1 to {MaxLimit}.");
        }

        // Walks the revenue index from the top, keeping the segment's members.
        var ids = await db.CustomerMetrics.AsNoTracking().Where(m => m.RfmSegment == key)
            .OrderByDescending(m => m.Revenue).ThenBy(m => m.CustomerId).Take(limit ?? 50).Select(m => m.CustomerId).ToListAsync(ct);
        var rows = await (
                from m in db.CustomerMetrics.AsNoTracking().Where(m => ids.Contains(m.CustomerId))
                join c in db.Customers.AsNoTracking() on m.CustomerId equals c.Id
                select new { c.Id, c.FirstName, c.LastName, c.Email, m.RecencyScore, m.FrequencyScore, m.MonetaryScore, m.PurchaseCount, m.Revenue, m.LastPurchaseAt, m.PAlive, m.Clv })
            .ToListAsync(ct);
        var order = ids.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i);
        return Result<IReadOnlyList<SegmentMemberRow>>.Ok(rows.OrderBy(r => order[r.Id])
            .Select(r => new SegmentMemberRow(r.Id, CustomerNames.Display(r.FirstName, r.LastName, r.Email, r.Id), r.RecencyScore, r.FrequencyScore,
                r.MonetaryScore, r.PurchaseCount, r.Revenue, r.LastPurchaseAt, r.PAlive, r.Clv))
            .ToList());
    }
}

/// <summary>P(X(t) = n) for one number of repeat purchases; <c>OrMore</c> marks the last row, n or more.</summary>
public sealed record PurchaseCountProbability(int Purchases, bool OrMore, double Probability);

/// <summary>What the latest purchase model expects of a new customer in their first months after the first purchase.</summary>
public sealed record NewCustomerOutlook(string Model, int Months, double Weeks, double ExpectedPurchases, IReadOnlyList<PurchaseCountProbability> Distribution);

/// <summary>
/// The latest purchase model's outlook for a new customer: expected repeat purchases E[X(t)] and the probability of
/// exactly 0, 1, … 9 and of 10 or more repeat purchases in the first <c>months</c> months (t in weeks, as the models count).
/// </summary>
public sealed class GetNewCustomerOutlook(GetAnalytics analytics)
{
    public const int MaxMonths = 120;
    private const int Counted = 10;

    public async Task<Result<NewCustomerOutlook?>> HandleAsync(int? months, CancellationToken ct)
    {
        if (months is < 1 or > MaxMonths)
        {
            return Result<NewCustomerOutlook?>.Invalid("months", $"Must be from 1 to {MaxMonths}.");
        }

        var result = (await analytics.HandleAsync(ct)).Result;
        return Result<NewCustomerOutlook?>.Ok(result is null ? null : Of(result, months ?? result.Settings.HorizonMonths));
    }

    /// <summary>Null when the run has no purchase model.</summary>
    public static NewCustomerOutlook? Of(AnalyticsResult result, int months)
    {
        if (LatestAnalytics.PurchaseModelOf(result.Models.Purchase) is not { } model)
        {
            return null;
        }

        var weeks = months * Models.ClvOptions.WeeksPerMonth;
        var distribution = new List<PurchaseCountProbability>(Counted + 1);
        var below = 0.0;
        for (var n = 0; n < Counted; n++)
        {
            var p = Math.Clamp(model.ProbabilityOfPurchases(n, weeks), 0, 1);
            distribution.Add(new PurchaseCountProbability(n, false, Math.Round(p, 6)));
            below += p;
        }

        distribution.Add(new PurchaseCountProbability(Counted, true, Math.Round(Math.Clamp(1 - below, 0, 1), 6)));
        return new NewCustomerOutlook(model.Name, months, Math.Round(weeks, 4), Math.Round(model.ExpectedPurchases(weeks), 6), distribution);
    }
}
