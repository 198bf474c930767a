using System.Runtime.InteropServices;

namespace Rapport.Analytics;

/// <summary>One order: who bought, in which month, for how much (reporting currency; refunds already netted in).</summary>
public readonly record struct CustomerPurchase(long CustomerId, CalendarMonth Month, decimal Amount);

/// <summary>
/// The customers whose first purchase fell in one period, and how many of them bought again in each later period.
/// </summary>
/// <param name="Start">First month of the period the cohort made its first purchase in.</param>
/// <param name="Size">Customers in the cohort.</param>
/// <param name="ActiveCustomers">
/// Entry k: cohort members with at least one purchase k periods after their first (k = 0 is the whole cohort), up to
/// the last period of the analysis, so later cohorts have shorter rows.
/// </param>
public sealed record Cohort(CalendarMonth Start, int Size, IReadOnlyList<int> ActiveCustomers)
{
    /// <summary>Share of the cohort active k periods after its first; null for an empty cohort or a k beyond the data.</summary>
    public decimal? ActiveShare(int periodsAfter) =>
        Size > 0 && periodsAfter >= 0 && periodsAfter < ActiveCustomers.Count ? (decimal)ActiveCustomers[periodsAfter] / Size : null;
}

/// <summary>
/// What customers did in one calendar period. A customer is <em>active</em> in a period when they made at least one
/// purchase in it. Rates are null when their denominator is zero.
/// </summary>
/// <param name="Start">First month of the period.</param>
/// <param name="Months">Length of the period in months.</param>
/// <param name="ActiveCustomers">Customers with at least one purchase in the period.</param>
/// <param name="NewCustomers">Active customers whose first purchase ever is in the period.</param>
/// <param name="PreviousActiveCustomers">Customers active in the period just before (counted from history before the analysis too).</param>
/// <param name="RetainedCustomers">Customers active both in the period just before and in this one.</param>
/// <param name="Orders">Purchases in the period.</param>
/// <param name="Revenue">Sum of the purchases' amounts in the period.</param>
public sealed record PeriodFacts(
    CalendarMonth Start,
    int Months,
    int ActiveCustomers,
    int NewCustomers,
    int PreviousActiveCustomers,
    int RetainedCustomers,
    int Orders,
    decimal Revenue)
{
    /// <summary>Active customers who had bought before the period: active − new.</summary>
    public int ReturningCustomers => ActiveCustomers - NewCustomers;

    /// <summary>Customers active in the period just before who bought nothing in this one.</summary>
    public int ChurnedCustomers => PreviousActiveCustomers - RetainedCustomers;

    /// <summary>Returning customers ÷ active customers: the share of the period's buyers who had bought before.</summary>
    public decimal? RepeatPurchaseRate => Ratio(ReturningCustomers, ActiveCustomers);

    /// <summary>Retained customers ÷ customers active in the period before.</summary>
    public decimal? RetentionRate => Ratio(RetainedCustomers, PreviousActiveCustomers);

    /// <summary>Churned customers ÷ customers active in the period before; 1 − retention rate.</summary>
    public decimal? ChurnRate => Ratio(ChurnedCustomers, PreviousActiveCustomers);

    /// <summary>Revenue ÷ orders.</summary>
    public decimal? AverageOrderValue => Orders > 0 ? Revenue / Orders : null;

    /// <summary>Orders ÷ active customers.</summary>
    public decimal? PurchaseFrequency => Ratio(Orders, ActiveCustomers);

    private static decimal? Ratio(int numerator, int denominator) => denominator > 0 ? (decimal)numerator / denominator : null;
}

/// <summary>Cohorts by first-purchase period and facts per calendar period, both oldest first, one entry per period of the analysis.</summary>
public sealed record CohortAnalysis(int PeriodMonths, IReadOnlyList<Cohort> Cohorts, IReadOnlyList<PeriodFacts> Periods);

/// <summary>
/// Cohort retention and per-period activity over whole calendar periods of 1, 2, 3, 4, 6 or 12 months (months,
/// quarters, half-years, years: always aligned to the calendar year). The analysis covers the periods containing
/// <c>first</c> through <c>last</c>. Purchases before them are history: they decide who is new, who is returning and
/// who was active just before the first period, but are not reported. Purchases after the period containing
/// <c>last</c> are ignored.
/// </summary>
public static class Cohorts
{
    /// <summary>Longest analysis accepted: 100 years of months. The cohort matrix grows with its square.</summary>
    public const int MaxPeriods = 1200;

    /// <summary>
    /// Analyses purchases in any order. Input sorted by customer (as a pipeline reads it) is walked once; otherwise
    /// the purchases are grouped by customer first, at the cost of twelve bytes per purchase.
    /// </summary>
    public static CohortAnalysis Analyse(ReadOnlySpan<CustomerPurchase> purchases, CalendarMonth first, CalendarMonth last, int periodMonths = 1)
    {
        var builder = new CohortBuilder(first, last, periodMonths);
        if (IsSortedByCustomer(purchases))
        {
            for (var start = 0; start < purchases.Length;)
            {
                var end = start + 1;
                while (end < purchases.Length && purchases[end].CustomerId == purchases[start].CustomerId)
                {
                    end++;
                }

                builder.AddCustomer(purchases[start..end]);
                start = end;
            }

            return builder.Build();
        }

        var customers = new long[purchases.Length];
        var order = new int[purchases.Length];
        for (var i = 0; i < purchases.Length; i++)
        {
            customers[i] = purchases[i].CustomerId;
            order[i] = i;
        }

        Array.Sort(customers, order);
        var run = new List<CustomerPurchase>();
        for (var start = 0; start < customers.Length;)
        {
            run.Clear();
            var end = start;
            for (; end < customers.Length && customers[end] == customers[start]; end++)
            {
                run.Add(purchases[order[end]]);
            }

            builder.AddCustomer(CollectionsMarshal.AsSpan(run));
            start = end;
        }

        return builder.Build();
    }

