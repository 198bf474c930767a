using Rapport.Analytics;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Data;
using Rapport.Demo;
using Rapport.Identity;
using Rapport.Metrics;

namespace Rapport.Bench;

internal sealed class DemoScenarioOptions
{
    public int Customers { get; set; } = 100_000;
    public int Runs { get; set; } = 3;
    public int Seed { get; set; } = DemoOptions.DefaultSeed;
    public string Provider { get; set; } = "sqlite";
    public bool Reference { get; set; } = true;
    public bool Keep { get; set; }
}

/// <param name="Cpu">CPU time (user + system, all threads) the generator used; unlike wall-clock time it hardly depends on other load.</param>
/// <param name="LoadAverage">The 1-minute load average when the run ended, to show how busy the machine was.</param>
internal sealed record DemoRun(int Number, DemoSummary Summary, long Rows, TimeSpan Cpu, TimeSpan? Reference, TimeSpan? ReferenceCpu, double LoadAverage)
{
    public double Seconds => Summary.Elapsed.TotalSeconds;
    public double Ratio => Reference is { } r ? Summary.Elapsed / r : double.NaN;
    public double CpuRatio => ReferenceCpu is { } r ? Cpu / r : double.NaN;
}

/// <summary>
/// <c>rapport demo --customers N</c> into fresh databases, several times, with the same generator and settings as the
/// CLI; each run also times a raw bulk load of exactly the rows it wrote (see <see cref="RawImport"/>).
/// </summary>
internal sealed class DemoScenario(DemoScenarioOptions options)
{
    public async Task RunAsync(CancellationToken ct)
    {
        Console.Error.WriteLine($"demo: {options.Customers:N0} customers, {options.Runs} run(s), {options.Provider}, seed {options.Seed}");
        var runs = new List<DemoRun>();
        for (var n = 1; n <= options.Runs; n++)
        {
            runs.Add(await RunOnceAsync(n, keep: options.Keep && n == options.Runs, ct));
            var r = runs[^1];
            Console.Error.WriteLine(
                $"run {n}: {r.Seconds:F1} s ({r.Cpu.TotalSeconds:F1} s CPU, load average {r.LoadAverage:F1}), {r.Rows / r.Seconds:N0} rows/s" +
                (r.Reference is { } reference ? $"; raw bulk load {reference.TotalSeconds:F1} s, ratio {r.Ratio:F2}" : ""));
        }

        Console.WriteLine(Report(runs));
    }

