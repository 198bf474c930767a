using System.Diagnostics;
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

    public static AnalyticsModels Fit(CustomerFacts customers, PurchaseHistory history, DateOnly asOf, AnalyticsSettings settings, CancellationToken ct)
    {
        var problems = new List<StoredWarning>();
        var (summaries, _) = customers.IncludedSummaries();
        if (customers.FutureTransactions > 0)
        {
            problems.Add(new StoredWarning(ModelWarning.FutureTransactions,
                $"{customers.FutureTransactions:N0} transactions are dated after {asOf:yyyy-MM-dd} and were left out."));
        }

        var (purchase, purchaseMs) = Timed(() => FitPurchase(summaries, settings, problems, ct));
        var (spend, spendMs) = Timed(() => FitSpend(summaries, problems, ct));
        var check = HoldoutCheckOf(history, asOf, settings, ct);
        var section = new ModelSection(
            purchase is null ? null : Store(purchase, purchaseMs),
            spend is null ? null : Store(spend, spendMs),
            check,
            problems,
            HorizonWeeks(settings));
        return new AnalyticsModels(purchase?.Fitted, spend?.Fitted, section);
    }

    /// <summary>Each included customer's predictions (index-aligned with the history), computed on every core.</summary>
    public Prediction[] Predict(CustomerFacts customers, AnalyticsSettings settings)
    {
        var predictions = new Prediction[customers.Count];
        var horizon = HorizonWeeks(settings);
        var options = new ClvOptions(settings.HorizonMonths, settings.MonthlyDiscountRate, settings.Margin, ClvOptions.WeeksPerMonth);
        var purchase = Purchase;
        var spend = Spend;
        Parallel.For(0, customers.Count, i =>
        {
            if (!customers.Included[i])
            {
                return;
            }

            var s = customers.Summaries[i];
            double? expectedSpend = spend is not null
                ? Finite(spend.ConditionalExpectedAverageSpend(s.Frequency, s.MonetaryValue))
                : OwnAverage(customers, i);
            if (purchase is null)
            {
                predictions[i] = new Prediction(null, null, ToMoney(expectedSpend), null, null);
                return;
            }

            var pAlive = Finite(purchase.ProbabilityAlive(s));
            var expected = Finite(purchase.ConditionalExpectedPurchases(horizon, s));
            decimal? revenue = expected is { } e && expectedSpend is { } m ? ToMoney(e * m) : null;
            decimal? clv = expectedSpend is { } spendValue ? ToMoney(CustomerLifetimeValue.Compute(purchase, s, spendValue, options)) : null;
            predictions[i] = new Prediction(pAlive, expected, ToMoney(expectedSpend), revenue, clv);
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

        var rows = PurchaseModelDiagnostics.CalibrationVersusHoldout(fit, summaries, holdoutWeeks)
            .Select(r => new HoldoutRow(r.Frequency, r.Customers, r.ActualPurchases, r.PredictedPurchases))
            .ToList();
        var actual = summaries.Sum(s => (double)s.HoldoutPurchases);
        var predicted = summaries.Sum(s => fit.ConditionalExpectedPurchases(holdoutWeeks, s));
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
