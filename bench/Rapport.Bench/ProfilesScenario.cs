using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Rapport.Data;
using Rapport.Demo;
using Rapport.Identity;
using Rapport.Metrics;
using Rapport.Values.Profiles;

namespace Rapport.Bench;

/// <summary>
/// <c>profiles --customers N [--runs R] [--evidence E] [--provider sqlite|postgres] [--keep | --database LOCATION]</c>:
/// a demo business of N customers (its purchases of products tagged with values, generated first, not timed) plus
/// about E pieces of value evidence per customer (stated, coded and mentions over two years, bulk inserted, not
/// timed), then R full value-profile recomputes (<see cref="RecomputeValueProfiles.AllAsync"/>, as the CLI, the API and
/// the worker run them), each next to two reads in the same process: the database grouping the evidence by customer
/// and value by itself (<c>SELECT customer_id, value_id, count(*) … GROUP BY</c>) and reading every order line in storage
/// order (the floor of reading the behaviour). Then 200 one-customer recomputes.
/// </summary>
internal static class ProfilesScenario
{
    private static readonly string[] Kinds = ["Stated", "Coded", "Mention"];

    public static async Task<int> RunAsync(string[] args)
    {
        int customers = 100_000, runs = 5;
        var evidencePerCustomer = 4.0;
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
                case "--evidence": evidencePerCustomer = double.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--provider": provider = Value(); break;
                case "--database": reuse = Value(); break;
                case "--keep": keep = true; break;
                default: throw new ArgumentException($"Unknown option {args[i]}.");
            }
        }

        var ct = CancellationToken.None;
        await using var db = reuse is null ? await BenchDatabase.CreateAsync(provider, "profiles", ct) : await BenchDatabase.OpenAsync(provider, reuse, ct);
        if (keep)
        {
            db.Keep();
        }

        await using var services = BenchServices.Build(db.Database, (s, _) =>
        {
            s.AddIdentityFeature();
            s.AddCustomerMetrics();
            s.AddDemo();
            s.AddValueProfiles();
        }, minimumLevel: LogLevel.Warning);

        if (reuse is null)
        {
            var generated = Stopwatch.StartNew();
            await using (var scope = services.CreateAsyncScope())
            {
                await scope.ServiceProvider.GetRequiredService<DemoGenerator>().GenerateAsync(new DemoOptions(customers, DemoOptions.DefaultSeed), null, ct);
            }

            var rows = await InsertEvidenceAsync(db.Database, evidencePerCustomer, ct);
            Console.Error.WriteLine($"profiles: demo of {customers:N0} customers and {rows:N0} pieces of evidence generated in {generated.Elapsed.TotalSeconds:F1} s");
        }

        if (keep || reuse is not null)
        {
            Console.Error.WriteLine($"kept: {db.SqlitePath ?? db.PostgresName}");
        }

        var customerCount = await db.CountAsync("customers", ct);
        var evidenceCount = await db.CountAsync("value_evidence", ct);
        var lineCount = await db.CountAsync("transaction_lines", ct);
        var tagCount = await db.CountAsync("product_values", ct);
        var results = new List<(double Seconds, double GroupBy, double Lines, ValueProfileRun Run)>();
        for (var n = 1; n <= runs; n++)
        {
            GC.Collect();
            var started = Stopwatch.GetTimestamp();
            ValueProfileRun run;
            await using (var scope = services.CreateAsyncScope())
            {
                run = await scope.ServiceProvider.GetRequiredService<RecomputeValueProfiles>().AllAsync(ct);
            }

            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var groupBy = await ReadAllAsync(db.Database, "SELECT customer_id, value_id, count(*) FROM value_evidence GROUP BY customer_id, value_id", ct);
            var lines = await ReadAllAsync(db.Database, "SELECT customer_id, product_id, amount, transaction_id FROM transaction_lines", ct);
            results.Add((seconds, groupBy, lines, run));
            Console.Error.WriteLine($"run {n}: {seconds:F2} s ({run.Customers:N0} customers, {run.Scores:N0} scores; {string.Join(", ", run.TimingsMs.Select(t => $"{t.Key} {t.Value} ms"))}), reference GROUP BY {groupBy:F2} s, lines read {lines:F2} s, load {BenchServices.LoadAverage():F1}");
        }

        var single = await OneCustomerAsync(services, db.Database, 200, ct);
        Console.WriteLine(Report(provider, customerCount, evidenceCount, lineCount, tagCount, results, single));
        return 0;
    }

    /// <summary>About <paramref name="perCustomer"/> pieces of evidence per customer on random active values, dated over two years.</summary>
    private static async Task<long> InsertEvidenceAsync(RapportDatabase database, double perCustomer, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        var customers = new List<long>();
        var values = new List<long>();
        await ReadIdsAsync(connection, "SELECT id FROM customers", customers, ct);
        await ReadIdsAsync(connection, "SELECT id FROM taxonomy_values WHERE status = 'Active'", values, ct);
        var random = new Random(11);
        var now = DateTimeOffset.UtcNow;
        long rows = 0, source = 0;
        var batch = new StringBuilder();
        var inBatch = 0;
        await using var transaction = await connection.BeginTransactionAsync(ct);

        async Task FlushAsync()
        {
            if (inBatch == 0)
            {
                return;
            }

            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT INTO value_evidence (customer_id, value_id, kind, source_type, source_id, observed_at, signal, sentiment, quote) VALUES " + batch;
            await command.ExecuteNonQueryAsync(ct);
            batch.Clear();
            inBatch = 0;
        }

        foreach (var customer in customers)
        {
            // Poisson-ish: most customers have a few pieces, some none.
            var count = (int)Math.Round(-Math.Log(1 - random.NextDouble()) * perCustomer);
            for (var i = 0; i < count; i++)
            {
                var kind = Kinds[random.Next(10) switch { < 3 => 0, < 4 => 1, _ => 2 }];
                var at = now.AddDays(-random.Next(730)).AddMinutes(-random.Next(1440));
                var signal = kind == "Mention" && random.Next(8) == 0 ? -0.5 : Math.Round(random.NextDouble() * 2 - 0.6, 2);
                var instant = database.IsPostgres ? at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : SqliteFormats.Instant(at);
                batch.Append(inBatch == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture,
                    $"({customer}, {values[random.Next(values.Count)]}, '{kind}', 'survey_response', {++source}, '{instant}', {signal.ToString(CultureInfo.InvariantCulture)}, NULL, 'Bench evidence')");
                inBatch++;
                rows++;
                if (inBatch == 1_000)
                {
                    await FlushAsync();
                }
            }
        }

        await FlushAsync();
        await transaction.CommitAsync(ct);
        return rows;
    }

    private static async Task ReadIdsAsync(System.Data.Common.DbConnection connection, string sql, List<long> ids, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            ids.Add(reader.GetInt64(0));
        }
    }

    /// <summary>Reads a query's result to the end; its time.</summary>
    private static async Task<double> ReadAllAsync(RapportDatabase database, string sql, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var started = Stopwatch.GetTimestamp();
        await using var reader = await command.ExecuteReaderAsync(ct);
        var fields = new object[reader.FieldCount];
        while (await reader.ReadAsync(ct))
        {
            reader.GetValues(fields);
        }

        return Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    /// <summary>Median and 95th percentile (ms) of one-customer recomputes of random customers with evidence.</summary>
    private static async Task<(double Median, double P95)> OneCustomerAsync(ServiceProvider services, RapportDatabase database, int count, CancellationToken ct)
    {
        var ids = new List<long>();
        await using (var connection = await database.OpenConnectionAsync(ct))
        {
            await ReadIdsAsync(connection, "SELECT DISTINCT customer_id FROM value_evidence WHERE customer_id IS NOT NULL", ids, ct);
        }

        var random = new Random(5);
        var times = new List<double>();
        for (var i = 0; i < count && ids.Count > 0; i++)
        {
            await using var scope = services.CreateAsyncScope();
            var started = Stopwatch.GetTimestamp();
            await scope.ServiceProvider.GetRequiredService<RecomputeValueProfiles>().CustomerAsync(ids[random.Next(ids.Count)], ct);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        times.Sort();
        return times.Count == 0 ? (double.NaN, double.NaN) : (times[times.Count / 2], times[(int)Math.Min(times.Count - 1, Math.Ceiling(times.Count * 0.95) - 1)]);
    }

    private static string Report(string provider, long customers, long evidence, long lines, long tags,
        List<(double Seconds, double GroupBy, double Lines, ValueProfileRun Run)> runs, (double Median, double P95) single)
    {
        static double Median(IEnumerable<double> xs)
        {
            var sorted = xs.OrderBy(x => x).ToList();
            return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
        }

        var median = Median(runs.Select(r => r.Seconds));
        var groupBy = Median(runs.Select(r => r.GroupBy));
        var read = Median(runs.Select(r => r.Lines));
        var last = runs[^1].Run;
        return string.Create(CultureInfo.InvariantCulture,
            $"""
            Value profiles, {provider}: {customers:N0} customers, {evidence:N0} pieces of evidence, {lines:N0} order lines, {tags:N0} product tags
            full recompute: median {median:F2} s over {runs.Count} runs ({string.Join(", ", runs.Select(r => r.Seconds.ToString("F2", CultureInfo.InvariantCulture)))}); target 10 s
              {last.Customers:N0} customers profiled, {last.Scores:N0} scores written
            reference GROUP BY over value_evidence: median {groupBy:F2} s (recompute / reference {median / groupBy:F1})
            reading every order line: median {read:F2} s (recompute / lines read {median / read:F2})
            one customer: median {single.Median:F1} ms, 95th percentile {single.P95:F1} ms
            """);
    }
}
