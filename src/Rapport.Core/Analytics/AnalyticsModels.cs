using System.Diagnostics;
using System.Runtime.InteropServices;
using Rapport.Analytics.Models;

namespace Rapport.Analytics;

/// <summary>One customer's predictions; every value finite, or null when no model could say it.</summary>
internal readonly record struct Prediction(double? PAlive, double? ExpectedPurchases, decimal? ExpectedSpend, decimal? PredictedRevenue, decimal? Clv);

/// <summary>
/// The purchase and spend models of a run: fitted on every included customer up to the as-of day (for predictions),
/// and once more on a calibration period followed by a holdout (to show how well the model predicts here).
/// </summary>
internal sealed class AnalyticsModels
{
    private AnalyticsModels(IPurchaseModel? purchase, GammaGammaModel? spend, ModelSection? section) =>
        (Purchase, Spend, Section) = (purchase, spend, section);

    public IPurchaseModel? Purchase { get; }
    public GammaGammaModel? Spend { get; }

    /// <summary>What the run stores about its fits (null for models rebuilt from a stored run).</summary>
    public ModelSection? Section { get; }

    /// <summary>Models rebuilt from a stored run, to predict for one customer.</summary>
    public static AnalyticsModels FromStored(IPurchaseModel? purchase, GammaGammaModel? spend) => new(purchase, spend, null);

    /// <summary>Weeks in a month, as the CLV of the models counts them.</summary>
    public static double HorizonWeeks(AnalyticsSettings settings) => settings.HorizonMonths * ClvOptions.WeeksPerMonth;

    public static async Task<AnalyticsModels> FitAsync(CustomerFacts customers, PurchaseHistory history, DateOnly asOf, AnalyticsSettings settings, CancellationToken ct)
    {
        var problems = new List<StoredWarning>();
        var (summaries, _) = customers.IncludedSummaries();
        if (customers.FutureTransactions > 0)
        {
            problems.Add(new StoredWarning(ModelWarning.FutureTransactions,
                $"{customers.FutureTransactions:N0} transactions are dated after {asOf:yyyy-MM-dd} and were left out."));
        }

        // The three fits are independent and each runs on one core: they run side by side. Each keeps its own
        // warnings, gathered in the same order as when they ran one after the other.
        var purchaseProblems = new List<StoredWarning>();
        var spendProblems = new List<StoredWarning>();
        var fitting = Task.Run(() => Timed(() => FitPurchase(summaries, settings, purchaseProblems, ct)), ct);
        var spending = Task.Run(() => Timed(() => FitSpend(summaries, spendProblems, ct)), ct);
        var checking = Task.Run(() => HoldoutCheckOf(history, asOf, settings, ct), ct);
        await Task.WhenAll(fitting, spending, checking);
        var (purchase, purchaseMs) = await fitting;
        var (spend, spendMs) = await spending;
        var check = await checking;
        problems.AddRange(purchaseProblems);
        problems.AddRange(spendProblems);
        var section = new ModelSection(
            purchase is null ? null : Store(purchase, purchaseMs),
            spend is null ? null : Store(spend, spendMs),
            check,
            problems,
            HorizonWeeks(settings));
        return new AnalyticsModels(purchase?.Fitted, spend?.Fitted, section);
    }

    /// <summary>
    /// Each included customer's predictions (index-aligned with the history), computed on every core. The purchase
    /// model's answers are computed once per distinct history (x, t_x, T) and shared by the customers who have it.
    /// </summary>
    public Prediction[] Predict(CustomerFacts customers, AnalyticsSettings settings)
    {
        var predictions = new Prediction[customers.Count];
        var horizon = HorizonWeeks(settings);
        var options = new ClvOptions(settings.HorizonMonths, settings.MonthlyDiscountRate, settings.Margin, ClvOptions.WeeksPerMonth);
        var groups = HistoryGroups.Of(customers.Summaries, customers.Included);
        var spend = Spend;
        Parallel.For(0, groups.Count, g =>
        {
            int from = groups.Starts[g], to = groups.Starts[g + 1];
            var first = customers.Summaries[groups.Members[from]];
            var purchase = Purchase is null ? null : new HistoryGroups.Answering(Purchase, options, new RepeatSummary(first.Frequency, first.Recency, first.Age));
            for (var m = from; m < to; m++)
            {
                var i = groups.Members[m];
                var s = customers.Summaries[i];
                double? expectedSpend = spend is not null
                    ? Finite(spend.ConditionalExpectedAverageSpend(s.Frequency, s.MonetaryValue))
                    : OwnAverage(customers, i);
                if (purchase is null)
                {
                    predictions[i] = new Prediction(null, null, ToMoney(expectedSpend), null, null);
                    continue;
                }

                var pAlive = Finite(purchase.ProbabilityAlive(s));
                var expected = Finite(purchase.ConditionalExpectedPurchases(horizon, s));
                decimal? revenue = expected is { } e && expectedSpend is { } spent ? ToMoney(e * spent) : null;
                decimal? clv = expectedSpend is { } spendValue ? ToMoney(CustomerLifetimeValue.Compute(purchase, s, spendValue, options)) : null;
                predictions[i] = new Prediction(pAlive, expected, ToMoney(expectedSpend), revenue, clv);
            }
        });

        return predictions;
    }

