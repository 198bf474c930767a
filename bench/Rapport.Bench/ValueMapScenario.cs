using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Rapport.Data;
using Rapport.Values;
using Rapport.Values.Map;

namespace Rapport.Bench;

/// <summary>
/// <c>valuemap [--customers N] [--runs R] [--provider sqlite|postgres] [--keep]</c>: N customers with value profiles (3–9 of the
/// twelve default values each, with score and confidence), revenue, CLV, an RFM segment, tags (vip 10 %, newsletter 40 %)
/// and profiling switched off (so no scores) for 1 %, written straight to the tables (not timed). Then the shared-values map
/// (<see cref="GetValueMap"/>) overall, weighted by revenue and by CLV, narrowed to a tag and to a segment, and the gap
/// report (<see cref="GetValueGaps"/>), each R times after one warm-up, next to the database's own
/// <c>SELECT value_id, COUNT(*), SUM(score) FROM customer_value_scores GROUP BY value_id</c> (the floor of reading the scores).
/// </summary>
internal static class ValueMapScenario
{
    private static readonly string[] Segments =
        ["champions", "loyal", "potential_loyalists", "new", "promising", "need_attention", "about_to_sleep", "at_risk", "cant_lose_them", "hibernating", "lost"];

    public static async Task<int> RunAsync(string[] args)
    {
        int customers = 100_000, runs = 7;
        var provider = "sqlite";
        var keep = false;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--customers": customers = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--runs": runs = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--provider": provider = Value(); break;
                case "--keep": keep = true; break;
                default: throw new ArgumentException($"Unknown option {args[i]}.");
            }
        }

        var ct = CancellationToken.None;
        await using var db = await BenchDatabase.CreateAsync(provider, "valuemap", ct);
        if (keep)
        {
            db.Keep();
            Console.Error.WriteLine($"kept: {db.SqlitePath ?? db.PostgresName}");
        }
        var generated = Stopwatch.StartNew();
        var scores = await GenerateAsync(db.Database, customers, ct);
        Console.Error.WriteLine($"valuemap: {customers:N0} customers, {scores:N0} value scores written in {generated.Elapsed.TotalSeconds:F1} s ({provider})");

        await using var services = BenchServices.Build(db.Database, (s, _) =>
        {
            s.AddSingleton(TimeProvider.System);
            s.AddValues();
            s.AddValueMap();
        }, minimumLevel: LogLevel.Warning);

        var cases = new (string Name, Func<IServiceProvider, Task> Run)[]
        {
            ("map, overall", sp => Map(sp, new ValueMapQuery())),
            ("map, weighted by revenue", sp => Map(sp, new ValueMapQuery("revenue"))),
            ("map, weighted by CLV", sp => Map(sp, new ValueMapQuery("clv"))),
            ("map, tag vip (10 %)", sp => Map(sp, new ValueMapQuery(Tag: "vip"))),
            ("map, segment champions, by revenue", sp => Map(sp, new ValueMapQuery("revenue", Segment: "champions"))),
            ("gap report, best by revenue", async sp => (await sp.GetRequiredService<GetValueGaps>().HandleAsync(new ValueGapQuery(), ct)).IsOk.ShouldBeTrue()),
        };

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"valuemap, {provider}, {customers:N0} customers, {scores:N0} value scores, {runs} runs each after a warm-up, load {BenchServices.LoadAverage():F1}");
        report.AppendLine("| case | median ms | min ms | CPU ms (median, this process) | reference GROUP BY median ms | ratio |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (name, run) in cases)
        {
            var times = new List<double>();
            var cpu = new List<double>();
            var references = new List<double>();
            for (var n = 0; n <= runs; n++)
            {
                await using var scope = services.CreateAsyncScope();
                // CPU time of this process (on SQLite the database engine runs in it) barely depends on other load.
                var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                var started = Stopwatch.GetTimestamp();
                await run(scope.ServiceProvider);
                var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds;
                var reference = await ReferenceAsync(db.Database, ct);
                if (n > 0)
                {
                    times.Add(ms);
                    cpu.Add(cpuMs);
                    references.Add(reference);
                }
            }

            var median = Median(times);
            var referenceMedian = Median(references);
            Console.Error.WriteLine($"{name}: median {median:F0} ms, min {times.Min():F0} ms, CPU {Median(cpu):F0} ms, reference {referenceMedian:F0} ms");
            report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {median:F0} | {times.Min():F0} | {Median(cpu):F0} | {referenceMedian:F0} | {median / referenceMedian:F2} |");
        }

        Console.WriteLine(report.ToString());
        return 0;

        async Task Map(IServiceProvider sp, ValueMapQuery query)
        {
            var result = await sp.GetRequiredService<GetValueMap>().HandleAsync(query, ct);
            result.IsOk.ShouldBeTrue();
            if (result.Value!.Customers == 0)
            {
                throw new InvalidOperationException("The map found no customer.");
            }
        }
    }

    private static void ShouldBeTrue(this bool value)
    {
        if (!value)
        {
            throw new InvalidOperationException("A use case refused the bench's query.");
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static async Task<double> ReferenceAsync(RapportDatabase database, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT value_id, COUNT(*), SUM(score) FROM customer_value_scores GROUP BY value_id";
        var started = Stopwatch.GetTimestamp();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
        }

        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    /// <summary>Writes the customers and their profiles with multi-row INSERTs in one transaction; returns the scores written.</summary>
    private static async Task<long> GenerateAsync(RapportDatabase database, int customers, CancellationToken ct)
    {
        var random = new Random(20261206);
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var now = database.IsPostgres ? "'2026-12-01T00:00:00Z'" : "'2026-12-01T00:00:00.0000000Z'";

        var valueIds = new List<long>();
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = tx;
            command.CommandText = "SELECT id FROM taxonomy_values WHERE status = 'Active' ORDER BY id";
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                valueIds.Add(reader.GetInt64(0));
            }
        }

        var baseScore = valueIds.ToDictionary(v => v, _ => 0.3 + random.NextDouble() * 0.5);
        var ratings = valueIds.Select(v => $"({v}, {random.Next(1, 6)}, 'bench', 'bench', {now})").ToList();
        await ExecAsync("INSERT INTO value_ratings (value_id, importance, evidence, rated_by, created_at) VALUES " + string.Join(",", ratings));

        long scores = 0;
        const int Batch = 1000;
        for (var start = 1; start <= customers; start += Batch)
        {
            var end = Math.Min(customers, start + Batch - 1);
            var rows = new List<string>();
            var metrics = new List<string>();
            var tags = new List<string>();
            var values = new List<string>();
            var off = new List<string>();
            for (var id = start; id <= end; id++)
            {
                rows.Add($"({id}, 'bench', 'customer {id}', {now}, {now}, 1)");
                var revenue = random.NextDouble() < 0.8 ? Math.Round(Math.Exp(4 + 1.2 * Gaussian(random)), 2) : 0;
                var clv = revenue > 0 ? Math.Round(revenue * (0.5 + 1.5 * random.NextDouble()), 2).ToString(CultureInfo.InvariantCulture) : "NULL";
                var segment = revenue > 0 ? $"'{Segments[random.Next(Segments.Length)]}'" : "NULL";
                metrics.Add(string.Create(CultureInfo.InvariantCulture, $"({id}, 0, {revenue}, 0, {now}, {clv}, {segment})"));
                if (random.NextDouble() < 0.1)
                {
                    tags.Add($"({id}, 'vip')");
                }

                if (random.NextDouble() < 0.4)
                {
                    tags.Add($"({id}, 'newsletter')");
                }

                if (random.NextDouble() < 0.01)
                {
                    // Switching profiling off deletes the customer's scores (docs/values.md, "Profiling switch").
                    off.Add($"({id}, {(database.IsPostgres ? "FALSE" : "0")})");
                    continue;
                }

                foreach (var v in valueIds.OrderBy(_ => random.Next()).Take(random.Next(3, 10)))
                {
                    var score = Math.Clamp(baseScore[v] + 0.25 * Gaussian(random), 0, 1);
                    values.Add(string.Create(CultureInfo.InvariantCulture, $"({id}, {v}, {score:0.####}, {0.2 + 0.75 * random.NextDouble():0.####}, 2, {now}, {now})"));
                }
            }

            await ExecAsync("INSERT INTO customers (id, source, search_text, created_at, updated_at, version) VALUES " + string.Join(",", rows));
            await ExecAsync("INSERT INTO customer_metrics (customer_id, purchase_count, revenue, interaction_count, updated_at, clv, rfm_segment) VALUES " + string.Join(",", metrics));
            if (tags.Count > 0)
            {
                await ExecAsync("INSERT INTO customer_tags (customer_id, tag) VALUES " + string.Join(",", tags));
            }

            if (off.Count > 0)
            {
                await ExecAsync("INSERT INTO customer_value_profiles (customer_id, profiling_enabled) VALUES " + string.Join(",", off));
            }

            await ExecAsync("INSERT INTO customer_value_scores (customer_id, value_id, score, confidence, evidence_count, last_evidence_at, computed_at) VALUES " + string.Join(",", values));
            scores += values.Count;
        }

        await tx.CommitAsync(ct);
        await using (var analyze = connection.CreateCommand())
        {
            analyze.CommandText = "ANALYZE";
            await analyze.ExecuteNonQueryAsync(ct);
        }

        return scores;

        async Task ExecAsync(string sql)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
