namespace Rapport.Analytics.Models;

/// <summary>The unit of time of a summary. Every time in the models (t_x, T, t, and the scale parameters α, β) is in this unit.</summary>
public enum SummaryPeriod
{
    Day,

    /// <summary>Seven days: days since the first purchase divided by 7 (not calendar weeks).</summary>
    Week,
}

/// <summary>One purchase of a customer: the calendar date it happened on and its value in the business's currency.</summary>
public readonly record struct Purchase<TKey>(TKey Customer, DateOnly Date, decimal Amount)
    where TKey : notnull;

/// <summary>
/// What the purchase and spend models know of one customer (the "RFM summary" of the BTYD literature), with time in
/// <see cref="SummaryPeriod"/> units counted from the customer's first purchase.
/// </summary>
/// <param name="Frequency">x: repeat purchases in the calibration period (purchase days after the first one).</param>
/// <param name="Recency">t_x: time from the first purchase to the last calibration purchase (0 when x = 0).</param>
/// <param name="Age">T: time from the first purchase to the end of the calibration period.</param>
/// <param name="MonetaryValue">Mean value of the repeat purchases (the first purchase is left out); 0 when x = 0.</param>
/// <param name="HoldoutPurchases">Purchase days in the holdout period (0 when the summary has no holdout).</param>
/// <param name="HoldoutValue">Value of the holdout purchases.</param>
public readonly record struct RepeatSummary(int Frequency, double Recency, double Age, double MonetaryValue = 0, int HoldoutPurchases = 0, double HoldoutValue = 0)
{
    /// <summary>Why this row cannot be given to a model, or null when it can.</summary>
    public string? Problem =>
        Frequency < 0 ? $"frequency {Frequency} is negative"
        : !double.IsFinite(Recency) || !double.IsFinite(Age) || !double.IsFinite(MonetaryValue) ? "recency, age and monetary value must be finite numbers"
        : Recency < 0 ? $"recency {Recency} is negative"
        : Recency > Age ? $"recency {Recency} is after the end of calibration (age {Age})"
        : null;
}

/// <param name="CalibrationEnd">Last day of the calibration period (inclusive).</param>
/// <param name="HoldoutEnd">Last day of the holdout period (inclusive), or null for a summary without holdout.</param>
public sealed record RepeatSummaryOptions(DateOnly CalibrationEnd, SummaryPeriod Period = SummaryPeriod.Week, DateOnly? HoldoutEnd = null)
{
    /// <summary>Days in one period.</summary>
    public int DaysPerPeriod => Period == SummaryPeriod.Week ? 7 : 1;

    /// <summary>Length of the holdout period in periods, or null without a holdout.</summary>
    public double? HoldoutLength => HoldoutEnd is { } end ? (end.DayNumber - CalibrationEnd.DayNumber) / (double)DaysPerPeriod : null;
}

/// <summary>
/// The summaries of the customers who made their first purchase by the end of calibration, in the order their keys
/// first appeared, with what the builder left out.
/// </summary>
/// <param name="Transactions">Input purchases read.</param>
/// <param name="LateCustomers">Customers left out because their first purchase is after the calibration end.</param>
/// <param name="IgnoredTransactions">Purchases after the last day covered (the holdout end, or the calibration end without holdout).</param>
/// <param name="NonPositiveTransactions">Purchases with a zero or negative amount (counted as purchases, see the builder).</param>
public sealed record RepeatSummaryTable<TKey>(
    IReadOnlyList<TKey> Customers,
    IReadOnlyList<RepeatSummary> Rows,
    RepeatSummaryOptions Options,
    long Transactions,
    int LateCustomers,
    long IgnoredTransactions,
    long NonPositiveTransactions,
    IReadOnlyList<ModelWarning> Warnings)
    where TKey : notnull
{
    public int RepeatCustomers => Rows.Count(r => r.Frequency > 0);
}
