namespace Rapport.Analytics.Models;

/// <summary>How a customer lifetime value is computed: horizon, discounting and margin.</summary>
/// <param name="Months">Horizon in months (1..1200).</param>
/// <param name="MonthlyDiscountRate">Discount rate per month (0.01 = 1 % a month, about 12.7 % a year).</param>
/// <param name="Margin">Share of the purchase value that is profit (1 = value itself).</param>
/// <param name="PeriodsPerMonth">Model periods in a month: <see cref="WeeksPerMonth"/> or <see cref="DaysPerMonth"/>.</param>
public sealed record ClvOptions(int Months = 12, double MonthlyDiscountRate = 0.01, double Margin = 1, double PeriodsPerMonth = ClvOptions.WeeksPerMonth)
{
    /// <summary>lifetimes' convention for weekly data (365.25 / 12 / 7 ≈ 4.348, rounded as lifetimes does).</summary>
    public const double WeeksPerMonth = 4.345;

    /// <summary>lifetimes' convention for daily data.</summary>
    public const double DaysPerMonth = 30;

    public static double PeriodsPerMonthOf(SummaryPeriod period) => period == SummaryPeriod.Week ? WeeksPerMonth : DaysPerMonth;

    /// <summary>Why these options cannot be used, or null.</summary>
    public string? Problem =>
        Months is < 1 or > 1200 ? $"the horizon must be 1 to 1,200 months, not {Months}"
        : !(MonthlyDiscountRate >= 0) || !double.IsFinite(MonthlyDiscountRate) ? "the monthly discount rate must be a finite number ≥ 0"
        : !(Margin >= 0) || !double.IsFinite(Margin) ? "the margin must be a finite number ≥ 0"
        : !(PeriodsPerMonth > 0) || !double.IsFinite(PeriodsPerMonth) ? "periods per month must be a positive finite number"
        : null;
}

/// <summary>
/// Discounted customer lifetime value, computed as lifetimes' <c>customer_lifetime_value</c> does: for each month i of
/// the horizon, the purchases expected in that month given the customer's history,
/// E[Y(i·m)] − E[Y((i − 1)·m)] with m periods per month, times the expected purchase value and the margin, discounted
/// by (1 + d)^i; summed over the months.
/// </summary>
public static class CustomerLifetimeValue
{
    public static double Compute(IPurchaseModel purchases, RepeatSummary customer, double expectedSpend, ClvOptions options)
    {
        if (options.Problem is { } problem)
        {
            throw new ArgumentException($"Invalid CLV options: {problem}.", nameof(options));
        }

        if (!(expectedSpend >= 0) || !double.IsFinite(expectedSpend))
        {
            throw new ArgumentOutOfRangeException(nameof(expectedSpend), expectedSpend, "The expected spend must be a finite number ≥ 0.");
        }

        var value = 0.0;
        var before = 0.0;
        for (var month = 1; month <= options.Months; month++)
        {
            var cumulative = purchases.ConditionalExpectedPurchases(month * options.PeriodsPerMonth, customer);
            value += (cumulative - before) * expectedSpend * options.Margin / Math.Pow(1 + options.MonthlyDiscountRate, month);
            before = cumulative;
        }

        return Check.Finite(value, "the lifetime value");
    }

    /// <summary>The same with the spend model's expected purchase value for this customer.</summary>
    public static double Compute(IPurchaseModel purchases, GammaGammaModel spend, RepeatSummary customer, ClvOptions options) =>
        Compute(purchases, customer, spend.ConditionalExpectedAverageSpend(customer.Frequency, customer.MonetaryValue), options);
}
