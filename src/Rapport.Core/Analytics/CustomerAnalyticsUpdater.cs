using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Configuration;
using Rapport.Analytics.Models;
using Rapport.Data;
using Rapport.Metrics;

namespace Rapport.Analytics;

/// <summary>
/// The models and RFM boundaries of the latest succeeded run, read from its stored result and kept until a newer run
/// succeeds: what one customer's analytics are recomputed with when their data changes.
/// </summary>
public sealed class LatestAnalytics
{
    private Snapshot? _snapshot;

    internal sealed record Snapshot(long RunId, AnalyticsResult Result, IPurchaseModel? Purchase, GammaGammaModel? Spend);

    internal async Task<Snapshot?> GetAsync(RapportDbContext db, CancellationToken ct)
    {
        var latestId = await db.AnalyticsRuns.AsNoTracking()
            .Where(r => r.Status == AnalyticsRunStatus.Succeeded).OrderByDescending(r => r.Id).Select(r => (long?)r.Id).FirstOrDefaultAsync(ct);
        if (latestId is not { } id)
        {
            return null;
        }

        var current = _snapshot;
        if (current?.RunId == id)
        {
            return current;
        }

        var json = await db.AnalyticsRuns.AsNoTracking().Where(r => r.Id == id).Select(r => r.Result).SingleAsync(ct);
        if (json is null || JsonSerializer.Deserialize<AnalyticsResult>(json, AnalyticsJson.Options) is not { } result)
        {
            return null;
        }

        var snapshot = new Snapshot(id, result, PurchaseModelOf(result.Models.Purchase), SpendModelOf(result.Models.Spend));
        _snapshot = snapshot;
        return snapshot;
    }

    internal static IPurchaseModel? PurchaseModelOf(StoredFit? fit)
    {
        if (fit is null)
        {
            return null;
        }

        var p = fit.Parameters;
        return fit.Model switch
        {
            "bgnbd" => new BgNbdModel(p["r"], p["alpha"], p["a"], p["b"]),
            "paretonbd" => new ParetoNbdModel(p["r"], p["alpha"], p["s"], p["beta"]),
            _ => null,
        };
    }

    internal static GammaGammaModel? SpendModelOf(StoredFit? fit) =>
        fit is null ? null : new GammaGammaModel(fit.Parameters["p"], fit.Parameters["q"], fit.Parameters["gamma"]);
}

/// <summary>
/// Recomputes one customer's analytics (RFM scores and segment, P(alive), expected purchases and spend, CLV) right
/// after their data changed, in the caller's transaction, with the models and RFM boundaries of the latest run: a
/// customer's own numbers follow at once, while the models themselves are refitted by the next full run. Nothing
/// happens before the first run.
/// </summary>
public sealed class CustomerAnalyticsUpdater(RapportDbContext db, LatestAnalytics latest, IConfiguration configuration, TimeProvider clock)
{
    public async Task UpdateAsync(long customerId, CancellationToken ct)
    {
        if (await latest.GetAsync(db, ct) is not { } snapshot)
        {
            return;
        }

        var settings = snapshot.Result.Settings;
        var currency = CustomerMetricsUpdater.ReportingCurrencyOf(configuration);
        var now = clock.GetUtcNow();
        var asOf = DateOnly.FromDateTime(now.UtcDateTime);
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await db.Database.OpenConnectionAsync(ct);
        }

        var history = await PurchaseHistory.LoadAsync(connection, currency, ct, customerId, db.Database.CurrentTransaction?.GetDbTransaction());
        var customers = CustomerFacts.Build(history, asOf);
        CustomerAnalytics row;
        if (customers.IncludedCount == 0)
        {
            row = new CustomerAnalytics(customerId, null, null, null, null, null, null, null, null, null);
        }
        else
        {
            var models = AnalyticsModels.FromStored(snapshot.Purchase, snapshot.Spend);
            var prediction = models.Predict(customers, settings)[0];
            var rfm = ScoreByBands(snapshot.Result.Rfm, history, asOf);
            row = new CustomerAnalytics(customerId, rfm.Recency, rfm.Frequency, rfm.Monetary, rfm.SegmentKey,
                prediction.PAlive, prediction.ExpectedPurchases, prediction.ExpectedSpend, prediction.PredictedRevenue, prediction.Clv);
        }

        await db.Database.ExecuteSqlRawAsync(
            """
            UPDATE customer_metrics SET recency_score = {1}, frequency_score = {2}, monetary_score = {3}, rfm_segment = {4}, p_alive = {5},
                expected_purchases = {6}, expected_spend = {7}, predicted_revenue = {8}, clv = {9}, analytics_at = {10}
            WHERE customer_id = {0}
            """,
            [customerId, Db(row.RecencyScore), Db(row.FrequencyScore), Db(row.MonetaryScore), Db(row.RfmSegment), Db(row.PAlive),
             Db(row.ExpectedPurchases), DbValues.Money(db, row.ExpectedSpend), DbValues.Money(db, row.PredictedRevenue),
             DbValues.Money(db, row.Clv), customers.IncludedCount == 0 ? DBNull.Value : DbValues.Instant(db, now)],
            ct);
    }

    private static object Db(object? value) => value ?? DBNull.Value;

    /// <summary>
    /// One customer's RFM scores against the boundaries of the latest run: the best score whose band the value reaches
    /// (recency: at most the band's longest gap; frequency and monetary: at least its smallest value), else 1.
    /// </summary>
    internal static StoredRfm ScoreByBands(RfmSection section, PurchaseHistory history, DateOnly asOf)
    {
        var firstDay = asOf.DayNumber - section.WindowDays + 1;
        int orders = 0, lastDay = 0;
        double value = 0;
        for (var d = 0; d < history.PurchaseDays; d++)
        {
            var day = history.Days[d];
            if (day >= firstDay && day <= asOf.DayNumber)
            {
                orders += history.Orders[d];
                value += history.Values[d];
                lastDay = day;
            }
        }

        if (orders == 0)
        {
            return new StoredRfm(1, 1, 1, AnalyticsRfm.KeyOf(RfmSegments.Of(1, 1)));
        }

        var recency = BestScore(section.Recency, b => asOf.DayNumber - lastDay <= b.Max);
        var frequency = BestScore(section.Frequency, b => orders >= b.Min);
        var monetary = BestScore(section.Monetary, b => (decimal)value >= b.Min);
        return new StoredRfm(recency, frequency, monetary, AnalyticsRfm.KeyOf(RfmSegments.Of(recency, (frequency + monetary) / 2)));
    }

    private static int BestScore(IReadOnlyList<ScoreBand> bands, Func<ScoreBand, bool> reaches) =>
        bands.Where(reaches).Select(b => b.Score).DefaultIfEmpty(1).Max();
}
