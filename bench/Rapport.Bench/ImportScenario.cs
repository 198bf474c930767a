using Rapport.Analytics;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Rapport.Data;
using Rapport.Imports;
using Rapport.Ingestion;
using Rapport.Metrics;
using Rapport.Webhooks;

namespace Rapport.Bench;

/// <summary>
/// <c>import [--rows N] [--runs R] [--provider sqlite|postgres] [--batch B] [--shuffled-dates] [--keep]</c>: writes a
/// shop-style transactions CSV (order id, customer id, email, billing name, date, currency, SKU, quantity, price; about
/// N/10 customers in random order, 1–3 lines per order; orders in order-id order with dates rising with the order id,
/// as a shop exports its order history, or with <c>--shuffled-dates</c> each order on a random date; not timed), then per run imports it into a fresh database through the real
/// <see cref="StartImport"/> and <see cref="ImportProcessor"/> (timed: check + every batch), and times the physical
/// reference in the same run: <c>sqlite3 .import --csv</c> (or <c>psql \copy</c>) of the same file into a bare table.
/// The process's working set is sampled every 50 ms; its peak is reported at 100,000 rows and at the end.
/// </summary>
internal static class ImportScenario
{
    private sealed record Run(int Number, TimeSpan Check, TimeSpan Import, TimeSpan Cpu, ImportDetail Result, TimeSpan Reference, long PeakAt100k, long PeakAtEnd, long HeapAtEnd, double LoadAverage)
    {
        public double RowsPerSecond => Result.Read / Import.TotalSeconds;
        public double Ratio => Import / Reference;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        int rows = 1_000_000, runs = 3, batch = ImportProcessor.DefaultBatchSize;
        var provider = "sqlite";
        var keep = false;
        var shuffled = false;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            try
            {
                switch (args[i])
                {
                    case "--rows": rows = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--runs": runs = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--batch": batch = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--provider": provider = Value(); break;
                    case "--keep": keep = true; break;
                    case "--shuffled-dates": shuffled = true; break;
                    default: throw new ArgumentException($"unknown option {args[i]}.");
                }
            }
            catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                Console.Error.WriteLine("Usage: Rapport.Bench import [--rows N] [--runs R] [--provider sqlite|postgres] [--batch B] [--shuffled-dates] [--keep]");
                return 1;
            }
        }

        if (provider is not ("sqlite" or "postgres") || rows < 1 || runs < 1 || batch < 1)
        {
            Console.Error.WriteLine("error: --provider is sqlite or postgres; --rows, --runs and --batch are positive.");
            return 1;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        var ct = cancel.Token;
        var file = Path.Combine(BenchDatabase.Folder, shuffled ? $"orders-{rows}-shuffled-dates.csv" : $"orders-{rows}-v2.csv");
        if (!File.Exists(file))
        {
            var written = Stopwatch.StartNew();
            Generate(file, rows, shuffled);
            Console.Error.WriteLine($"import: wrote {rows:N0} rows ({new FileInfo(file).Length / 1e6:F0} MB) to {file} in {written.Elapsed.TotalSeconds:F1} s");
        }

        Console.Error.WriteLine($"import: {rows:N0} transaction rows{(shuffled ? " (shuffled dates)" : "")}, {runs} run(s), {provider}, batches of {batch:N0}");
        var results = new List<Run>();
        for (var n = 1; n <= runs; n++)
        {
            var run = await RunOnceAsync(n, provider, file, rows, batch, keep && n == runs, ct);
            results.Add(run);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"run {n}: import {run.Import.TotalSeconds:F1} s ({run.RowsPerSecond:N0} rows/s, {run.Cpu.TotalSeconds:F1} s CPU; check {run.Check.TotalSeconds:F1} s), " +
                $"reference {run.Reference.TotalSeconds:F1} s, ratio {run.Ratio:F2}, peak working set {run.PeakAt100k / 1e6:F0} MB at 100,000 rows / {run.PeakAtEnd / 1e6:F0} MB at the end, load {run.LoadAverage:F1}"));
        }

        Console.WriteLine(Report(results, provider, rows, batch, shuffled));
        return 0;
    }

    /// <summary>
    /// Orders of 1–3 lines for about rows/10 customers, in order-id order. A shop numbers its orders as they come in, so
    /// the dates rise with the order id over three years; <paramref name="shuffled"/> gives each order a random date in
    /// those three years instead (a worst case: every order lands anywhere in the date index).
    /// </summary>
    private static void Generate(string path, int rows, bool shuffled)
    {
        var random = new Random(20260622);
        var customers = Math.Max(1, rows / 10);
        string[] first = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Margaret", "Linus", "Frances", "Ken", "Radia", "Niklaus"];
        string[] last = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Hamilton", "Torvalds", "Allen", "Thompson", "Perlman", "Wirth"];
        string[] currencies = ["EUR", "EUR", "EUR", "USD", "GBP"];
        var start = new DateTimeOffset(2023, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        writer.Write("Order ID,Customer ID,Email,Billing Name,Created at,Currency,Lineitem SKU,Lineitem quantity,Lineitem price\n");
        var written = 0;
        var order = 100_000;
        while (written < rows)
        {
            order++;
            var customer = random.Next(customers) + 1;
            var lines = Math.Min(rows - written, 1 + random.Next(3));
            var seconds = shuffled ? random.Next(3 * 365 * 24 * 3600) : (long)written * (3L * 365 * 24 * 3600) / rows;
            var at = start.AddSeconds(seconds).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            var currency = currencies[customer % currencies.Length];
            var name = $"{first[customer % first.Length]} {last[(customer / 7) % last.Length]}";
            for (var l = 0; l < lines; l++)
            {
                var sku = $"SKU-{random.Next(500):D4}";
                var price = (random.Next(100, 20000) / 100m).ToString("0.00", CultureInfo.InvariantCulture);
                writer.Write(string.Create(CultureInfo.InvariantCulture,
                    $"#{order},CUST-{customer:D6},customer{customer}@example.com,{name},{at},{currency},{sku},{1 + random.Next(4)},{price}\n"));
            }

            written += lines;
        }
    }

    private static async Task<Run> RunOnceAsync(int number, string provider, string file, int rows, int batch, bool keep, CancellationToken ct)
    {
        await using var db = await BenchDatabase.CreateAsync(provider, "import", ct);
        var dataDirectory = Path.Combine(BenchDatabase.Folder, $"import-data-{Guid.NewGuid():N}");
        await using var services = Services(db.Database, dataDirectory);
        GC.Collect();
        using var sampler = new MemorySampler();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var checkWatch = Stopwatch.StartNew();
        ImportDetail started;
        await using (var scope = services.CreateAsyncScope())
        {
            var stored = await scope.ServiceProvider.GetRequiredService<ImportFiles>().CopyAsync(file, ct);
            var result = await scope.ServiceProvider.GetRequiredService<StartImport>().HandleAsync(
                new StartImportRequest(ImportKind.Transactions, ImportFormat.Csv, Path.GetFileName(file), stored, new ImportOptions { Source = "shop" }, false, null) { RunNow = true }, ct);
            started = result.IsOk ? result.Value! : throw new InvalidOperationException(string.Join("; ", result.Errors.SelectMany(e => e.Value)));
        }

        var check = checkWatch.Elapsed;

        // Reading and mapping alone (no writes), to tell the CSV side from the database side.
        var readWatch = Stopwatch.StartNew();
        var readCpu = Process.GetCurrentProcess().TotalProcessorTime;
        await using (var scope = services.CreateAsyncScope())
        {
            var stored = (await scope.ServiceProvider.GetRequiredService<GetImport>().HandleAsync(started.Id, ct)).Value!;
            var options = ImportOptions.FromJson(await StoredOptionsAsync(db, started.Id, ct));
            await using var source = await scope.ServiceProvider.GetRequiredService<ImportSources>().OpenAsync(
                ImportKind.Transactions, ImportFormat.Csv, await StoredPathAsync(db, started.Id, ct), options, 0, 0, ct);
            var count = 0;
            await foreach (var row in source.ReadAsync(ct))
            {
                count += row.Item is null ? 0 : 1;
            }

            _ = stored;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"run {number}: reading and mapping alone {readWatch.Elapsed.TotalSeconds:F2} s ({(Process.GetCurrentProcess().TotalProcessorTime - readCpu).TotalSeconds:F2} s CPU) for {count:N0} mapped rows"));
        }

        cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var importWatch = Stopwatch.StartNew();
        await using (var scope = services.CreateAsyncScope())
        {
            var processor = scope.ServiceProvider.GetRequiredService<ImportProcessor>();
            processor.BatchSize = batch;
            var progress = new PeakAt(sampler, 100_000);
            var status = await processor.RunAsync(started.Id, progress, ct);
            if (status != ImportStatus.Completed)
            {
                throw new InvalidOperationException($"The import ended {status}.");
            }

            sampler.Sample();
            var elapsed = importWatch.Elapsed;
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            var detail = (await scope.ServiceProvider.GetRequiredService<GetImport>().HandleAsync(started.Id, ct)).Value!;
            if (detail.Read != rows || detail.Created + detail.Updated + detail.Merged + detail.Rejected != rows)
            {
                throw new InvalidOperationException($"The import accounted for {detail.Read:N0} of {rows:N0} rows.");
            }

            var load = BenchServices.LoadAverage();
            var heap = GC.GetGCMemoryInfo().HeapSizeBytes;
            var reference = await ReferenceAsync(provider, file, rows, ct);
            if (keep)
            {
                db.Keep();
                Console.Error.WriteLine($"kept: database {db.SqlitePath ?? db.PostgresName}");
            }
            else
            {
                Directory.Delete(dataDirectory, recursive: true);
            }

            return new Run(number, check, elapsed, cpu, detail, reference, progress.Peak ?? sampler.Peak, sampler.Peak, heap, load);
        }
    }

    private static async Task<string> StoredOptionsAsync(BenchDatabase db, long id, CancellationToken ct) => await ScalarAsync(db, "options", id, ct);

    private static async Task<string> StoredPathAsync(BenchDatabase db, long id, CancellationToken ct) => await ScalarAsync(db, "stored_path", id, ct);

    private static async Task<string> ScalarAsync(BenchDatabase db, string column, long id, CancellationToken ct)
    {
        await using var connection = await db.Database.OpenConnectionAsync(ct);
        await using var command = connection.CreateCommand();
        // The column is one of the two names above.
        command.CommandText = $"SELECT {column} FROM imports WHERE id = {id.ToString(CultureInfo.InvariantCulture)}";
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>The physical reference: the same file into a bare table of text columns by the database's own bulk loader.</summary>
    private static async Task<TimeSpan> ReferenceAsync(string provider, string file, int rows, CancellationToken ct)
    {
        await using var target = await BenchDatabase.CreateAsync(provider, "importref", ct);
        const string Columns = "order_id TEXT, customer_id TEXT, email TEXT, billing_name TEXT, created_at TEXT, currency TEXT, sku TEXT, quantity TEXT, price TEXT";
        var watch = Stopwatch.StartNew();
        if (provider == "postgres")
        {
            var cs = new NpgsqlConnectionStringBuilder(target.Database.ConnectionString);
            await using (var connection = new NpgsqlConnection(cs.ToString()))
            {
                await connection.OpenAsync(ct);
                await using var create = new NpgsqlCommand($"CREATE TABLE bare_orders ({Columns})", connection);
                await create.ExecuteNonQueryAsync(ct);
            }

            watch.Restart();
            await ProcessRunner.PsqlAsync(target, $"\\copy bare_orders FROM '{file}' WITH (FORMAT csv, HEADER true)\n", ct);
        }
        else
        {
            var script = $"PRAGMA synchronous=NORMAL;\nPRAGMA cache_size=-262144;\nCREATE TABLE bare_orders ({Columns});\n.import --csv --skip 1 {file} bare_orders\n";
            watch.Restart();
            await ProcessRunner.RunAsync("sqlite3", [target.SqlitePath!], script, ct);
        }

        var elapsed = watch.Elapsed;
        if (await target.CountAsync("bare_orders", ct) != rows)
        {
            throw new InvalidOperationException("The reference load did not load every row.");
        }

        return elapsed;
    }

    private static ServiceProvider Services(RapportDatabase database, string dataDirectory) =>
        BenchServices.Build(database, (s, configuration) =>
        {
            s.AddCustomerMetrics();
            s.AddAnalytics();
            s.AddSingleton(WebhookOptions.From(configuration));
            s.AddSingleton<WebhookOutbox>();
            s.AddIngestion();
            s.AddImports();
        }, dataDirectory, minimumLevel: LogLevel.Warning);

    private static string Report(List<Run> runs, string provider, int rows, int batch, bool shuffled)
    {
        static string F(double value, string format = "N0") => value.ToString(format, CultureInfo.InvariantCulture);
        static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToList();
            return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
        }

        var tool = provider == "postgres" ? "psql \\copy" : "sqlite3 .import";
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture,
            $"### CSV import: {rows:N0} transaction rows ({(shuffled ? "orders on random dates" : "dates rising with the order id")}) into {(provider == "postgres" ? "PostgreSQL" : "SQLite")}, batches of {batch:N0} ({runs.Count} run(s))");
        s.AppendLine();
        s.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Machine.Describe()}; {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC.");
        s.AppendLine();
        s.AppendLine(CultureInfo.InvariantCulture, $"| run | import s | rows/s | CPU s | check s | {tool} s | ratio | created | rejected | peak MB @100k | peak MB @end | heap MB @end | load |");
        s.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in runs)
        {
            s.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Number} | {F(r.Import.TotalSeconds, "F1")} | {F(r.RowsPerSecond)} | {F(r.Cpu.TotalSeconds, "F1")} | {F(r.Check.TotalSeconds, "F1")} | {F(r.Reference.TotalSeconds, "F1")} | {F(r.Ratio, "F2")} | " +
                $"{F(r.Result.Created)} | {F(r.Result.Rejected)} | {F(r.PeakAt100k / 1e6)} | {F(r.PeakAtEnd / 1e6)} | {F(r.HeapAtEnd / 1e6)} | {F(r.LoadAverage, "F1")} |");
        }

        s.AppendLine(CultureInfo.InvariantCulture,
            $"| **median** | {F(Median(runs.Select(r => r.Import.TotalSeconds)), "F1")} | **{F(Median(runs.Select(r => r.RowsPerSecond)))}** | {F(Median(runs.Select(r => r.Cpu.TotalSeconds)), "F1")} | " +
            $"{F(Median(runs.Select(r => r.Check.TotalSeconds)), "F1")} | {F(Median(runs.Select(r => r.Reference.TotalSeconds)), "F1")} | **{F(Median(runs.Select(r => r.Ratio)), "F2")}** | | | " +
            $"{F(Median(runs.Select(r => (double)r.PeakAt100k)) / 1e6)} | {F(Median(runs.Select(r => (double)r.PeakAtEnd)) / 1e6)} | {F(Median(runs.Select(r => (double)r.HeapAtEnd)) / 1e6)} | {F(Median(runs.Select(r => r.LoadAverage)), "F1")} |");
        return s.ToString();
    }


    /// <summary>Samples the process's working set every 50 ms and keeps the highest value seen.</summary>
    private sealed class MemorySampler : IDisposable
    {
        private readonly Timer _timer;
        private long _peak;

        public MemorySampler() => _timer = new Timer(_ => Sample(), null, 0, 50);

        public long Peak => Interlocked.Read(ref _peak);

        public void Sample()
        {
            using var process = Process.GetCurrentProcess();
            var current = process.WorkingSet64;
            long seen;
            while (current > (seen = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, current, seen) != seen)
            {
            }
        }

        public void Dispose() => _timer.Dispose();
    }

    /// <summary>Records the peak working set when the import passes a row count.</summary>
    private sealed class PeakAt(MemorySampler sampler, long rows) : IProgress<ImportProgress>
    {
        public long? Peak { get; private set; }

        public void Report(ImportProgress value)
        {
            if (Peak is null && value.Read >= rows)
            {
                sampler.Sample();
                Peak = sampler.Peak;
            }
        }
    }
}
