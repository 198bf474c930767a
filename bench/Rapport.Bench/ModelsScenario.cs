using System.Diagnostics;
using System.Globalization;
using Rapport.Analytics.Models;

namespace Rapport.Bench;

/// <summary>
/// <c>models [--runs N] [--warmup W] [--data DIR] [--source summary|raw]</c>: the purchase and spend model fits of
/// issue 4 on the CDNOW sample (2,357 customers): BG/NBD, Pareto/NBD and Gamma-Gamma (on the repeat buyers), each
/// warmed up and then timed N times, as the product calls them (compression of the rows, the search from its starts,
/// standard errors). Prints the median, p10 and p90 of each fit, the fitted parameters and log-likelihood (to show
/// the fit is the published one), one <c>fit NAME median_ms=…</c> line per fit for scripts, and a markdown table.
/// </summary>
/// <remarks>
/// <c>--source summary</c> (the default) fits <c>cdnow_customers_summary_with_transactions.csv</c>, the 2-decimal
/// summary the reference script (<c>bench/models-reference.py</c>) fits too, so both fit the same numbers;
/// <c>--source raw</c> fits the summary the product builds from <c>CDNOW_sample.txt</c> (calibration to 1997-09-30).
/// Either way both summaries are built and compared first.
/// </remarks>
internal static class ModelsScenario
{
    private const string Usage = "Usage: Rapport.Bench models [--runs N] [--warmup W] [--data DIR] [--source summary|raw]";
    private static readonly DateOnly CalibrationEnd = new(1997, 9, 30);

    public static int Run(string[] args)
    {
        int runs = 50, warmup = 5;
        var data = Path.Combine("..", "shared", "data", "clv");
        var source = "summary";
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            try
            {
                switch (args[i])
                {
                    case "--runs": runs = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--warmup": warmup = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--data": data = Value(); break;
                    case "--source": source = Value(); break;
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

        if (runs is < 1 or > 10_000 || warmup is < 0 or > 10_000 || source is not ("summary" or "raw"))
        {
            Console.Error.WriteLine("error: --runs 1..10000, --warmup 0..10000, --source summary or raw.");
            return 1;
        }

        var samplePath = Path.Combine(data, "CDNOW_sample.txt");
        var summaryPath = Path.Combine(data, "cdnow_customers_summary_with_transactions.csv");
        if (!File.Exists(samplePath) || !File.Exists(summaryPath))
        {
            Console.Error.WriteLine($"error: {samplePath} and {summaryPath} are needed (give the folder with --data).");
            return 1;
        }

        var built = RepeatSummaryBuilder.Build(ReadSample(samplePath), new RepeatSummaryOptions(CalibrationEnd)).Rows;
        var published = ReadSummary(summaryPath);
        Compare(built, published);
        var customers = source == "raw" ? built : published;
        var repeatBuyers = customers.Count(c => c.Frequency > 0 && c.MonetaryValue > 0);
        Console.WriteLine($"models: {customers.Count:N0} customers ({source}), {repeatBuyers:N0} repeat buyers; " +
            $"{warmup} warm-up and {runs} timed runs of each fit; {Environment.ProcessorCount} cores; load average {BenchServices.LoadAverage():F2}.");

        (string Name, string Model, Func<Fitted> Fit)[] fits =
        [
            ("bgnbd", "BG/NBD", () => Fitted.Of(BgNbd.Fit(customers))),
            ("paretonbd", "Pareto/NBD", () => Fitted.Of(ParetoNbd.Fit(customers))),
            ("gammagamma", "Gamma-Gamma", () => Fitted.Of(GammaGamma.Fit(customers))),
        ];

        var results = new List<(string Model, Timing Timing, Fitted Fit)>();
        foreach (var (name, model, fit) in fits)
        {
            var last = fit();
            for (var i = 1; i < warmup; i++)
            {
                last = fit();
            }

            var times = new double[runs];
            long allocated = 0;
            for (var i = 0; i < runs; i++)
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                var watch = Stopwatch.StartNew();
                last = fit();
                times[i] = watch.Elapsed.TotalMilliseconds;
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            }

            var timing = Timing.Of(times, allocated);
            results.Add((model, timing, last));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"fit {name} median_ms={timing.Median:F3} p10_ms={timing.P10:F3} p90_ms={timing.P90:F3} min_ms={timing.Min:F3} runs={runs} " +
                $"iterations={last.Iterations} converged={last.Converged} loglik={last.LogLikelihood:F4} params={last.ParameterText} " +
                $"allocated_kib={allocated / 1024.0:F0}"));
        }

