using Rapport.Analytics;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Data;
using Rapport.Ingestion;
using Rapport.Metrics;
using Rapport.Webhooks;

namespace Rapport.Bench;

/// <summary>
/// <c>Rapport.Bench ingest [--rows N] [--batch B] [--customers C] [--runs R] [--provider sqlite|postgres] [--seed S]</c>:
/// times <see cref="IngestionWriter.TransactionsAsync"/> alone (no CSV parsing) on generated orders, one database
/// transaction per batch as the import does. Orders have 1-3 lines over 200 catalogue products and belong to C customers
/// named by external id and email, so the first rows create customers and the rest find them. Order ids and dates
/// ascend as in an order history exported from a shop; customers come in random order.
/// </summary>
internal sealed class IngestScenario(IngestScenario.Options options)
{
    internal sealed class Options
    {
        public int Rows { get; set; } = 1_000_000;
        public int Batch { get; set; } = 10_000;
        public int Customers { get; set; } = 100_000;
        public int Runs { get; set; } = 3;
        public int Seed { get; set; } = 42;
        public string Provider { get; set; } = "sqlite";
    }

    private const string Usage = """
        Usage: Rapport.Bench ingest [--rows N] [--batch B] [--customers C] [--runs R] [--provider sqlite|postgres] [--seed S]

          Times the ingestion writer alone on N generated transactions (default 1000000) in calls of B rows (default 10000),
          over C distinct customers (default 100000), into a fresh database per run; R runs (default 3), median reported.
        """;

