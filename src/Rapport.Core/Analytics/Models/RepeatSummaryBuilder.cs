using System.Globalization;

namespace Rapport.Analytics.Models;

/// <summary>
/// Builds the repeat-purchase summaries from purchases, the way the BTYD literature does (and the published CDNOW
/// results need): time is days since the customer's first purchase divided by the period's length in days;
/// purchases on the same day are one purchase with their values summed; x counts the purchase days after the first;
/// T runs to the calibration end. A customer whose first purchase is after the calibration end is left out.
/// </summary>
/// <remarks>
/// Every row is a purchase, whatever its amount. A day whose amounts sum to zero or less (a refund, a free order)
/// still counts as a purchase for the purchase models, and pulls the customer's monetary value down; the spend
/// model leaves customers whose monetary value is not positive out of its fit. Feed purchases, not refunds, when
/// the source can tell them apart. The builder warns when it meets such amounts.
/// </remarks>
public static class RepeatSummaryBuilder
{
    /// <summary>A purchase at an instant, dated in the given time zone (UTC when null): the day boundary decides same-day merges.</summary>
    public static Purchase<TKey> PurchaseAt<TKey>(TKey customer, DateTimeOffset instant, decimal amount, TimeZoneInfo? zone = null)
        where TKey : notnull
    {
        var local = zone is null ? instant.UtcDateTime : TimeZoneInfo.ConvertTime(instant, zone).DateTime;
        return new Purchase<TKey>(customer, DateOnly.FromDateTime(local), amount);
    }

    public static RepeatSummaryTable<TKey> Build<TKey>(IEnumerable<Purchase<TKey>> purchases, RepeatSummaryOptions options)
        where TKey : notnull
    {
        if (options.HoldoutEnd is { } holdoutEnd && holdoutEnd <= options.CalibrationEnd)
        {
            throw new ArgumentException($"The holdout end {holdoutEnd:yyyy-MM-dd} must be after the calibration end {options.CalibrationEnd:yyyy-MM-dd}.", nameof(options));
        }

        var index = new Dictionary<TKey, int>();
        var keys = new List<TKey>();
        var rows = new List<(int Customer, int Day, decimal Amount)>();
        long nonPositive = 0;
        foreach (var p in purchases)
        {
            if (!index.TryGetValue(p.Customer, out var customer))
            {
                customer = keys.Count;
                index.Add(p.Customer, customer);
                keys.Add(p.Customer);
            }

            if (p.Amount <= 0)
            {
                nonPositive++;
            }

            rows.Add((customer, p.Date.DayNumber, p.Amount));
        }

        rows.Sort((a, b) => a.Customer != b.Customer ? a.Customer.CompareTo(b.Customer) : a.Day.CompareTo(b.Day));

        var calibrationEnd = options.CalibrationEnd.DayNumber;
        var lastDay = (options.HoldoutEnd ?? options.CalibrationEnd).DayNumber;
        double period = options.DaysPerPeriod;
        var customers = new List<TKey>();
        var summaries = new List<RepeatSummary>();
        int late = 0;
        long ignored = 0;
        for (var start = 0; start < rows.Count;)
        {
            var customer = rows[start].Customer;
            var end = start;
            while (end < rows.Count && rows[end].Customer == customer)
            {
                end++;
            }

            var first = rows[start].Day;
            if (first > calibrationEnd)
            {
                late++;
                for (var i = start; i < end; i++)
                {
                    ignored += rows[i].Day > lastDay ? 1 : 0;
                }

                start = end;
                continue;
            }

            int repeats = 0, lastPurchase = first, holdoutPurchases = 0;
            decimal repeatValue = 0, holdoutValue = 0;
            for (var i = start; i < end;)
            {
                // One purchase per day: same-day rows merge, their amounts summed.
                var day = rows[i].Day;
                var dayStart = i;
                decimal amount = 0;
                for (; i < end && rows[i].Day == day; i++)
                {
                    amount += rows[i].Amount;
                }

                if (day == first)
                {
                    continue;
                }

                if (day <= calibrationEnd)
                {
                    repeats++;
                    repeatValue += amount;
                    lastPurchase = day;
                }
                else if (day <= lastDay)
                {
                    holdoutPurchases++;
                    holdoutValue += amount;
                }
                else
                {
                    ignored += i - dayStart;
                }
            }

            customers.Add(keys[customer]);
            summaries.Add(new RepeatSummary(
                repeats,
                (lastPurchase - first) / period,
                (calibrationEnd - first) / period,
                repeats == 0 ? 0 : (double)(repeatValue / repeats),
                holdoutPurchases,
                (double)holdoutValue));
            start = end;
        }

        return new RepeatSummaryTable<TKey>(customers, summaries, options, rows.Count, late, ignored, nonPositive,
            Warnings(options, summaries.Count, late, ignored, nonPositive));
    }

    private static List<ModelWarning> Warnings(RepeatSummaryOptions options, int customers, int late, long ignored, long nonPositive)
    {
        var warnings = new List<ModelWarning>();
        var covered = (options.HoldoutEnd ?? options.CalibrationEnd).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (customers == 0)
        {
            warnings.Add(new ModelWarning(ModelWarning.NoCustomers,
                $"No customer made a first purchase on or before the calibration end {options.CalibrationEnd:yyyy-MM-dd}."));
        }

        if (late > 0)
        {
            warnings.Add(new ModelWarning(ModelWarning.LateCustomers,
                $"Customers who first bought after the calibration end {options.CalibrationEnd:yyyy-MM-dd} are not in the summary: {late:N0}."));
        }

        if (ignored > 0)
        {
            warnings.Add(new ModelWarning(ModelWarning.FutureTransactions,
                $"Purchases dated after {covered} (the end of the {(options.HoldoutEnd is null ? "calibration" : "holdout")} period) were ignored: {ignored:N0}."));
        }

        if (nonPositive > 0)
        {
            warnings.Add(new ModelWarning(ModelWarning.NonPositiveAmounts,
                $"Purchases with a zero or negative amount (refunds?): {nonPositive:N0}. They count as purchases and lower the customers' monetary value."));
        }

        return warnings;
    }
}
