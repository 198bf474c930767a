using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dapper;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Analytics;
using Rapport.Audit;
using Rapport.Consent;
using Rapport.Data;
using Rapport.Demo;
using Rapport.Identity;
using Rapport.Metrics;
using Rapport.Privacy;
using Rapport.Segments;

namespace Rapport.Bench;

/// <summary>
/// <c>erasure [--customers N] [--items I] [--runs R] [--provider sqlite|postgres]</c>: generates the demo business (N
/// customers, so the tables are not tiny), then R times gives a new customer I timeline items (each with a subject and
/// notes), 20 purchases, tags and value evidence, and times <see cref="EraseCustomer"/> on them: the erasure's
/// transaction, then the disk clean-up (SQLite WAL checkpoint; PostgreSQL VACUUM of the touched tables). Reference in
/// the same run: a second such customer whose I timeline rows are removed by one plain <c>DELETE … WHERE customer_id</c>.
/// </summary>
internal static class ErasureScenario
{
    private static readonly string[] Tags = ["vip", "newsletter", "bench"];

    public static async Task<int> RunAsync(string[] args)
    {
        int customers = 20_000, items = 10_000, runs = 5;
        var provider = "sqlite";
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            try
            {
                switch (args[i])
                {
                    case "--customers": customers = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--items": items = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--runs": runs = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--provider": provider = Value(); break;
                    default: throw new ArgumentException($"unknown option {args[i]}.");
                }
            }
            catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                Console.Error.WriteLine("Usage: Rapport.Bench erasure [--customers N] [--items I] [--runs R] [--provider sqlite|postgres]");
                return 1;
            }
        }

        if (provider is not ("sqlite" or "postgres") || runs is < 1 or > 20 || items is < 1 or > 1_000_000 || new DemoOptions(customers, DemoOptions.DefaultSeed).Problem is not null)
        {
            Console.Error.WriteLine("error: check --provider (sqlite|postgres), --runs (1..20), --items (1..1,000,000) and --customers.");
            return 1;
        }

        await using var db = await BenchDatabase.CreateAsync(provider, "erasure", CancellationToken.None);
        await using var services = BenchServices.Build(db.Database, (s, _) =>
        {
            s.AddIdentityFeature();
            s.AddCustomerMetrics();
            s.AddAnalytics();
            s.AddDemo();
            s.AddSingleton<SegmentIndex>();
            s.AddConsent();
            s.AddAudit();
            s.AddPrivacyRequests();
        }, minimumLevel: Microsoft.Extensions.Logging.LogLevel.Warning);
        Console.Error.WriteLine($"erasure: generating {customers:N0} demo customers on {provider}…");
        await using (var scope = services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DemoGenerator>().GenerateAsync(new DemoOptions(customers, DemoOptions.DefaultSeed), progress: null, CancellationToken.None);
        }

        var interactions = await db.CountAsync("interactions", CancellationToken.None);
        var rows = new List<(TimeSpan Erase, TimeSpan Clean, TimeSpan Reference, double Load)>();
        for (var run = 1; run <= runs; run++)
        {
            var target = await CustomerWithTimelineAsync(services, items, run, "erase");
            var reference = await CustomerWithTimelineAsync(services, items, run, "ref");

            TimeSpan referenceElapsed;
            await using (var scope = services.CreateAsyncScope())
            {
                var context = scope.ServiceProvider.GetRequiredService<RapportDbContext>();
                await context.Database.OpenConnectionAsync();
                var watch = Stopwatch.StartNew();
                await using var transaction = await context.Database.BeginTransactionAsync();
                await context.Database.GetDbConnection().ExecuteAsync("DELETE FROM interactions WHERE customer_id = @id", new { id = reference }, transaction.GetDbTransaction());
                await transaction.CommitAsync();
                referenceElapsed = watch.Elapsed;
            }

            await using (var scope = services.CreateAsyncScope())
            {
                var result = await scope.ServiceProvider.GetRequiredService<EraseCustomer>().HandleAsync(target, new EraseCustomer.Options(Reason: "bench"), CancellationToken.None);
                if (!result.IsOk)
                {
                    Console.Error.WriteLine($"error: {result.Message}");
                    return 1;
                }

                rows.Add((result.Value!.Elapsed, result.Value.DiskCleanup, referenceElapsed, BenchServices.LoadAverage()));
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"run {run}: erasure {result.Value.Elapsed.TotalMilliseconds:F0} ms + clean-up {result.Value.DiskCleanup.TotalMilliseconds:F0} ms ({result.Value.InteractionsScrubbed:N0} items scrubbed); reference DELETE {referenceElapsed.TotalMilliseconds:F0} ms; load {rows[^1].Load:F1}"));
            }
        }

        Console.WriteLine(Report(provider, customers, interactions, items, rows));
        return 0;
    }

    /// <summary>A new customer with <paramref name="items"/> timeline items, 20 purchases, 3 tags and 50 value evidence rows.</summary>
    private static async Task<long> CustomerWithTimelineAsync(ServiceProvider services, int items, int run, string label)
    {
        await using var scope = services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<RapportDbContext>();
        await context.Database.OpenConnectionAsync();
        await using var transaction = await context.Database.BeginTransactionAsync();
        var c = context.Database.GetDbConnection();
        var tx = transaction.GetDbTransaction();
        var now = DateTimeOffset.UtcNow;
        var at = DbValues.Instant(context, now);
        var id = await c.ExecuteScalarAsync<long>("""
            INSERT INTO customers (first_name, last_name, email, email_normalized, phone, country, source, search_text, created_at, updated_at, version)
            VALUES (@first, 'Bench', @email, @email, '+15550100', 'FR', 'api', @search, @at, @at, 1) RETURNING id
            """, new { first = $"Erasure{label}{run}", email = $"erasure.{label}.{run}.{Guid.NewGuid():N}@example.com", search = $"erasure{label}{run} bench", at }, tx);
        var timeline = Enumerable.Range(0, items).Select(i => new
        {
            id,
            subject = $"Call {i} about the order",
            notes = $"Customer {id} said something personal in conversation number {i}, with details worth erasing.",
            occurred = DbValues.Instant(context, now.AddMinutes(-i)),
            at,
        });
        await c.ExecuteAsync("""
            INSERT INTO interactions (customer_id, channel, direction, type, subject, notes, occurred_at, source, created_by_user_id, created_at, external_id)
            VALUES (@id, 'Phone', 'Inbound', 'Call', @subject, @notes, @occurred, 'api', NULL, @at, NULL)
            """, timeline, tx);
        await c.ExecuteAsync("""
            INSERT INTO transactions (customer_id, external_id, occurred_at, currency, total, source, created_at)
            VALUES (@id, NULL, @at, 'EUR', @total, 'api', @at)
            """, Enumerable.Range(0, 20).Select(i => new { id, at, total = DbValues.Money(context, 10m + i) }), tx);
        await c.ExecuteAsync("INSERT INTO customer_tags (customer_id, tag) VALUES (@id, @tag)", Tags.Select(tag => new { id, tag }), tx);
        var value = await c.ExecuteScalarAsync<long?>("SELECT MIN(id) FROM taxonomy_values", transaction: tx);
        if (value is { } v)
        {
            await c.ExecuteAsync("""
                INSERT INTO value_evidence (customer_id, value_id, kind, source_type, source_id, observed_at, signal, sentiment, quote)
                VALUES (@id, @v, 'Mention', 'interaction', @i, @at, 1.0, NULL, 'a quote about what matters to them')
                """, Enumerable.Range(0, 50).Select(i => new { id, v, i, at }), tx);
        }

        await transaction.CommitAsync();
        return id;
    }

    private static string Report(string provider, int customers, long interactions, int items, List<(TimeSpan Erase, TimeSpan Clean, TimeSpan Reference, double Load)> rows)
    {
        static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToList();
            return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
        }

        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"### Erasure of a customer with {items:N0} timeline items on {(provider == "postgres" ? "PostgreSQL" : "SQLite")} ({customers:N0} demo customers, {interactions:N0} demo interactions)");
        s.AppendLine();
        s.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Machine.Describe()}; {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC.");
        s.AppendLine();
        s.AppendLine("| run | erasure (ms) | disk clean-up (ms) | total (ms) | reference: plain DELETE of the items (ms) | load avg |");
        s.AppendLine("|---|---:|---:|---:|---:|---:|");
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            s.AppendLine(CultureInfo.InvariantCulture,
                $"| {i + 1} | {r.Erase.TotalMilliseconds:F0} | {r.Clean.TotalMilliseconds:F0} | {(r.Erase + r.Clean).TotalMilliseconds:F0} | {r.Reference.TotalMilliseconds:F0} | {r.Load:F1} |");
        }

        s.AppendLine(CultureInfo.InvariantCulture,
            $"| **median** | **{Median(rows.Select(r => r.Erase.TotalMilliseconds)):F0}** | **{Median(rows.Select(r => r.Clean.TotalMilliseconds)):F0}** | **{Median(rows.Select(r => (r.Erase + r.Clean).TotalMilliseconds)):F0}** | **{Median(rows.Select(r => r.Reference.TotalMilliseconds)):F0}** | |");
        return s.ToString();
    }
}
