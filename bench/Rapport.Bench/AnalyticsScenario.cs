using System.Diagnostics;
using System.Globalization;
using Rapport.Analytics;

namespace Rapport.Bench;

/// <summary>
/// <c>analytics [--customers N] [--purchases P] [--runs R] [--seed S] [--unsorted]</c>: the in-memory analytics of the
/// bulk recompute (RFM, Pareto, top customers, heavy users, cohorts, KPIs) over generated arrays, as the pipeline
/// hands them over after reading every customer's transactions once. Reports the median time and the bytes each step
/// allocates, and the process's peak working set (inputs included). <c>--unsorted</c> shuffles the purchase rows first,
/// which forces the grouping paths a pipeline reading customer by customer never takes.
/// </summary>
internal static class AnalyticsScenario
{
    private const string Usage = "Usage: Rapport.Bench analytics [--customers N] [--purchases P] [--runs R] [--seed S] [--unsorted]";
    private const int Days = 3 * 365;
    private const int Categories = 40;

    public static int Run(string[] args)
    {
        int customers = 1_000_000, purchases = 10_000_000, runs = 3, seed = 42;
        var unsorted = false;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            try
            {
                switch (args[i])
                {
                    case "--customers": customers = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--purchases": purchases = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--runs": runs = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--seed": seed = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--unsorted": unsorted = true; break;
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

        if (customers < 1 || purchases < customers || runs is < 1 or > 20)
        {
            Console.Error.WriteLine("error: --customers ≥ 1, --purchases ≥ customers, --runs 1..20.");
            return 1;
        }

        Console.Error.WriteLine($"analytics: generating {customers:N0} customers and about {purchases:N0} purchases (seed {seed})…");
        var data = Generate(customers, purchases, seed);
        if (unsorted)
        {
            new Random(seed).Shuffle(data.Purchases);
            new Random(seed + 1).Shuffle(data.Lines);
        }

        var lastMonth = CalendarMonth.Of(data.LastDay);
        var firstMonth = lastMonth.AddMonths(-35);
        CohortAnalysis? cohorts = null;
        ParetoAnalysis? pareto = null;
        (string Step, Action Body)[] steps =
        [
            ("RFM scores and segments", () => Rfm.Score(data.Rfm, data.Window)),
            ("Pareto analysis", () => pareto = Pareto.Analyse(data.Values)),
            ("Top 1,000 customers", () => Pareto.Top(data.Values, 1_000)),
            ("Heavy users per category", () => HeavyUsers.Find(data.Lines, Categories)),
            ("Cohorts, 36 months", () => cohorts = Cohorts.Analyse(data.Purchases, firstMonth, lastMonth)),
            ("KPIs, 36 months", () =>
            {
                foreach (var period in cohorts!.Periods)
                {
                    KpiRegistry.Standard.Evaluate(KpiInput.From(period, pareto!.Top20PercentValueShare), [new KpiTarget("churn_rate", 0.5m)]);
                }
            }),
        ];

        Console.WriteLine($"| step | median of {runs} | allocated |");
        Console.WriteLine("|---|---:|---:|");
        var total = TimeSpan.Zero;
        foreach (var (step, body) in steps)
        {
            var times = new List<TimeSpan>();
            long allocated = 0;
            for (var run = 0; run < runs; run++)
            {
                GC.Collect();
                var before = GC.GetTotalAllocatedBytes(precise: true);
                var watch = Stopwatch.StartNew();
                body();
                times.Add(watch.Elapsed);
                allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            }

            times.Sort();
            total += times[runs / 2];
            Console.WriteLine($"| {step} | {times[runs / 2].TotalSeconds:F3} s | {allocated / 1048576.0:N0} MiB |");
        }

        Console.WriteLine($"| **all steps** | **{total.TotalSeconds:F3} s** | |");
        Console.WriteLine();
        Console.WriteLine($"{customers:N0} customers, {data.Purchases.Length:N0} purchases{(unsorted ? " (shuffled)" : "")}; " +
            $"inputs {data.Bytes / 1048576.0:N0} MiB; peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:N0} MiB; " +
            $"load average {BenchServices.LoadAverage():F1}; {Environment.ProcessorCount} cores.");
        return 0;
    }

    private sealed record Data(
        DateOnly LastDay, RfmWindow Window, RfmInput[] Rfm, CustomerValue[] Values, CustomerPurchase[] Purchases, CategoryVolume[] Lines)
    {
        public long Bytes => (Rfm.Length * 32L) + (Values.Length * 24L) + (Purchases.Length * 32L) + (Lines.Length * 32L);
    }

    /// <summary>
    /// Customers join on a uniform day of three years and buy 1 + an exponential number of times (mean as asked) on
    /// uniform later days, log-normal amounts, categories skewed towards the first ones. Rows come customer by customer.
    /// </summary>
    private static Data Generate(int customers, int purchases, int seed)
    {
        var random = new Random(seed);
        var lastDay = new DateOnly(2025, 12, 31);
        var firstDay = lastDay.AddDays(1 - Days);
        var window = new RfmWindow(lastDay, 365);
        var extraPerCustomer = (double)purchases / customers - 1;

        var counts = new int[customers];
        long rows = 0;
        for (var c = 0; c < customers; c++)
        {
            counts[c] = 1 + (int)(-Math.Log(1 - random.NextDouble()) * extraPerCustomer);
            rows += counts[c];
        }

        var bought = new CustomerPurchase[rows];
        var lines = new CategoryVolume[rows];
        var rfm = new RfmInput[customers];
        var values = new CustomerValue[customers];
        var row = 0;
        for (var c = 0; c < customers; c++)
        {
            long id = c + 1;
            var joined = random.Next(Days);
            int inWindow = 0, lastInWindow = -1;
            var revenue = 0m;
            for (var k = 0; k < counts[c]; k++)
            {
                var day = joined + random.Next(Days - joined);
                var amount = Math.Round((decimal)Math.Exp(3 + random.NextDouble() * 1.5 + random.NextDouble()), 2);
                var date = firstDay.AddDays(day);
                bought[row] = new CustomerPurchase(id, CalendarMonth.Of(date), amount);
                lines[row] = new CategoryVolume(id, (int)(Categories * Math.Pow(random.NextDouble(), 2)), 1 + random.Next(3));
                row++;
                if (window.Contains(date))
                {
                    inWindow++;
                    revenue += amount;
                    lastInWindow = Math.Max(lastInWindow, date.DayNumber);
                }
            }

            var recency = inWindow > 0 ? lastDay.DayNumber - lastInWindow : 0;
            rfm[c] = new RfmInput(id, recency, inWindow, revenue);
            values[c] = new CustomerValue(id, revenue);
        }

        return new Data(lastDay, window, rfm, values, bought, lines);
    }
}
