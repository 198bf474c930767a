using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Rapport.Analytics.Models;
using Rapport.Customers.Changes;
using Rapport.Data;
using Rapport.Ingestion;
using Rapport.Metrics;

namespace Rapport.Analytics;

/// <summary>
/// The full analytics recompute: reads every purchase once, builds each customer's repeat-purchase summary, fits the
/// purchase and spend models, predicts each customer's P(alive), expected purchases, spend and CLV, scores RFM,
/// computes the Pareto curve, heavy users, cohorts and KPI facts, writes the per-customer results into
/// <c>customer_metrics</c> and stores the rest with the run (<see cref="AnalyticsResult"/>). Run by the worker after
/// imports and nightly, and by <c>rapport analytics recompute</c>.
/// </summary>
public sealed partial class RecomputeAnalytics(
    RapportDatabase database,
    RapportDbContext db,
    IConfiguration configuration,
    CustomerChanges changes,
    TimeProvider clock,
    ILogger<RecomputeAnalytics> logger)
{
    /// <summary>Rows written per transaction: short write locks on SQLite, so the app stays responsive during a run.</summary>
    private const int WriteChunk = 20_000;

    /// <summary>Finished runs kept (older ones are deleted).</summary>
    private const int KeepRuns = 100;

    /// <summary>Starts a run at once in this process (the command line and tests); returns it finished.</summary>
    public async Task<AnalyticsRun> RunNowAsync(AnalyticsTrigger trigger, CancellationToken ct)
    {
        var run = new AnalyticsRun { Trigger = trigger, Status = AnalyticsRunStatus.Running, StartedAt = clock.GetUtcNow() };
        db.AnalyticsRuns.Add(run);
        await db.SaveChangesAsync(ct);
        db.Entry(run).State = EntityState.Detached;
        await RunAsync(run.Id, ct);
        return await db.AnalyticsRuns.AsNoTracking().SingleAsync(r => r.Id == run.Id, ct);
    }

    /// <summary>Runs a run already marked running, and records how it ended.</summary>
    public async Task RunAsync(long runId, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var succeeded = false;
        LogStarting(runId);
        try
        {
            var result = await ComputeAsync(ct);
            var json = JsonSerializer.Serialize(result, AnalyticsJson.Options);
            var elapsed = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var finished = clock.GetUtcNow();
            await db.AnalyticsRuns.Where(r => r.Id == runId).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, AnalyticsRunStatus.Succeeded)
                .SetProperty(r => r.FinishedAt, finished)
                .SetProperty(r => r.Customers, result.Customers)
                .SetProperty(r => r.Purchases, result.Transactions)
                .SetProperty(r => r.ElapsedMs, elapsed)
                .SetProperty(r => r.Result, json), CancellationToken.None);
            LogFinished(runId, result.Customers, elapsed);
            succeeded = true;
        }
        catch (Exception e)
        {
            var cancelled = e is OperationCanceledException;
            var finished = clock.GetUtcNow();
            var elapsed = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            // Exception messages here name settings, columns and counts, never a customer's data.
            var error = cancelled ? "Cancelled: the host was stopping." : $"{e.GetType().Name}: {e.Message}";
            await db.AnalyticsRuns.Where(r => r.Id == runId).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, AnalyticsRunStatus.Failed)
                .SetProperty(r => r.FinishedAt, finished)
                .SetProperty(r => r.ElapsedMs, elapsed)
                .SetProperty(r => r.Error, error.Length > 2000 ? error[..2000] : error), CancellationToken.None);
            if (cancelled)
            {
                throw;
            }

            LogFailed(e, runId);
        }

        await PruneAsync(CancellationToken.None);
        if (succeeded)
        {
            // Every customer was rescored: stages (P(alive)) and segments on RFM, CLV and P(alive) follow.
            await changes.AllChangedAsync(ChangedFacts.Analytics, ct);
        }
    }

    private async Task PruneAsync(CancellationToken ct)
    {
        var oldest = await db.AnalyticsRuns.AsNoTracking()
            .Where(r => r.Status == AnalyticsRunStatus.Succeeded || r.Status == AnalyticsRunStatus.Failed)
            .OrderByDescending(r => r.Id).Skip(KeepRuns).Select(r => (long?)r.Id).FirstOrDefaultAsync(ct);
        if (oldest is { } id)
        {
            await db.AnalyticsRuns.Where(r => r.Id <= id && r.Status != AnalyticsRunStatus.Queued && r.Status != AnalyticsRunStatus.Running)
                .ExecuteDeleteAsync(ct);
        }
    }

    private async Task<AnalyticsResult> ComputeAsync(CancellationToken ct)
    {
        var settings = AnalyticsSettings.FromConfiguration(configuration);
        var currency = CustomerMetricsUpdater.ReportingCurrencyOf(configuration);
        var now = clock.GetUtcNow();
        var asOf = DateOnly.FromDateTime(now.UtcDateTime);
        var timings = new Dictionary<string, long>(StringComparer.Ordinal);
        var step = Stopwatch.GetTimestamp();
        void Mark(string name)
        {
            timings[name] = (long)Stopwatch.GetElapsedTime(step).TotalMilliseconds;
            step = Stopwatch.GetTimestamp();
        }

        // The order lines are only needed for the best customers (heavy users, profit): they are read on their own
        // connection and thread (SQLite's reads are synchronous) while the purchases are read and everything that
        // needs only the purchases is computed. "readLines" is that read's own time, overlapping the steps before
        // "linesWait" (what was left to wait for then).
        var readingLines = Task.Run(() => TimedAsync(c => CatalogFacts.LoadAsync(c, currency, ct), ct), ct);
        PurchaseHistory history;
        CustomerFacts customers;
        AnalyticsModels models;
        Prediction[] predictions;
        AnalyticsRfm rfm;
        RetentionSection retention;
        BestCustomersSection best;
        try
        {
            await using (var connection = await database.OpenConnectionAsync(ct))
            {
                history = await PurchaseHistory.LoadAsync(connection, currency, ct);
            }

            Mark("read");

            customers = CustomerFacts.Build(history, asOf);
            Mark("summaries");

            models = await AnalyticsModels.FitAsync(customers, history, asOf, settings, ct);
            Mark("fits");

            predictions = models.Predict(customers, settings);
            Mark("predictions");

            rfm = AnalyticsRfm.Score(customers, history, asOf, settings);
            Mark("rfm");

            retention = AnalyticsRetention.Compute(history, asOf);
            Mark("cohorts");

            var (catalog, readLinesMs) = await readingLines;
            timings["readLines"] = readLinesMs;
            Mark("linesWait");

            best = AnalyticsBestCustomers.Compute(customers, history, catalog);
            Mark("pareto");
        }
        finally
        {
            // A failed step does not leave the lines being read after the run has ended (nor their failure unobserved).
            await Task.WhenAny(readingLines);
            _ = readingLines.Exception;
        }

        var rows = new List<CustomerAnalytics>(customers.Count);
        for (var i = 0; i < customers.Count; i++)
        {
            if (!customers.Included[i])
            {
                continue;
            }

            var score = rfm.Scores[i];
            var p = predictions[i];
            rows.Add(new CustomerAnalytics(history.CustomerIds[i], score.Recency, score.Frequency, score.Monetary, score.SegmentKey,
                p.PAlive, p.ExpectedPurchases, p.ExpectedSpend, p.PredictedRevenue, p.Clv));
        }

        await WriteAsync(rows, now, ct);
        Mark("write");

        return new AnalyticsResult
        {
            AsOf = asOf,
            Currency = currency,
            Settings = settings,
            Customers = customers.IncludedCount,
            RepeatCustomers = customers.RepeatCount,
            Transactions = history.Transactions,
            PurchaseDays = history.PurchaseDays,
            Revenue = customers.TotalRevenue,
            Models = models.Section!,
            Rfm = rfm.Section,
            BestCustomers = best,
            Retention = retention,
            Clv = Predictions.Totals(predictions, customers),
            TimingsMs = timings,
        };
    }

    private async Task<(T Value, long Ms)> TimedAsync<T>(Func<System.Data.Common.DbConnection, Task<T>> read, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        await using var connection = await database.OpenConnectionAsync(ct);
        var value = await read(connection);
        return (value, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>Writes the per-customer results in chunks, each its own transaction, then clears customers the run did not reach.</summary>
    private async Task WriteAsync(List<CustomerAnalytics> rows, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        // Large writes raise a SQLite connection's page cache to 128 MiB; this connection goes back to the pool, where
        // the cache would stay filled (one more pooled connection per run, about 130 MB each), so it is put back after.
        var pageCache = await SqliteIngestStore.RaisePageCacheAsync(connection, ct);
        try
        {
            for (var start = 0; start < rows.Count; start += WriteChunk)
            {
                var chunk = rows.GetRange(start, Math.Min(WriteChunk, rows.Count - start));
                await using var transaction = await connection.BeginTransactionAsync(ct);
                await CustomerAnalyticsWriter.WriteAsync(Context(connection, transaction, now), chunk, ct);
                await transaction.CommitAsync(ct);
            }

            await using (var transaction = await connection.BeginTransactionAsync(ct))
            {
                await CustomerAnalyticsWriter.ClearOlderThanAsync(Context(connection, transaction, now), now, ct);
                await transaction.CommitAsync(ct);
            }
        }
        finally
        {
            await SqliteIngestStore.RestorePageCacheAsync(connection, pageCache);
        }
    }

    private IngestionContext Context(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, DateTimeOffset now) =>
        new(connection, transaction, database.Provider, "analytics", now, null);

    [LoggerMessage(LogLevel.Information, "Analytics run {RunId} started")]
    private partial void LogStarting(long runId);

    [LoggerMessage(LogLevel.Information, "Analytics run {RunId} finished: {Customers} customers in {ElapsedMs} ms")]
    private partial void LogFinished(long runId, int customers, long elapsedMs);

    [LoggerMessage(LogLevel.Error, "Analytics run {RunId} failed")]
    private partial void LogFailed(Exception exception, long runId);
}

/// <summary>How analytics results are written as JSON: camelCase, as the API speaks.</summary>
public static class AnalyticsJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);
}