    private async Task<DemoRun> RunOnceAsync(int number, bool keep, CancellationToken ct)
    {
        await using var db = await BenchDatabase.CreateAsync(options.Provider, "demo", ct);
        DemoSummary summary;
        TimeSpan cpu;
        await using (var services = Services(db.Database))
        await using (var scope = services.CreateAsyncScope())
        {
            var generator = scope.ServiceProvider.GetRequiredService<DemoGenerator>();
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            summary = await generator.GenerateAsync(new DemoOptions(options.Customers, options.Seed), progress: null, ct);
            cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        }

        var load = BenchServices.LoadAverage();

        var rows = 0L;
        foreach (var table in RawImport.Tables)
        {
            rows += await db.CountAsync(table, ct);
        }

        if (rows != summary.Rows)
        {
            throw new InvalidOperationException($"The generator reported {summary.Rows:N0} rows but the database holds {rows:N0}.");
        }

        TimeSpan? reference = null, referenceCpu = null;
        if (options.Reference)
        {
            var folder = Path.Combine(BenchDatabase.Folder, $"csv-{Guid.NewGuid():N}");
            await RawImport.ExportAsync(db, folder, ct);
            await using var target = await BenchDatabase.CreateAsync(options.Provider, "ref", ct);
            (reference, referenceCpu) = await RawImport.ImportAsync(target, folder, ct);
            var imported = 0L;
            foreach (var table in RawImport.Tables)
            {
                imported += await target.CountAsync(table, ct);
            }

            if (imported != rows)
            {
                throw new InvalidOperationException($"The raw import loaded {imported:N0} rows instead of {rows:N0}.");
            }

            if (keep)
            {
                target.Keep();
                Console.Error.WriteLine($"kept: CSV files in {folder}; reference database {target.SqlitePath ?? target.PostgresName}");
            }
            else
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        if (keep)
        {
            db.Keep();
            Console.Error.WriteLine($"kept: demo database {db.SqlitePath ?? db.PostgresName}");
        }

        return new DemoRun(number, summary, rows, cpu, reference, referenceCpu, load);
    }

    private static ServiceProvider Services(RapportDatabase database) =>
        BenchServices.Build(database, (s, _) =>
        {
            s.AddIdentityFeature();
            s.AddCustomerMetrics();
            s.AddAnalytics();
            s.AddDemo();
        });

    private string Report(List<DemoRun> runs)
    {
        static string F(double value, string format = "N0") => double.IsNaN(value) ? "–" : value.ToString(format, CultureInfo.InvariantCulture);
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"### `rapport demo --customers {options.Customers:N0}` on {(options.Provider == "postgres" ? "PostgreSQL" : "SQLite")} ({runs.Count} run(s), seed {options.Seed})");
        s.AppendLine();
        s.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Machine.Describe()}; {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC.");
        s.AppendLine();
        s.AppendLine("| run | elapsed (s) | customers/s | transactions/s | lines/s | interactions/s | all rows/s | raw bulk load (s) | demo / raw | CPU demo (s) | CPU raw (s) | CPU demo / raw | load avg |");
        s.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in runs)
        {
            var t = r.Seconds;
            s.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Number} | {F(t, "F1")} | {F(r.Summary.Customers / t)} | {F(r.Summary.Transactions / t)} | {F(r.Summary.TransactionLines / t)} | {F(r.Summary.Interactions / t)} | {F(r.Rows / t)} | " +
                $"{F(r.Reference?.TotalSeconds ?? double.NaN, "F1")} | {F(r.Ratio, "F2")} | {F(r.Cpu.TotalSeconds, "F1")} | {F(r.ReferenceCpu?.TotalSeconds ?? double.NaN, "F1")} | {F(r.CpuRatio, "F2")} | {F(r.LoadAverage, "F1")} |");
        }

        var median = Median(runs.Select(r => r.Seconds));
        var medianRef = options.Reference ? Median(runs.Select(r => r.Reference!.Value.TotalSeconds)) : double.NaN;
        var medianRatio = options.Reference ? Median(runs.Select(r => r.Ratio)) : double.NaN;
        var medianCpu = Median(runs.Select(r => r.Cpu.TotalSeconds));
        var medianRefCpu = Median(runs.Select(r => r.ReferenceCpu?.TotalSeconds ?? double.NaN));
        var medianCpuRatio = Median(runs.Select(r => r.CpuRatio));
        var first = runs[0].Summary;
        s.AppendLine(CultureInfo.InvariantCulture,
            $"| **median** | **{F(median, "F1")}** | {F(first.Customers / median)} | {F(first.Transactions / median)} | {F(first.TransactionLines / median)} | {F(first.Interactions / median)} | **{F(runs[0].Rows / median)}** | " +
            $"{F(medianRef, "F1")} | **{F(medianRatio, "F2")}** | {F(medianCpu, "F1")} | {F(medianRefCpu, "F1")} | **{F(medianCpuRatio, "F2")}** | {F(Median(runs.Select(r => r.LoadAverage)), "F1")} |");
        s.AppendLine();
        s.AppendLine(CultureInfo.InvariantCulture,
            $"Rows per run: {first.Customers:N0} customers, {first.Companies:N0} companies, {first.Products:N0} products, {first.Transactions:N0} transactions, " +
            $"{first.TransactionLines:N0} lines, {first.Interactions:N0} interactions; {runs[0].Rows:N0} rows in all tables including tags, custom field values, external ids, users and metrics.");
        return s.ToString();
    }


    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        if (sorted.Any(double.IsNaN))
        {
            return double.NaN;
        }

        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}

internal static class Machine
{
    public static string Describe()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
        return string.Create(CultureInfo.InvariantCulture,
            $"{Environment.ProcessorCount} cores ({cpu ?? RuntimeInformation.ProcessArchitecture.ToString()}), {memory:F0} GB RAM, {RuntimeInformation.OSDescription}, .NET {Environment.Version}");
    }
}