    private sealed record Run(int Number, double Seconds, double CpuSeconds, long Rows, long Customers, long Lines, double LoadBefore, double LoadAfter, long PeakWorkingSet);

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            try
            {
                switch (args[i])
                {
                    case "--rows": options.Rows = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--batch": options.Batch = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--customers": options.Customers = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--runs": options.Runs = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--seed": options.Seed = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--provider": options.Provider = Value(); break;
                    case "-h" or "--help": Console.WriteLine(Usage); return 0;
                    default: throw new ArgumentException($"unknown option {args[i]}.");
                }
            }
            catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                Console.Error.WriteLine(Usage);
                return 1;
            }
        }

        if (options.Provider is not ("sqlite" or "postgres") || options.Rows < 1 || options.Batch is < 1 or > 100_000 ||
            options.Customers < 1 || options.Runs is < 1 or > 50)
        {
            Console.Error.WriteLine("error: --provider is sqlite or postgres; --rows, --customers ≥ 1; --batch 1..100000; --runs 1..50.");
            return 1;
        }

        await new IngestScenario(options).RunAsync(CancellationToken.None);
        return 0;
    }

    private async Task RunAsync(CancellationToken ct)
    {
        var runs = new List<Run>();
        for (var run = 1; run <= options.Runs; run++)
        {
            runs.Add(await RunOnceAsync(run, ct));
            var r = runs[^1];
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"run {run}: {r.Rows:N0} transactions in {r.Seconds:F1} s = {r.Rows / r.Seconds:N0} rows/s"));
        }

        Console.WriteLine(Report(runs));
    }

    private async Task<Run> RunOnceAsync(int number, CancellationToken ct)
    {
        await using var db = await BenchDatabase.CreateAsync(options.Provider, "ingest", ct);
        await using var services = Services(db.Database);
        var random = new Random(options.Seed);
        var now = new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
        await using var connection = await db.Database.OpenConnectionAsync(ct);

        await using (var scope = services.CreateAsyncScope())
        {
            var writer = scope.ServiceProvider.GetRequiredService<IngestionWriter>();
            await using var tx = await connection.BeginTransactionAsync(ct);
            var products = Enumerable.Range(1, 200)
                .Select(p => new IncomingProduct { Sku = $"SKU-{p:D4}", Name = $"Product {p}", Price = 5m + p })
                .ToList();
            await writer.ProductsAsync(new IngestionContext(connection, tx, db.Database.Provider, "bench", now, null), products, ct);
            await tx.CommitAsync(ct);
        }

        var loadBefore = BenchServices.LoadAverage();
        var elapsed = TimeSpan.Zero;
        var cpu = TimeSpan.Zero;
        using var process = Process.GetCurrentProcess();
        long rows = 0;
        var batch = new List<IncomingTransaction>(options.Batch);
        while (rows < options.Rows)
        {
            batch.Clear();
            for (var i = 0; i < options.Batch && rows + i < options.Rows; i++)
            {
                batch.Add(Order(random, rows + i, now));
            }

            // Each call gets a fresh scope, as each import batch or API request does.
            await using var scope = services.CreateAsyncScope();
            var writer = scope.ServiceProvider.GetRequiredService<IngestionWriter>();
            process.Refresh();
            var cpuStarted = process.TotalProcessorTime;
            var started = Stopwatch.GetTimestamp();
            await using (var tx = await connection.BeginTransactionAsync(ct))
            {
                var results = await writer.TransactionsAsync(new IngestionContext(connection, tx, db.Database.Provider, "bench", now, null), batch, ct);
                await tx.CommitAsync(ct);
                if (results.FirstOrDefault(r => r.Outcome != IngestOutcome.Created) is { Reason: not null } odd)
                {
                    throw new InvalidOperationException($"A generated order was not created: {odd.Outcome} {odd.Reason}");
                }
            }

            elapsed += Stopwatch.GetElapsedTime(started);
            process.Refresh();
            cpu += process.TotalProcessorTime - cpuStarted;
            rows += batch.Count;
        }

        var loadAfter = BenchServices.LoadAverage();
        var stored = await db.CountAsync("transactions", ct);
        if (stored != options.Rows)
        {
            throw new InvalidOperationException($"The writer reported {options.Rows:N0} orders but the database holds {stored:N0}.");
        }

        return new Run(number, elapsed.TotalSeconds, cpu.TotalSeconds, rows, await db.CountAsync("customers", ct), await db.CountAsync("transaction_lines", ct),
            loadBefore, loadAfter, process.PeakWorkingSet64);
    }

    private IncomingTransaction Order(Random random, long index, DateTimeOffset now)
    {
        var customer = random.Next(options.Customers);
        var lines = new IncomingLine[random.Next(1, 4)];
        for (var l = 0; l < lines.Length; l++)
        {
            lines[l] = new IncomingLine($"SKU-{random.Next(1, 201):D4}", null, random.Next(1, 4), Math.Round((decimal)(random.NextDouble() * 200), 2));
        }

        return new IncomingTransaction
        {
            ExternalId = string.Create(CultureInfo.InvariantCulture, $"O{index:D8}"),
            Customer = new CustomerRef(string.Create(CultureInfo.InvariantCulture, $"C{customer:D7}"),
                string.Create(CultureInfo.InvariantCulture, $"c{customer}@example.com"), "First" + (customer % 997), "Last" + (customer % 1009)),
            // An order history export: order ids and dates ascending (three years up to now), customers in random order.
            OccurredAt = now.AddMinutes(-(3.0 * 365 * 24 * 60) * (options.Rows - index) / options.Rows),
            Currency = "USD",
            Lines = lines,
        };
    }

    private static ServiceProvider Services(RapportDatabase database) =>
        BenchServices.Build(database, (s, configuration) =>
        {
            s.AddCustomerMetrics();
            s.AddAnalytics();
            s.AddSingleton(WebhookOptions.From(configuration));
            s.AddSingleton<WebhookOutbox>();
            s.AddIngestion();
        });

    private string Report(List<Run> runs)
    {
        static string F(double value, string format = "N0") => value.ToString(format, CultureInfo.InvariantCulture);
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture,
            $"### Ingestion writer: {options.Rows:N0} transactions on {(options.Provider == "postgres" ? "PostgreSQL" : "SQLite")} in calls of {options.Batch:N0} ({runs.Count} run(s))");
        s.AppendLine();
        s.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Machine.Describe()}; {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC.");
        s.AppendLine();
        s.AppendLine("| run | writer time (s) | transactions/s | lines/s | CPU (s) | transactions per CPU-second | customers created | peak working set (MB) | load avg before → after |");
        s.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in runs)
        {
            s.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Number} | {F(r.Seconds, "F1")} | {F(r.Rows / r.Seconds)} | {F(r.Lines / r.Seconds)} | {F(r.CpuSeconds, "F1")} | {F(r.Rows / r.CpuSeconds)} | {F(r.Customers)} | {F(r.PeakWorkingSet / 1048576.0)} | {F(r.LoadBefore, "F2")} → {F(r.LoadAfter, "F2")} |");
        }

        var median = runs.Select(r => r.Seconds).Order().ElementAt(runs.Count / 2);
        if (runs.Count % 2 == 0)
        {
            median = (median + runs.Select(r => r.Seconds).Order().ElementAt((runs.Count / 2) - 1)) / 2;
        }

        var medianCpu = runs.Select(r => r.CpuSeconds).Order().ElementAt(runs.Count / 2);
        s.AppendLine(CultureInfo.InvariantCulture, $"| **median** | **{F(median, "F1")}** | **{F(runs[0].Rows / median)}** | {F(runs[0].Lines / median)} | {F(medianCpu, "F1")} | **{F(runs[0].Rows / medianCpu)}** | | | |");
        s.AppendLine();
        s.AppendLine(CultureInfo.InvariantCulture,
            $"Orders of 1-3 lines over 200 products in date order, {options.Customers:N0} customers named by external id and email (created by the first rows that name them), one database transaction per call, metrics refreshed, no message ids; time is the writer call plus its commit, not the generation of the items. CPU is this process's (all threads) over the same calls; the database server's CPU is not in it on PostgreSQL.");
        return s.ToString();
    }

}