        Console.WriteLine();
        Console.WriteLine($"| fit | median | p10 | p90 | parameters | log-likelihood | iterations | allocated per fit |");
        Console.WriteLine("|---|---:|---:|---:|---|---:|---:|---:|");
        foreach (var (model, timing, fit) in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {model} | {timing.Median:F2} ms | {timing.P10:F2} ms | {timing.P90:F2} ms | {fit.ParameterText.Replace(",", ", ", StringComparison.Ordinal)} | " +
                $"{fit.LogLikelihood:F2} | {fit.Iterations} | {timing.Allocated / 1024.0:N0} KiB |"));
        }

        Console.WriteLine();
        Console.WriteLine($"load average {BenchServices.LoadAverage():F2} at the end.");
        return 0;
    }

    /// <summary>CDNOW_sample.txt: master_id, sample_id, yyyymmdd, CDs, dollars; the customer is the sample id (1..2357).</summary>
    private static IEnumerable<Purchase<int>> ReadSample(string path) =>
        File.ReadLines(path)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Where(cells => cells.Length == 5)
            .Select(cells => new Purchase<int>(
                int.Parse(cells[1], CultureInfo.InvariantCulture),
                DateOnly.ParseExact(cells[2], "yyyyMMdd", CultureInfo.InvariantCulture),
                decimal.Parse(cells[4], CultureInfo.InvariantCulture)));

    /// <summary>cdnow_customers_summary_with_transactions.csv: ID, x, t_x, T, zbar, in customer order.</summary>
    private static List<RepeatSummary> ReadSummary(string path) =>
        [.. File.ReadLines(path).Skip(1)
            .Select(line => line.Split(','))
            .Where(cells => cells.Length == 5)
            .Select(c => new RepeatSummary(
                int.Parse(c[1], CultureInfo.InvariantCulture),
                double.Parse(c[2], CultureInfo.InvariantCulture),
                double.Parse(c[3], CultureInfo.InvariantCulture),
                double.Parse(c[4], CultureInfo.InvariantCulture)))];

    /// <summary>The summary built from the raw sample against the published file, customer by customer (both in id order).</summary>
    private static void Compare(IReadOnlyList<RepeatSummary> built, List<RepeatSummary> published)
    {
        if (built.Count != published.Count)
        {
            Console.WriteLine($"summary check: built {built.Count:N0} customers, the file has {published.Count:N0}.");
            return;
        }

        var frequencyDifferences = 0;
        double time = 0, spend = 0;
        for (var i = 0; i < built.Count; i++)
        {
            frequencyDifferences += built[i].Frequency != published[i].Frequency ? 1 : 0;
            time = Math.Max(time, Math.Max(Math.Abs(built[i].Recency - published[i].Recency), Math.Abs(built[i].Age - published[i].Age)));
            spend = Math.Max(spend, Math.Abs(built[i].MonetaryValue - published[i].MonetaryValue));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"summary check: built from CDNOW_sample.txt (calibration to {CalibrationEnd:yyyy-MM-dd}) against the published file: " +
            $"{built.Count:N0} customers, Σx {built.Sum(c => c.Frequency):N0} / {published.Sum(c => c.Frequency):N0}, " +
            $"{frequencyDifferences} frequencies differ, largest difference in t_x or T {time:F4} weeks, in mean spend {spend:F4}."));
    }

    private sealed record Fitted(IReadOnlyDictionary<string, double> Parameters, double LogLikelihood, int Iterations, bool Converged)
    {
        public string ParameterText => string.Join(",", Parameters.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}={p.Value:F4}")));

        public static Fitted Of(PurchaseModelFit fit) => new(fit.Parameters, fit.LogLikelihood, fit.Iterations, fit.Converged);

        public static Fitted Of(GammaGammaFit fit) => new(fit.Parameters, fit.LogLikelihood, fit.Iterations, fit.Converged);
    }

    private sealed record Timing(double Median, double P10, double P90, double Min, long Allocated)
    {
        public static Timing Of(double[] milliseconds, long allocated)
        {
            var sorted = milliseconds.Order().ToArray();
            return new Timing(Percentile(sorted, 0.5), Percentile(sorted, 0.1), Percentile(sorted, 0.9), sorted[0], allocated);
        }

        /// <summary>Linear interpolation between closest ranks (numpy's default), so the Python reference reports the same statistic.</summary>
        private static double Percentile(double[] sorted, double q)
        {
            var position = q * (sorted.Length - 1);
            var below = (int)Math.Floor(position);
            var above = Math.Min(below + 1, sorted.Length - 1);
            return sorted[below] + ((position - below) * (sorted[above] - sorted[below]));
        }
    }
}