    /// <summary>Without a spend model (no repeat buyers with a positive spend), a customer's own average purchase stands in.</summary>
    private static double? OwnAverage(CustomerFacts customers, int i) =>
        customers.Purchases[i] > 0 ? Finite((double)customers.Revenue[i] / customers.Purchases[i]) : null;

    private static PurchaseModelFit? FitPurchase(List<RepeatSummary> summaries, AnalyticsSettings settings, List<StoredWarning> problems, CancellationToken ct)
    {
        if (summaries.Count == 0)
        {
            problems.Add(new StoredWarning(ModelWarning.NoCustomers, "No customer has bought anything yet: there is nothing to fit."));
            return null;
        }

        if (!summaries.Any(s => s.Frequency > 0))
        {
            problems.Add(new StoredWarning(ModelWarning.NoRepeatBuyers,
                "No customer has bought on more than one day yet, so how often customers come back cannot be estimated: no predictions."));
            return null;
        }

        try
        {
            return settings.Model == "paretonbd" ? ParetoNbd.Fit(summaries, ct) : BgNbd.Fit(summaries, ct);
        }
        catch (ArgumentException e)
        {
            problems.Add(new StoredWarning("fit-failed", $"The purchase model could not be fitted: {e.Message}"));
            return null;
        }
    }

    private static GammaGammaFit? FitSpend(List<RepeatSummary> summaries, List<StoredWarning> problems, CancellationToken ct)
    {
        if (!GammaGamma.CanFit(summaries))
        {
            if (summaries.Any(s => s.Frequency > 0))
            {
                problems.Add(new StoredWarning(ModelWarning.NonPositiveMonetary,
                    "No repeat buyer has a positive average spend in the reporting currency: each customer's own average purchase is used instead."));
            }

            return null;
        }

        try
        {
            return GammaGamma.Fit(summaries, ct);
        }
        catch (ArgumentException e)
        {
            problems.Add(new StoredWarning("fit-failed", $"The spend model could not be fitted: {e.Message}"));
            return null;
        }
    }

