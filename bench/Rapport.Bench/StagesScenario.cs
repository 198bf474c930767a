using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Rapport.Data;
using Rapport.Stages;

namespace Rapport.Bench;

/// <summary>
/// <c>stages --database LOCATION [--provider sqlite|postgres] [--runs R] [--singles K] [--reset]</c>: the stage engine on a kept
/// database (a SQLite file or a PostgreSQL database's name; migrated first, analytics already run so P(alive) is set).
/// Times (1) the first placement of everyone, with the reconstructed history, when the database has never been placed
/// (<c>--reset</c> makes it so: history deleted, stages cleared, not timed);
/// (2) R full recomputes with nothing to change (the nightly case); (3) R full recomputes after every stored stage was
/// shifted (not timed), so that every customer is written with a history row (the worst case); each next to the
/// database's own <c>SELECT stage, COUNT(*) FROM customer_metrics GROUP BY stage</c> and to reading the rules' inputs
/// once (the metrics, and the inbound interactions grouped by customer). Then (4) K single-customer evaluations (as after
/// a new transaction) on one warm connection: median and 95th percentile.
/// </summary>
internal static class StagesScenario
{
    public static async Task<int> RunAsync(string[] args)
    {
        int runs = 3, singles = 1000;
        var reset = false;
        var provider = "sqlite";
        string? location = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--database": location = Value(); break;
                case "--provider": provider = Value(); break;
                case "--runs": runs = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--singles": singles = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--reset": reset = true; break;
                default: throw new ArgumentException($"Unknown option {args[i]}.");
            }
        }

        if (location is null)
        {
            throw new ArgumentException("--database is required: a copy of a demo database with analytics run (docs/benchmarks.md).");
        }

        var ct = CancellationToken.None;
        await using var db = await BenchDatabase.OpenAsync(provider, location, ct);
        await using var services = BenchServices.Build(db.Database, (s, _) =>
        {
            s.AddSingleton(TimeProvider.System);
            s.AddStages();
        }, minimumLevel: LogLevel.Warning);

        if (reset)
        {
            // Never placed again (not timed): the first placement, with its reconstructed history, is measured anew.
            await ExecuteAsync(db.Database, "DELETE FROM stage_changes", ct);
            await ExecuteAsync(db.Database, "UPDATE customer_metrics SET stage = 0, stage_since = NULL", ct);
        }

        var customers = await ScalarAsync(db.Database, "SELECT COUNT(*) FROM customer_metrics", ct);
        var unplaced = await ScalarAsync(db.Database, "SELECT COUNT(*) FROM customer_metrics WHERE stage_since IS NULL", ct);
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"stages, {provider}, {customers:N0} customers, {runs} runs, load {BenchServices.LoadAverage():F1} at start");
        report.AppendLine("| case | median s | min s | changed | CPU s (median, this process) | GROUP BY stage ms | reading the inputs s | load |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");

        if (unplaced > 0)
        {
            var (seconds, cpu, changed) = await FullAsync(services, ct);
            var (groupBy, inputs) = await ReferencesAsync(db.Database, ct);
            Console.Error.WriteLine($"first placement of {unplaced:N0}: {seconds:F1} s, {changed:N0} written");
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| first placement with reconstructed history ({unplaced:N0} never placed) | {seconds:F1} | {seconds:F1} | {changed:N0} | {cpu:F1} | {groupBy:F0} | {inputs:F1} | {BenchServices.LoadAverage():F1} |");
        }

        foreach (var shift in new[] { false, true })
        {
            var times = new List<double>();
            var cpus = new List<double>();
            var groupBys = new List<double>();
            var inputsTimes = new List<double>();
            long changed = 0;
            for (var n = 0; n < runs; n++)
            {
                if (shift)
                {
                    await ExecuteAsync(db.Database, "UPDATE customer_metrics SET stage = CASE WHEN stage = 4 THEN 0 ELSE stage + 1 END", ct);
                }

                var (seconds, cpu, c) = await FullAsync(services, ct);
                var (groupBy, inputs) = await ReferencesAsync(db.Database, ct);
                times.Add(seconds);
                cpus.Add(cpu);
                groupBys.Add(groupBy);
                inputsTimes.Add(inputs);
                changed = c;
                Console.Error.WriteLine($"{(shift ? "all changed" : "nothing to change")} run {n + 1}: {seconds:F1} s, {c:N0} written, GROUP BY {groupBy:F0} ms, inputs {inputs:F1} s");
            }

            report.AppendLine(CultureInfo.InvariantCulture,
                $"| full recompute, {(shift ? "every stage shifted first: all written" : "nothing to change (nightly)")} | {Median(times):F1} | {times.Min():F1} | {changed:N0} | {Median(cpus):F1} | {Median(groupBys):F0} | {Median(inputsTimes):F1} | {BenchServices.LoadAverage():F1} |");
        }

        // One customer at a time, as after a new transaction: the evaluation's SQL on a warm connection.
        var ids = new List<long>();
        await using (var connection = await db.Database.OpenConnectionAsync(ct))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT customer_id FROM customer_metrics ORDER BY customer_id";
            var all = new List<long>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                all.Add(reader.GetInt64(0));
            }

            var random = new Random(20261206);
            for (var i = 0; i < singles + 50; i++)
            {
                ids.Add(all[random.Next(all.Count)]);
            }
        }

        var singleTimes = new List<double>();
        await using (var scope = services.CreateAsyncScope())
        {
            var engine = scope.ServiceProvider.GetRequiredService<StageEngine>();
            for (var i = 0; i < ids.Count; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await engine.EvaluateAsync(ids[i], StageChangeSource.Rules, ct);
                var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (i >= 50)
                {
                    singleTimes.Add(ms);
                }
            }
        }

        var sorted = singleTimes.Order().ToList();
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture,
            $"one customer ({singles:N0} random customers after 50 warm-up, one warm connection): median {Median(singleTimes):F3} ms, p95 {sorted[(int)(sorted.Count * 0.95)]:F3} ms, max {sorted[^1]:F3} ms, load {BenchServices.LoadAverage():F1}");
        var counts = await services.CreateAsyncScope().ServiceProvider.GetRequiredService<GetStageCounts>().HandleAsync(ct);
        report.AppendLine(CultureInfo.InvariantCulture, $"customers per stage: {string.Join(", ", counts.Select(c => $"{c.Stage} {c.Customers:N0}"))}");
        Console.WriteLine(report.ToString());
        return 0;
    }

    private static async Task<(double Seconds, double Cpu, long Changed)> FullAsync(ServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        var result = await scope.ServiceProvider.GetRequiredService<StageEngine>().EvaluateAllAsync(ct);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return (seconds, (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds, result.Changed);
    }

    /// <summary>The GROUP BY over the stored stages (ms), and reading the rules' inputs once (s).</summary>
    private static async Task<(double GroupBy, double Inputs)> ReferencesAsync(RapportDatabase database, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        await DrainAsync(database, "SELECT stage, COUNT(*) FROM customer_metrics GROUP BY stage", ct);
        var groupBy = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        started = Stopwatch.GetTimestamp();
        await DrainAsync(database, "SELECT COUNT(*), MAX(m.last_purchase_at), MAX(m.p_alive), MAX(c.created_at) FROM customer_metrics m JOIN customers c ON c.id = m.customer_id", ct);
        await DrainAsync(database, "SELECT customer_id, MIN(occurred_at), MAX(occurred_at) FROM interactions WHERE direction = 'Inbound' GROUP BY customer_id", ct);
        return (groupBy, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    private static async Task DrainAsync(RapportDatabase database, string sql, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 0;
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
        }
    }

    private static async Task ExecuteAsync(RapportDatabase database, string sql, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<long> ScalarAsync(RapportDatabase database, string sql, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using DbCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
