using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Rapport.Analytics;
using Rapport.Data;
using Rapport.Demo;
using Rapport.Identity;
using Rapport.Metrics;

namespace Rapport.Bench;

/// <summary>
/// <c>recompute --customers N [--runs R] [--provider sqlite|postgres] [--updates K] [--keep | --database LOCATION]</c>: a demo
/// business of N customers (generated first, not timed; <c>--keep</c> leaves it in place, <c>--database</c> reuses one so kept,
/// a SQLite file or a PostgreSQL database's name, generated on the same UTC day), then R full analytics recomputes (<see cref="RecomputeAnalytics"/>, as the worker runs
/// them) with their peak working set, next to the database computing every customer's count, sum, first and last
/// purchase by itself (one GROUP BY over the transactions: the floor of reading them). Then K single-customer refreshes
/// (metrics and analytics, as after a new transaction) with their median and 95th percentile.
/// </summary>
internal static class RecomputeScenario
{
    public static async Task<int> RunAsync(string[] args)
    {
        int customers = 100_000, runs = 3, updates = 500;
        var provider = "sqlite";
        string? reuse = null;
        var keep = false;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--customers": customers = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--runs": runs = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--updates": updates = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--provider": provider = Value(); break;
                case "--database": reuse = Value(); break;
                case "--keep": keep = true; break;
                default: throw new ArgumentException($"Unknown option {args[i]}.");
            }
        }

        var ct = CancellationToken.None;
        await using var db = reuse is null ? await BenchDatabase.CreateAsync(provider, "recompute", ct) : await BenchDatabase.OpenAsync(provider, reuse, ct);
        if (keep)
        {
            db.Keep();
        }

        await using var services = BenchServices.Build(db.Database, (s, _) =>
        {
            s.AddIdentityFeature();
            s.AddCustomerMetrics();
            s.AddAnalytics();
            s.AddDemo();
        }, minimumLevel: LogLevel.Warning);

        long customerCount, transactionCount;
        if (reuse is null)
        {
            var generated = Stopwatch.StartNew();
            await using var scope = services.CreateAsyncScope();
            var demo = await scope.ServiceProvider.GetRequiredService<DemoGenerator>().GenerateAsync(new DemoOptions(customers, DemoOptions.DefaultSeed), null, ct);
            (customerCount, transactionCount) = (demo.Customers, demo.Transactions);
            Console.Error.WriteLine($"recompute: demo of {customerCount:N0} customers, {transactionCount:N0} transactions generated in {generated.Elapsed.TotalSeconds:F1} s");
        }
        else
        {
            (customerCount, transactionCount) = (await db.CountAsync("customers", ct), await db.CountAsync("transactions", ct));
            Console.Error.WriteLine($"recompute: {customerCount:N0} customers, {transactionCount:N0} transactions in {reuse}");
        }

        if (keep || reuse is not null)
        {
            Console.Error.WriteLine($"kept: {db.SqlitePath ?? db.PostgresName}");
        }

        var rows = new List<(double Seconds, double ReferenceSeconds, long PeakMb, AnalyticsRun Run)>();
        for (var n = 1; n <= runs; n++)
        {
            GC.Collect();
            using var sampler = new PeakSampler();
            var started = Stopwatch.GetTimestamp();
            AnalyticsRun run;
            await using (var scope = services.CreateAsyncScope())
            {
                run = await scope.ServiceProvider.GetRequiredService<RecomputeAnalytics>().RunNowAsync(AnalyticsTrigger.Manual, ct);
            }

            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var peak = sampler.Stop();
            if (run.Status != AnalyticsRunStatus.Succeeded)
            {
                throw new InvalidOperationException($"Run {run.Id} failed: {run.Error}");
            }

            var reference = await ReferenceAsync(db.Database, ct);
            rows.Add((seconds, reference, peak / 1024 / 1024, run));
            Console.Error.WriteLine($"run {n}: {seconds:F2} s, peak working set {peak / 1024 / 1024:N0} MB, reference GROUP BY {reference:F2} s, load {BenchServices.LoadAverage():F1}");
        }

        // --updates 0 leaves every customer's row as the last run wrote it (to compare runs).
        var (median, p95, analyticsMedian) = updates > 0 ? await SingleCustomerAsync(services, db.Database, updates, ct) : (double.NaN, double.NaN, double.NaN);
        Console.WriteLine(Report(provider, customerCount, transactionCount, rows, updates, median, p95, analyticsMedian));
        return 0;
    }

    /// <summary>The database's own per-customer aggregate over every transaction, read to the end.</summary>
    private static async Task<double> ReferenceAsync(RapportDatabase database, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT customer_id, COUNT(*), SUM(total), MIN(occurred_at), MAX(occurred_at) FROM transactions GROUP BY customer_id";
        var started = Stopwatch.GetTimestamp();
        await using var reader = await command.ExecuteReaderAsync(ct);
        var count = 0;
        while (await reader.ReadAsync(ct))
        {
            count++;
        }

        return Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    /// <summary>
    /// K customers' metrics and analytics refreshed one by one, each in its own transaction, as after a new transaction
    /// (<see cref="CustomerMetricsUpdater.RefreshAsync"/>); and the analytics part alone.
    /// </summary>
    private static async Task<(double Median, double P95, double AnalyticsMedian)> SingleCustomerAsync(ServiceProvider services, RapportDatabase database, int count, CancellationToken ct)
    {
        List<long> ids;
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RapportDbContext>();
            var all = await db.CustomerMetrics.AsNoTracking().Where(m => m.PurchaseCount > 0).Select(m => m.CustomerId).ToListAsync(ct);
            var random = new Random(7);
            ids = [.. Enumerable.Range(0, count).Select(_ => all[random.Next(all.Count)])];
        }

        var full = new List<double>();
        var analyticsOnly = new List<double>();
        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RapportDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var started = Stopwatch.GetTimestamp();
            if (i % 2 == 0)
            {
                await scope.ServiceProvider.GetRequiredService<CustomerMetricsUpdater>().RefreshAsync(id, ct);
                full.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            else
            {
                await scope.ServiceProvider.GetRequiredService<CustomerAnalyticsUpdater>().UpdateAsync(id, ct);
                analyticsOnly.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            await transaction.CommitAsync(ct);
        }

        // The first calls of each kind load the latest run's models and warm the JIT: left out.
        full = [.. full.Skip(5).Order()];
        analyticsOnly = [.. analyticsOnly.Skip(5).Order()];
        return (full[full.Count / 2], full[(int)(full.Count * 0.95)], analyticsOnly[analyticsOnly.Count / 2]);
    }

    private static string Report(string provider, long customerCount, long transactionCount, List<(double Seconds, double ReferenceSeconds, long PeakMb, AnalyticsRun Run)> rows,
        int updates, double median, double p95, double analyticsMedian)
    {
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture,
            $"### Full analytics recompute: {customerCount:N0} customers, {transactionCount:N0} transactions ({(provider == "postgres" ? "PostgreSQL" : "SQLite")}, {rows.Count} run(s))");
        s.AppendLine();
        s.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Machine.Describe()}; {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC; load {BenchServices.LoadAverage():F1}.");
        s.AppendLine();
        s.AppendLine("| run | recompute s | customers | peak working set MB | GROUP BY reference s | ratio | steps (ms) |");
        s.AppendLine("|---|---:|---:|---:|---:|---:|---|");
        foreach (var (row, n) in rows.Select((r, i) => (r, i + 1)))
        {
            s.AppendLine(CultureInfo.InvariantCulture,
                $"| {n} | {row.Seconds:F2} | {row.Run.Customers:N0} | {row.PeakMb:N0} | {row.ReferenceSeconds:F2} | {row.Seconds / row.ReferenceSeconds:F1} | {Steps(row.Run)} |");
        }

        var ordered = rows.Select(r => r.Seconds).Order().ToList();
        s.AppendLine(CultureInfo.InvariantCulture, $"| **median** | **{ordered[ordered.Count / 2]:F2}** | | {rows.Max(r => r.PeakMb):N0} (max) | | | |");
        s.AppendLine();
        if (updates > 0)
        {
            s.AppendLine(CultureInfo.InvariantCulture,
                    $"One customer's metrics and analytics refreshed after a change ({updates / 2} customers each, own transaction): median {median:F2} ms, 95th percentile {p95:F2} ms; the analytics part alone median {analyticsMedian:F2} ms.");
        }

        return s.ToString();
    }

    private static string Steps(AnalyticsRun run)
    {
        var result = System.Text.Json.JsonSerializer.Deserialize<AnalyticsResult>(run.Result!, AnalyticsJson.Options)!;
        return string.Join(", ", result.TimingsMs.Select(t => $"{t.Key} {t.Value}"));
    }

    /// <summary>The process's working set sampled every 20 ms until stopped: the peak of one run (the OS peak never resets).</summary>
    private sealed class PeakSampler : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task<long> _sampling;

        public PeakSampler() => _sampling = Task.Run(async () =>
        {
            var peak = 0L;
            using var process = Process.GetCurrentProcess();
            while (!_stop.IsCancellationRequested)
            {
                process.Refresh();
                peak = Math.Max(peak, process.WorkingSet64);
                try
                {
                    await Task.Delay(20, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            return peak;
        });

        public long Stop()
        {
            _stop.Cancel();
            return _sampling.GetAwaiter().GetResult();
        }

        public void Dispose() => _stop.Dispose();
    }
}