    /// <summary>
    /// The last third of the history (whole weeks, 4 to 52) is held out: the model is fitted on the customers who had
    /// bought before it, and what it predicts for the holdout is compared with what they did. None for less than 12
    /// weeks of history.
    /// </summary>
    private static HoldoutCheck? HoldoutCheckOf(PurchaseHistory history, DateOnly asOf, AnalyticsSettings settings, CancellationToken ct)
    {
        if (history.CustomerCount == 0)
        {
            return null;
        }

        var firstDay = int.MaxValue;
        for (var i = 0; i < history.CustomerCount; i++)
        {
            firstDay = Math.Min(firstDay, history.Days[history.Offsets[i]]);
        }

        var span = asOf.DayNumber - firstDay;
        if (span < 84)
        {
            return null;
        }

        var holdoutWeeks = Math.Clamp(span / 3 / 7, 4, 52);
        var calibrationEnd = asOf.AddDays(-7 * holdoutWeeks);
        var end = calibrationEnd.DayNumber;
        var summaries = new List<RepeatSummary>();
        for (var i = 0; i < history.CustomerCount; i++)
        {
            int from = history.Offsets[i], to = history.Offsets[i + 1];
            var first = history.Days[from];
            if (first > end)
            {
                continue;
            }

            int repeat = 0, holdout = 0, last = first;
            for (var d = from + 1; d < to; d++)
            {
                var day = history.Days[d];
                if (day <= end)
                {
                    repeat++;
                    last = day;
                }
                else if (day <= asOf.DayNumber)
                {
                    holdout++;
                }
            }

            summaries.Add(new RepeatSummary(repeat, (last - first) / 7.0, (end - first) / 7.0, 0, holdout));
        }

        if (!summaries.Any(s => s.Frequency > 0))
        {
            return null;
        }

        var problems = new List<StoredWarning>();
        var (fit, ms) = Timed(() => FitPurchase(summaries, settings, problems, ct));
        if (fit is null)
        {
            return null;
        }

        // Each distinct history's expected holdout purchases, computed once on every core; asked for twice below.
        var groups = HistoryGroups.Of(summaries);
        var expectations = new double[groups.Count];
        Parallel.For(0, groups.Count, g => expectations[g] = fit.ConditionalExpectedPurchases(holdoutWeeks, summaries[groups.Members[groups.Starts[g]]]));
        var answers = new HistoryGroups.Known(fit, groups, holdoutWeeks, expectations);
        var rows = PurchaseModelDiagnostics.CalibrationVersusHoldout(answers, summaries, holdoutWeeks)
            .Select(r => new HoldoutRow(r.Frequency, r.Customers, r.ActualPurchases, r.PredictedPurchases))
            .ToList();
        var actual = summaries.Sum(s => (double)s.HoldoutPurchases);
        var predicted = summaries.Sum(s => answers.ConditionalExpectedPurchases(holdoutWeeks, s));
        return new HoldoutCheck(calibrationEnd, holdoutWeeks, Store(fit, ms), rows, actual, Finite(predicted) ?? 0);
    }

    private static StoredFit Store(PurchaseModelFit fit, double ms) =>
        new(fit.Name, fit.Parameters, Finite(fit.LogLikelihood), fit.Converged, fit.Iterations, fit.Customers, fit.RepeatCustomers,
            [.. fit.Warnings.Select(w => new StoredWarning(w.Code, w.Message))], ms);

    private static StoredFit Store(GammaGammaFit fit, double ms) =>
        new("gammagamma", fit.Parameters, Finite(fit.LogLikelihood), fit.Converged, fit.Iterations, fit.Customers, fit.Customers,
            [.. fit.Warnings.Select(w => new StoredWarning(w.Code, w.Message))], ms);

