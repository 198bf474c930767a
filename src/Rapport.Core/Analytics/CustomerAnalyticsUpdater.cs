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

        // A plain ADO.NET command: EF's raw SQL has no type mapping for DBNull, and most of these may be NULL (a
        // customer without purchases, a run without a purchase model).
        await using var command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText =
            """
            UPDATE customer_metrics SET recency_score = @r, frequency_score = @f, monetary_score = @m, rfm_segment = @segment, p_alive = @alive,
                expected_purchases = @purchases, expected_spend = @spend, predicted_revenue = @revenue, clv = @clv, analytics_at = @at
            WHERE customer_id = @id
            """;
        Add(command, "@id", customerId);
        Add(command, "@r", row.RecencyScore);
        Add(command, "@f", row.FrequencyScore);
        Add(command, "@m", row.MonetaryScore);
        Add(command, "@segment", row.RfmSegment);
        Add(command, "@alive", row.PAlive);
        Add(command, "@purchases", row.ExpectedPurchases);
        Add(command, "@spend", DbValues.Money(db, row.ExpectedSpend));
        Add(command, "@revenue", DbValues.Money(db, row.PredictedRevenue));
        Add(command, "@clv", DbValues.Money(db, row.Clv));
        Add(command, "@at", customers.IncludedCount == 0 ? null : DbValues.Instant(db, now));
        await command.ExecuteNonQueryAsync(ct);
    }

    private static void Add(System.Data.Common.DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

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
