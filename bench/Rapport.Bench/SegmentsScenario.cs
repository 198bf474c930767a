using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Rapport.Customers.Changes;
using Rapport.Data;
using Rapport.Segments;
using Rapport.Stages;

namespace Rapport.Bench;

/// <summary>
/// <c>segments --database LOCATION [--provider sqlite|postgres] [--runs R] [--customers N] [--segments S]</c>: on an existing
/// demo database (migrated, analytics run; e.g. a copy of the 1M demo), times
/// (1) the preview count of a 5-condition segment across profile, tags, metrics and purchases, next to a plain
/// <c>COUNT(*)</c> over <c>customer_metrics</c> in the same run;
/// (2) the first page (50) of a saved segment's members;
/// (3) with S dynamic segments defined (default 100, built in full first, timed), one customer's re-evaluation after a
/// change (their purchase summary rebuilt, then every dynamic segment evaluated for them and the differences written),
/// over N customers, each in a transaction rolled back so the database stays as it was.
/// Segments it creates are named "bench …" and deleted at the end.
/// </summary>
internal static class SegmentsScenario
{
    public const string FiveConditions = """
        {"all":[
          {"field":"country","op":"in","value":["US","CA"]},
          {"field":"tag","op":"eq","value":"coffee-lover"},
          {"field":"revenue","op":"gte","value":100},
          {"field":"daysSinceLastPurchase","op":"lte","value":365},
          {"purchased":{"category":"Tea","withinDays":365}}
        ]}
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        int runs = 7, customers = 200, segmentCount = 100;
        bool keep = false, skipPreviews = false;
        var provider = "sqlite";
        string? location = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--runs": runs = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--customers": customers = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--segments": segmentCount = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--provider": provider = Value(); break;
                case "--database": location = Value(); break;
                case "--keep": keep = true; break;
                case "--skip-previews": skipPreviews = true; break;
                default: throw new ArgumentException($"Unknown option {args[i]}.");
            }
        }

        if (location is null)
        {
            throw new ArgumentException("--database is required: a migrated demo database with analytics (docs/benchmarks.md).");
        }

        var ct = CancellationToken.None;
        await using var db = await BenchDatabase.OpenAsync(provider, location, ct);
        db.Keep();
        await using var services = BenchServices.Build(db.Database, (s, _) =>
        {
            s.AddCustomerChanges();
            s.AddStages();
            s.AddSegments();
        }, minimumLevel: LogLevel.Warning);
        var report = new StringBuilder();
        var customerCount = await db.CountAsync("customers", ct);
        report.AppendLine(CultureInfo.InvariantCulture, $"segments ({provider}): {customerCount:N0} customers, {await db.CountAsync("transactions", ct):N0} transactions, {await db.CountAsync("transaction_lines", ct):N0} lines; load {BenchServices.LoadAverage():F1}");

        await using (var scope = services.CreateAsyncScope())
        {
            var facts = scope.ServiceProvider.GetRequiredService<PurchaseFacts>();
            var context = scope.ServiceProvider.GetRequiredService<RapportDbContext>();
            if (await facts.NeedsBuildAsync(ct))
            {
                var built = Stopwatch.StartNew();
                await using var transaction = await context.Database.BeginTransactionAsync(ct);
                var rows = await facts.RebuildAllAsync(ct);
                await transaction.CommitAsync(ct);
                report.AppendLine(CultureInfo.InvariantCulture, $"purchase summary built: {rows:N0} rows in {built.Elapsed.TotalSeconds:F1} s");
            }

            if (!keep)
            {
                await Cleanup(context, ct);
            }
        }

        var existing = await ScalarAsync(db.Database, "SELECT COUNT(*) FROM segments WHERE name LIKE 'bench %'", ct);
        if (existing > 0 && existing < segmentCount)
        {
            throw new InvalidOperationException($"{existing} bench segments are left from an earlier run: run once without --keep to remove them.");
        }

        if (!skipPreviews)
        {
            await PreviewsAsync(services, db, report, runs, ct);
        }

        // (3) S dynamic segments, then one customer's re-evaluation.
        var build = Stopwatch.StartNew();
        var have = await ScalarAsync(db.Database, "SELECT COUNT(*) FROM segments WHERE name LIKE 'bench %'", ct);
        if (have == 0)
        {
            await using var scope = services.CreateAsyncScope();
            var created = await scope.ServiceProvider.GetRequiredService<CreateSegment>().HandleAsync(
                new SegmentRequest("bench five conditions", null, "dynamic", Parse(FiveConditions)), null, ct);
            _ = created.Value ?? throw new InvalidOperationException("The five-condition segment was refused.");
        }

        for (var s = 1; s < segmentCount && have <= 1; s++)
        {
            await using var scope = services.CreateAsyncScope();
            var created = await scope.ServiceProvider.GetRequiredService<CreateSegment>().HandleAsync(
                new SegmentRequest($"bench {s}", null, "dynamic", Parse(Variant(s))), null, ct);
            if (!created.IsOk)
            {
                throw new InvalidOperationException($"Variant {s}: {string.Join("; ", created.Errors.SelectMany(e => e.Value))}");
            }
        }

        report.AppendLine(CultureInfo.InvariantCulture, $"{segmentCount} dynamic segments created and built in {build.Elapsed.TotalSeconds:F1} s");

        var ids = (await QueryIdsAsync(db.Database, customerCount, customers, ct)).ToList();
        var products = await ProductsAsync(db.Database, ct);
        var follow = new List<double>();
        var handler = new List<double>();
        var handlerCpu = new List<double>();
        var perHandler = new Dictionary<string, List<double>>();
        var random = new Random(7);
        foreach (var id in ids)
        {
            await using var scope = services.CreateAsyncScope();
            var context = scope.ServiceProvider.GetRequiredService<RapportDbContext>();
            var engine = scope.ServiceProvider.GetRequiredService<SegmentEngine>();
            var changes = scope.ServiceProvider.GetRequiredService<CustomerChanges>();
            await using var transaction = await context.Database.BeginTransactionAsync(ct);
            // A new transaction of one or two products, and the customer's metrics as the product updates them (not timed).
            await NewTransactionAsync(context, id, products, random, ct);
            var cpu = Cpu();
            handler.Add(await TimeAsync(() => changes.ChangedAsync(id, ct)));
            handlerCpu.Add(Cpu() - cpu);
            // The same again, one handler at a time (now with nothing left to change: the cost of looking).
            foreach (var h in scope.ServiceProvider.GetServices<ICustomerChangeHandler>().OrderBy(h => h.Order))
            {
                var name = h.GetType().Name;
                (perHandler.TryGetValue(name, out var list) ? list : perHandler[name] = []).Add(await TimeAsync(() => h.CustomerChangedAsync(id, ct)));
            }

            follow.Add(await TimeAsync(async () => await engine.FollowAsync([id], ct)));
            await transaction.RollbackAsync(ct);
        }

        // The first calls warm the caches (parsed rules, statements): leave the first ten out.
        var warm = handler.Skip(10).ToList();
        var warmFollow = follow.Skip(10).ToList();
        report.AppendLine(CultureInfo.InvariantCulture, $"one customer's re-evaluation with {segmentCount} dynamic segments ({warm.Count} customers): median {Median(warm):F2} ms, p95 {Percentile(warm, 0.95):F2} ms " +
            $"(after a new transaction: stage, purchase summary and all segments; CPU total over them {handlerCpu.Skip(10).Sum():F0} ms for {warm.Count}); segments alone: median {Median(warmFollow):F2} ms, p95 {Percentile(warmFollow, 0.95):F2} ms; load {BenchServices.LoadAverage():F1}");

        report.AppendLine("again, nothing left to change, per handler (median ms): " +
            string.Join(", ", perHandler.Select(h => $"{h.Key} {Median(h.Value.Skip(10).ToList()).ToString("F2", CultureInfo.InvariantCulture)}")));
        if (!keep)
        {
            await using var scope = services.CreateAsyncScope();
            await Cleanup(scope.ServiceProvider.GetRequiredService<RapportDbContext>(), ct);
        }

        Console.WriteLine(report.ToString());
        return 0;
    }

    private static async Task PreviewsAsync(ServiceProvider services, BenchDatabase db, StringBuilder report, int runs, CancellationToken ct)
    {
        // (0) The column-wise index that previews count from, built as the server builds it.
        var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);
        var indexTime = await TimeAsync(() => services.GetRequiredService<SegmentIndex>().BuildAsync(ct));
        var memoryAfter = GC.GetTotalMemory(forceFullCollection: true);
        report.AppendLine(CultureInfo.InvariantCulture, $"preview index built in {indexTime / 1000:F1} s, {(memoryAfter - memoryBefore) / (1024.0 * 1024):F0} MiB managed memory");

        // (1) Preview count, next to the reference; wall clock and this process's CPU time (SQLite runs in-process).
        var previews = new List<double>();
        var previewCpu = new List<double>();
        var counts = new List<double>();
        var countCpu = new List<double>();
        var references = new List<double>();
        long matched = 0;
        for (var n = 0; n < runs; n++)
        {
            references.Add(await TimeAsync(async () => await ScalarAsync(db.Database, "SELECT COUNT(*) FROM customer_metrics", ct)));
            var cpu = Cpu();
            previews.Add(await TimeAsync(async () =>
            {
                await using var scope = services.CreateAsyncScope();
                var preview = await scope.ServiceProvider.GetRequiredService<PreviewSegment>().HandleAsync(Parse(FiveConditions), ct);
                matched = preview.Value!.Count;
            }));
            previewCpu.Add(Cpu() - cpu);
            cpu = Cpu();
            counts.Add(await TimeAsync(async () =>
            {
                await using var scope = services.CreateAsyncScope();
                var engine = scope.ServiceProvider.GetRequiredService<SegmentEngine>();
                var definitions = await engine.DefinitionsAsync(ct);
                var catalogue = await SegmentFieldCatalogue.LoadAsync(scope.ServiceProvider.GetRequiredService<RapportDbContext>(), ct);
                var rules = RuleParser.Parse(Parse(FiveConditions), catalogue, new Common.FieldErrors())!;
                _ = await engine.CountAsync(rules, definitions, ct);
            }));
            countCpu.Add(Cpu() - cpu);
        }

        report.AppendLine(CultureInfo.InvariantCulture, $"preview (count + sample of 10) of 5 conditions: median {Median(previews):F0} ms, CPU {Median(previewCpu):F0} ms (runs {string.Join(", ", previews.Select(c => c.ToString("F0", CultureInfo.InvariantCulture)))}), {matched:N0} customers");
        report.AppendLine(CultureInfo.InvariantCulture, $"count in SQL (no index): median {Median(counts):F0} ms, CPU {Median(countCpu):F0} ms; reference COUNT(*) over customer_metrics: median {Median(references):F0} ms; load {BenchServices.LoadAverage():F1}");

        // (2) A saved segment and the first page of its members.
        long segmentId;
        var create = Stopwatch.StartNew();
        await using (var scope = services.CreateAsyncScope())
        {
            // Kept from an earlier run (--keep): its members are read as they are.
            var kept = await scope.ServiceProvider.GetRequiredService<RapportDbContext>().Set<Segment>()
                .Where(x => x.Name == "bench five conditions").Select(x => (long?)x.Id).SingleOrDefaultAsync(ct);
            if (kept is { } id)
            {
                segmentId = id;
            }
            else
            {
                var created = await scope.ServiceProvider.GetRequiredService<CreateSegment>().HandleAsync(
                    new SegmentRequest("bench five conditions", null, "dynamic", Parse(FiveConditions)), null, ct);
                segmentId = created.Value!.Id;
            }
        }

        report.AppendLine(CultureInfo.InvariantCulture, $"create with full build of members: {create.Elapsed.TotalMilliseconds:F0} ms");
        var pages = new List<double>();
        for (var n = 0; n < runs; n++)
        {
            pages.Add(await TimeAsync(async () =>
            {
                await using var scope = services.CreateAsyncScope();
                var page = await scope.ServiceProvider.GetRequiredService<ListSegmentMembers>().HandleAsync(new SegmentMembersQuery(segmentId, 50, null), ct);
                _ = page.Value!.Items.Count;
            }));
        }

        report.AppendLine(CultureInfo.InvariantCulture, $"first page of members (50): median {Median(pages):F1} ms");

    }

    /// <summary>99 varied rule trees: profile, tags, metrics, stages, analytics and purchases, one to five conditions.</summary>
    private static string Variant(int s)
    {
        string[] categories = ["Tea", "Coffee beans", "Accessories", "Brewing equipment", "Courses", "Subscriptions"];
        string[] tags = ["newsletter", "coffee-lover", "tea-lover", "vip", "subscriber", "course-alumni"];
        string[] countries = ["US", "GB", "CA", "DE", "AU", "FR"];
        string[] rfm = ["champions", "loyal", "at_risk", "hibernating", "new", "lost"];
        var category = categories[s % categories.Length];
        var tag = tags[(s / 2) % tags.Length];
        var country = countries[(s / 3) % countries.Length];
        return (s % 6) switch
        {
            0 => $$"""{"all":[{"field":"country","op":"eq","value":"{{country}}"},{"field":"tag","op":"eq","value":"{{tag}}"}]}""",
            1 => $$$"""{"purchased":{"category":"{{{category}}}","withinDays":{{{30 + s}}}}}""",
            2 => $$"""{"all":[{"field":"revenue","op":"gte","value":{{s * 10}}},{"field":"daysSinceLastPurchase","op":"lte","value":{{90 + s}}}]}""",
            3 => $$"""{"any":[{"field":"rfmSegment","op":"eq","value":"{{rfm[s % rfm.Length]}}"},{"field":"pAlive","op":"lt","value":0.{{s % 9 + 1}}}]}""",
            4 => $$$"""{"all":[{"field":"stage","op":"gte","value":"purchase"},{"not":{"field":"tag","op":"eq","value":"{{{tag}}}"}},{"purchased":{"category":"{{{category}}}","minCount":2}}]}""",
            _ => FiveConditions.Replace("\"Tea\"", $"\"{category}\"", StringComparison.Ordinal).Replace("coffee-lover", tag, StringComparison.Ordinal),
        };
    }

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static async Task Cleanup(RapportDbContext context, CancellationToken ct)
    {
        // Referencing segments are none here; members and events go with their segment (cascade).
        await context.Set<Segment>().Where(s => s.Name.StartsWith("bench ")).ExecuteDeleteAsync(ct);
    }

    private static async Task<List<(long Id, string Sku, decimal Price)>> ProductsAsync(RapportDatabase database, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<(long, string, double)>(new CommandDefinition("SELECT id, sku, price FROM products WHERE category IS NOT NULL AND price IS NOT NULL ORDER BY id", cancellationToken: ct)))
            .Select(p => (p.Item1, p.Item2, (decimal)p.Item3)).ToList();
    }

    private static async Task NewTransactionAsync(RapportDbContext context, long customerId, List<(long Id, string Sku, decimal Price)> products, Random random, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var lines = Enumerable.Range(1, random.Next(1, 3)).Select(n =>
        {
            var product = products[random.Next(products.Count)];
            return new Transactions.TransactionLine { CustomerId = customerId, LineNumber = n, ProductId = product.Id, Sku = product.Sku, Quantity = 1, UnitPrice = product.Price, Amount = product.Price };
        }).ToList();
        var total = lines.Sum(l => l.Amount);
        context.Add(new Transactions.Transaction { CustomerId = customerId, OccurredAt = now, Currency = "USD", Total = total, Source = "bench", CreatedAt = now, Lines = lines });
        await context.SaveChangesAsync(ct);
        context.ChangeTracker.Clear();
        await context.Set<Metrics.CustomerMetrics>().Where(m => m.CustomerId == customerId).ExecuteUpdateAsync(u => u
            .SetProperty(m => m.PurchaseCount, m => m.PurchaseCount + 1)
            .SetProperty(m => m.Revenue, m => m.Revenue + total)
            .SetProperty(m => m.LastPurchaseAt, now), ct);
    }

    private static double Cpu() => Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;

    private static async Task<double> TimeAsync(Func<Task> action)
    {
        var started = Stopwatch.GetTimestamp();
        await action();
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    private static async Task<long> ScalarAsync(RapportDatabase database, string sql, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(sql, cancellationToken: ct));
    }

    /// <summary>Customers spread over the id range (seeded), buyers and non-buyers alike.</summary>
    private static async Task<IEnumerable<long>> QueryIdsAsync(RapportDatabase database, long customerCount, int count, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        var max = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT MAX(id) FROM customers", cancellationToken: ct));
        var random = new Random(6);
        var ids = Enumerable.Range(0, count).Select(_ => 1 + (long)(random.NextDouble() * (max - 1))).ToList();
        _ = customerCount;
        return ids;
    }

    private static double Median(List<double> values) => Percentile(values, 0.5);

    private static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Floor(p * (sorted.Count - 1) + 0.5))];
    }
}