    private static (T Value, double Ms) Timed<T>(Func<T> work)
    {
        var started = Stopwatch.GetTimestamp();
        var value = work();
        return (value, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    public static double? Finite(double value) => double.IsFinite(value) ? value : null;

    private static decimal? ToMoney(double? value) =>
        value is { } v && double.IsFinite(v) && Math.Abs(v) < 1e15 ? Math.Round((decimal)v, 4) : null;
}

/// <summary>
/// Customers grouped by their history (x, t_x, T), so that a purchase model's answers about a history are computed once
/// and shared by the customers who have it: many do (everyone who bought once on the same day), and each conditional
/// expectation costs a hypergeometric series. Customers get the same numbers as from the model itself: the models
/// given out here (<see cref="Answering"/>, <see cref="Known"/>) answer the questions computed ahead from the table
/// and hand any other question to the model.
/// </summary>
internal sealed class HistoryGroups
{
    private readonly Dictionary<(int X, double Recency, double Age), int> _index;

    private HistoryGroups(Dictionary<(int X, double Recency, double Age), int> index, int[] members, int[] starts) =>
        (_index, Members, Starts) = (index, members, starts);

    /// <summary>Included customers (index in the history), group after group.</summary>
    public int[] Members { get; }

    /// <summary>Group <c>g</c> is <c>Members[Starts[g]]</c> up to (not including) <c>Members[Starts[g + 1]]</c>.</summary>
    public int[] Starts { get; }

    public int Count => Starts.Length - 1;

    /// <summary>Groups the customers of <paramref name="summaries"/> (those <paramref name="included"/>, or all).</summary>
    public static HistoryGroups Of(IReadOnlyList<RepeatSummary> summaries, bool[]? included = null)
    {
        var groupOf = new int[summaries.Count];
        var index = new Dictionary<(int X, double Recency, double Age), int>();
        var sizes = new List<int>();
        for (var i = 0; i < summaries.Count; i++)
        {
            if (included is not null && !included[i])
            {
                continue;
            }

            var s = summaries[i];
            ref var group = ref CollectionsMarshal.GetValueRefOrAddDefault(index, (s.Frequency, s.Recency, s.Age), out var exists);
            if (!exists)
            {
                group = sizes.Count;
                sizes.Add(0);
            }

            groupOf[i] = group;
            sizes[group]++;
        }

        var starts = new int[sizes.Count + 1];
        for (var g = 0; g < sizes.Count; g++)
        {
            starts[g + 1] = starts[g] + sizes[g];
        }

        var members = new int[starts[^1]];
        var next = starts[..^1];
        for (var i = 0; i < summaries.Count; i++)
        {
            if (included is null || included[i])
            {
                members[next[groupOf[i]]++] = i;
            }
        }

        return new HistoryGroups(index, members, starts);
    }

    /// <summary>A purchase model that knows the conditional expected purchases in <paramref name="time"/> of every group's history.</summary>
    public sealed class Known(IPurchaseModel model, HistoryGroups groups, double time, double[] expectations) : IPurchaseModel
    {
        public string Name => model.Name;

        public IReadOnlyDictionary<string, double> Parameters => model.Parameters;

        public double ProbabilityAlive(int frequency, double recency, double age) => model.ProbabilityAlive(frequency, recency, age);

        public double ConditionalExpectedPurchases(double t, int frequency, double recency, double age) =>
            t == time && groups._index.TryGetValue((frequency, recency, age), out var group)
                ? expectations[group]
                : model.ConditionalExpectedPurchases(t, frequency, recency, age);

        public double ExpectedPurchases(double t) => model.ExpectedPurchases(t);

        public double ProbabilityOfPurchases(int n, double t) => model.ProbabilityOfPurchases(n, t);
    }

    /// <summary>A purchase model that knows the answers for one history.</summary>
    public sealed class Answering : IPurchaseModel
    {
        private readonly IPurchaseModel _model;
        private readonly ClvOptions _options;
        private readonly RepeatSummary _history;

        /// <summary>P(alive), then E[purchases in the first m months] for m = 1 … months.</summary>
        private readonly double[] _answers;

        public Answering(IPurchaseModel model, ClvOptions options, RepeatSummary history)
        {
            (_model, _options, _history) = (model, options, history);
            _answers = new double[options.Months + 1];
            _answers[0] = model.ProbabilityAlive(history);
            for (var month = 1; month <= options.Months; month++)
            {
                // The times CustomerLifetimeValue asks for.
                _answers[month] = model.ConditionalExpectedPurchases(month * options.PeriodsPerMonth, history);
            }
        }

        public string Name => _model.Name;

        public IReadOnlyDictionary<string, double> Parameters => _model.Parameters;

        public double ProbabilityAlive(int frequency, double recency, double age) =>
            IsHistory(frequency, recency, age) ? _answers[0] : _model.ProbabilityAlive(frequency, recency, age);

        public double ConditionalExpectedPurchases(double t, int frequency, double recency, double age)
        {
            var month = (int)Math.Round(t / _options.PeriodsPerMonth);
            return IsHistory(frequency, recency, age) && month >= 1 && month <= _options.Months && month * _options.PeriodsPerMonth == t
                ? _answers[month]
                : _model.ConditionalExpectedPurchases(t, frequency, recency, age);
        }

        public double ExpectedPurchases(double t) => _model.ExpectedPurchases(t);

        public double ProbabilityOfPurchases(int n, double t) => _model.ProbabilityOfPurchases(n, t);

        private bool IsHistory(int frequency, double recency, double age) =>
            _history.Frequency == frequency && _history.Recency == recency && _history.Age == age;
    }
}

internal static class Predictions
{
    public static ClvSection Totals(Prediction[] predictions, CustomerFacts customers)
    {
        int withClv = 0, withPAlive = 0;
        decimal total = 0, revenue = 0;
        double expected = 0, pAlive = 0;
        for (var i = 0; i < predictions.Length; i++)
        {
            if (!customers.Included[i])
            {
                continue;
            }

            var p = predictions[i];
            if (p.Clv is { } clv)
            {
                withClv++;
                total += clv;
            }

            revenue += p.PredictedRevenue ?? 0;
            expected += p.ExpectedPurchases ?? 0;
            if (p.PAlive is { } alive)
            {
                withPAlive++;
                pAlive += alive;
            }
        }

        return new ClvSection(withClv, total, revenue, expected, withPAlive > 0 ? pAlive / withPAlive : null);
    }
}
