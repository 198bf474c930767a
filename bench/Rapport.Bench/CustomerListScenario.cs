using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Rapport.Analytics;
using Rapport.Customers;
using Rapport.Data;
using Rapport.Plan;

namespace Rapport.Bench;

/// <summary>
/// <c>customerlist --db PATH|NAME [--provider sqlite|postgres] [--runs R]</c>: on an existing (demo) database, kept and
/// migrated, the customer list's first page and second page (<see cref="SearchCustomers"/>) with the filters of issue 6
/// part 5 — stage, stage and RFM segment, owner, a small and a large segment — next to the unfiltered list (the
/// reference: what the list cost before the filters), and the whole CRM plan (<see cref="GetPlan"/>, whose stage counts
/// are a GROUP BY over every customer). Setup, not timed: when every customer is still in Prospecting (no stage engine
/// run), stages are spread by purchase count so that the filters have realistic sizes; two segments (500 members and
/// every fifth customer) are written once.
/// </summary>
internal static class CustomerListScenario
{
    public static async Task<int> RunAsync(string[] args)
    {
        string? location = null;
        var provider = "sqlite";
        var runs = 7;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--db": location = Value(); break;
                case "--provider": provider = Value(); break;
                case "--runs": runs = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"Unknown option {args[i]}.");
            }
        }

        var ct = CancellationToken.None;
        await using var db = await BenchDatabase.OpenAsync(provider, location ?? throw new ArgumentException("--db is required."), ct);
        await using var services = BenchServices.Build(db.Database, (s, _) =>
        {
            s.AddSingleton(TimeProvider.System);
            s.AddAnalytics();
            s.AddCustomers();
            s.AddPlan();
        }, minimumLevel: LogLevel.Warning);

        var (small, large, owner) = await SetUpAsync(services, ct);
        long customers;
        await using (var scope = services.CreateAsyncScope())
        {
            customers = await scope.ServiceProvider.GetRequiredService<RapportDbContext>().Customers.LongCountAsync(ct);
        }

        var cases = new (string Name, SearchCustomersRequest Request)[]
        {
            ("no filter, by name (reference)", new()),
            ("stage connection, by name", new(Stage: "connection")),
            ("stage loyalty + RFM champions, by name", new(Stage: "loyalty", RfmSegment: "champions")),
            ("stage purchase, by revenue desc", new(Stage: "purchase", Sort: "-revenue")),
            ("owner (the first user)", new(OwnerId: owner)),
            ("segment of 500", new(SegmentId: small)),
            ("segment of every 5th, by name", new(SegmentId: large)),
            ("segment of every 5th + stage connection, newest first", new(SegmentId: large, Stage: "connection", Sort: "-createdAt")),
            ("RFM at_risk, by last purchase desc", new(RfmSegment: "at_risk", Sort: "-lastPurchase")),
        };

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"customerlist, {provider}, {customers:N0} customers, 50 rows a page, {runs} runs each after a warm-up, load {BenchServices.LoadAverage():F1}");
        report.AppendLine("| case | page 1 median ms | page 1 min ms | page 2 median ms | rows on page 1 |");
        report.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var (name, request) in cases)
        {
            var first = new List<double>();
            var second = new List<double>();
            var rows = 0;
            for (var n = 0; n <= runs; n++)
            {
                await using var scope = services.CreateAsyncScope();
                var search = scope.ServiceProvider.GetRequiredService<SearchCustomers>();
                var started = Stopwatch.GetTimestamp();
                var page = await search.HandleAsync(request with { Limit = 50 }, ct);
                var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (!page.IsOk)
                {
                    throw new InvalidOperationException($"{name}: {string.Join(" ", page.Errors.SelectMany(e => e.Value))}");
                }

                rows = page.Value!.Items.Count;
                double? nextMs = null;
                if (page.Value.Next is { } next)
                {
                    started = Stopwatch.GetTimestamp();
                    (await search.HandleAsync(request with { Limit = 50, After = next }, ct)).IsOk.ToString();
                    nextMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                }

                if (n > 0)
                {
                    first.Add(ms);
                    if (nextMs is { } m)
                    {
                        second.Add(m);
                    }
                }
            }

            Console.Error.WriteLine($"{name}: page 1 median {Median(first):F1} ms, page 2 {(second.Count > 0 ? Median(second).ToString("F1", CultureInfo.InvariantCulture) : "—")} ms, {rows} rows");
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {name} | {Median(first):F1} | {first.Min():F1} | {(second.Count > 0 ? Median(second).ToString("F1", CultureInfo.InvariantCulture) : "—")} | {rows} |");
        }

        var plan = new List<double>();
        for (var n = 0; n <= runs; n++)
        {
            await using var scope = services.CreateAsyncScope();
            var started = Stopwatch.GetTimestamp();
            await scope.ServiceProvider.GetRequiredService<GetPlan>().HandleAsync(ct);
            if (n > 0)
            {
                plan.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        report.AppendLine(CultureInfo.InvariantCulture, $"| GET plan (stage counts over every customer, KPI report) | {Median(plan):F1} | {plan.Min():F1} | — | — |");
        Console.WriteLine(report.ToString());
        return 0;
    }

    private static async Task<(long Small, long Large, long Owner)> SetUpAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RapportDbContext>();
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));
        if (!await db.CustomerMetrics.AnyAsync(m => m.Stage != Stages.Stage.Prospecting, ct))
        {
            // Spread stages as the stage engine roughly would: no purchase → prospecting or consideration, one → purchase,
            // two or three → connection, more → loyalty.
            await db.Database.ExecuteSqlRawAsync(
                "UPDATE customer_metrics SET stage = CASE WHEN purchase_count = 0 THEN (CASE WHEN interaction_count > 0 THEN 1 ELSE 0 END) " +
                "WHEN purchase_count = 1 THEN 2 WHEN purchase_count <= 3 THEN 3 ELSE 4 END", ct);
        }

        var small = await SegmentAsync(db, "bench: 500 customers", 500, "customer_id % 2000 = 7", ct);
        var large = await SegmentAsync(db, "bench: every 5th customer", 0, "customer_id % 5 = 0", ct);
        var owner = await db.Users.OrderBy(u => u.Id).Select(u => (long?)u.Id).FirstOrDefaultAsync(ct);
        if (owner is null)
        {
            throw new InvalidOperationException("The database has no user to own customers.");
        }

        if (!await db.Customers.AnyAsync(c => c.OwnerId == owner, ct))
        {
            await db.Database.ExecuteSqlAsync($"UPDATE customers SET owner_id = {owner.Value} WHERE id % 3000 = 11", ct);
        }

        return (small, large, owner.Value);
    }

    private static async Task<long> SegmentAsync(RapportDbContext db, string name, int limit, string where, CancellationToken ct)
    {
        if (await db.Set<Segments.Segment>().Where(s => s.Name == name).Select(s => (long?)s.Id).SingleOrDefaultAsync(ct) is { } existing)
        {
            return existing;
        }

        var now = DateTimeOffset.UtcNow;
        var segment = db.Set<Segments.Segment>().Add(new Segments.Segment { Name = name, Kind = Segments.SegmentKind.Static, CreatedAt = now, UpdatedAt = now }).Entity;
        await db.SaveChangesAsync(ct);
        var added = DbValues.Instant(db, now);
        // The condition is the scenario's own constant; the ids are parameters.
        var sql = "INSERT INTO segment_members (segment_id, customer_id, added_at) SELECT {0}, customer_id, {1} FROM customer_metrics WHERE " + where
            + (limit > 0 ? " LIMIT " + limit.ToString(CultureInfo.InvariantCulture) : "");
        var count = await db.Database.ExecuteSqlRawAsync(sql, [segment.Id, added], ct);
        segment.MemberCount = count;
        await db.SaveChangesAsync(ct);
        return segment.Id;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