    internal static bool IsValidPeriodLength(int months) => months is 1 or 2 or 3 or 4 or 6 or 12;

    private static bool IsSortedByCustomer(ReadOnlySpan<CustomerPurchase> purchases)
    {
        for (var i = 1; i < purchases.Length; i++)
        {
            if (purchases[i].CustomerId < purchases[i - 1].CustomerId)
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>
/// Builds a <see cref="CohortAnalysis"/> one customer at a time, so a pipeline reading transactions customer by
/// customer never holds them all: memory grows with the number of periods only. Definitions: <see cref="Cohorts"/>.
/// </summary>
public sealed class CohortBuilder
{
    private readonly int _firstPeriod;
    private readonly int _periods;
    private readonly int _periodMonths;
    private readonly int[] _active;
    private readonly int[] _new;
    private readonly int[] _previousActive;
    private readonly int[] _retained;
    private readonly int[] _orders;
    private readonly decimal[] _revenue;
    private readonly int[] _cohortSize;
    private readonly int[][] _cohortActive;
    private int[] _scratch = new int[64];

    public CohortBuilder(CalendarMonth first, CalendarMonth last, int periodMonths = 1)
    {
        if (!Cohorts.IsValidPeriodLength(periodMonths))
        {
            throw new ArgumentOutOfRangeException(nameof(periodMonths), periodMonths, "A period is 1, 2, 3, 4, 6 or 12 months.");
        }

        if (last < first)
        {
            throw new ArgumentException($"The analysis ends ({last}) before it starts ({first}).", nameof(last));
        }

        _periodMonths = periodMonths;
        _firstPeriod = first.Index / periodMonths;
        _periods = last.Index / periodMonths - _firstPeriod + 1;
        if (_periods > Cohorts.MaxPeriods)
        {
            throw new ArgumentException($"The analysis spans {_periods} periods; at most {Cohorts.MaxPeriods} are allowed.", nameof(last));
        }

        _active = new int[_periods];
        _new = new int[_periods];
        _previousActive = new int[_periods];
        _retained = new int[_periods];
        _orders = new int[_periods];
        _revenue = new decimal[_periods];
        _cohortSize = new int[_periods];
        _cohortActive = new int[_periods][];
        for (var c = 0; c < _periods; c++)
        {
            _cohortActive[c] = new int[_periods - c];
        }
    }

    /// <summary>Adds every purchase of one customer, in any order. A customer must be added once, with all their purchases.</summary>
    /// <exception cref="ArgumentException">The purchases belong to more than one customer.</exception>
    public void AddCustomer(ReadOnlySpan<CustomerPurchase> purchases)
    {
        if (purchases.IsEmpty)
        {
            return;
        }

        if (_scratch.Length < purchases.Length)
        {
            _scratch = new int[Math.Max(purchases.Length, _scratch.Length * 2)];
        }

        // Checked before anything is counted, so a refused call leaves the builder as it was.
        var customer = purchases[0].CustomerId;
        foreach (var purchase in purchases)
        {
            if (purchase.CustomerId != customer)
            {
                throw new ArgumentException($"Purchases of customers {customer} and {purchase.CustomerId} were added as one customer.", nameof(purchases));
            }
        }

        // Periods relative to the first of the analysis: negative ones are history.
        var count = 0;
        foreach (var purchase in purchases)
        {
            var period = purchase.Month.Index / _periodMonths - _firstPeriod;
            if (period >= _periods)
            {
                continue;
            }

            _scratch[count++] = period;
            if (period >= 0)
            {
                _orders[period]++;
                _revenue[period] += purchase.Amount;
            }
        }

        if (count == 0)
        {
            return;
        }

        var periods = _scratch.AsSpan(0, count);
        periods.Sort();
        var firstPeriod = periods[0];
        var cohort = firstPeriod >= 0 ? _cohortActive[firstPeriod] : null;
        if (cohort is not null)
        {
            _cohortSize[firstPeriod]++;
        }

        int? previous = null;
        foreach (var period in periods)
        {
            if (period == previous)
            {
                continue;
            }

            if (period >= 0)
            {
                _active[period]++;
                if (period == firstPeriod)
                {
                    _new[period]++;
                }

                if (previous == period - 1)
                {
                    _retained[period]++;
                }

                if (cohort is not null)
                {
                    cohort[period - firstPeriod]++;
                }
            }

            var next = period + 1;
            if (next >= 0 && next < _periods)
            {
                _previousActive[next]++;
            }

            previous = period;
        }
    }

    public CohortAnalysis Build()
    {
        var cohorts = new Cohort[_periods];
        var periods = new PeriodFacts[_periods];
        for (var p = 0; p < _periods; p++)
        {
            var start = CalendarMonth.FromIndex((_firstPeriod + p) * _periodMonths);
            cohorts[p] = new Cohort(start, _cohortSize[p], [.. _cohortActive[p]]);
            periods[p] = new PeriodFacts(start, _periodMonths, _active[p], _new[p], _previousActive[p], _retained[p], _orders[p], _revenue[p]);
        }

        return new CohortAnalysis(_periodMonths, cohorts, periods);
    }
}
