using Rapport.Analytics.Models;

namespace Rapport.Analytics;

/// <summary>
/// Each customer's repeat-purchase summary and totals as of a day, index-aligned with
/// <see cref="PurchaseHistory.CustomerIds"/>. Built as the literature builds it: time in weeks (days / 7) from the
/// customer's first purchase day; x counts purchase days after the first; T runs to the as-of day; the monetary value
/// is the mean value of the repeat purchase days in the reporting currency. Purchases dated after the as-of day (a
/// clock ahead, a typo) are left out and counted; a customer whose first purchase is after it is not included.
/// </summary>
internal sealed class CustomerFacts
{
    private CustomerFacts(int count) =>
        (Included, Summaries, Revenue, Purchases) = (new bool[count], new RepeatSummary[count], new decimal[count], new int[count]);

    public int Count => Included.Length;

    /// <summary>Whether the customer's first purchase is on or before the as-of day.</summary>
    public bool[] Included { get; }

    public RepeatSummary[] Summaries { get; }

    /// <summary>Revenue up to the as-of day, reporting currency, refunds netted.</summary>
    public decimal[] Revenue { get; }

    /// <summary>Transactions up to the as-of day.</summary>
    public int[] Purchases { get; }

    public int IncludedCount { get; private set; }
    public int RepeatCount { get; private set; }
    public decimal TotalRevenue { get; private set; }

    /// <summary>Transactions dated after the as-of day, left out.</summary>
    public long FutureTransactions { get; private set; }

    public static CustomerFacts Build(PurchaseHistory history, DateOnly asOf)
    {
        var facts = new CustomerFacts(history.CustomerCount);
        var end = asOf.DayNumber;
        for (var i = 0; i < history.CustomerCount; i++)
        {
            int from = history.Offsets[i], to = history.Offsets[i + 1];
            var first = history.Days[from];
            if (first > end)
            {
                for (var d = from; d < to; d++)
                {
                    facts.FutureTransactions += history.Orders[d];
                }

                continue;
            }

            var last = first;
            var repeat = 0;
            double revenue = 0, repeatValue = 0;
            var valuedRepeats = 0;
            var purchases = 0;
            for (var d = from; d < to; d++)
            {
                if (history.Days[d] > end)
                {
                    facts.FutureTransactions += history.Orders[d];
                    continue;
                }

                revenue += history.Values[d];
                purchases += history.Orders[d];
                if (d > from)
                {
                    repeat++;
                    last = history.Days[d];
                    if (history.Valued[d])
                    {
                        repeatValue += history.Values[d];
                        valuedRepeats++;
                    }
                }
            }

            facts.Included[i] = true;
            facts.Summaries[i] = new RepeatSummary(repeat, (last - first) / 7.0, (end - first) / 7.0, valuedRepeats > 0 ? repeatValue / valuedRepeats : 0);
            facts.Revenue[i] = Money(revenue);
            facts.Purchases[i] = purchases;
            facts.IncludedCount++;
            facts.TotalRevenue += facts.Revenue[i];
            if (repeat > 0)
            {
                facts.RepeatCount++;
            }
        }

        return facts;
    }

    /// <summary>A sum of stored amounts back to money (4 decimals, as stored).</summary>
    public static decimal Money(double value) =>
        double.IsFinite(value) && Math.Abs(value) < 7.9e27 ? Math.Round((decimal)value, 4) : throw new OverflowException("An amount is too large for money.");

    /// <summary>The included customers' summaries, and for each its index in the history.</summary>
    public (List<RepeatSummary> Summaries, int[] Index) IncludedSummaries()
    {
        var list = new List<RepeatSummary>(IncludedCount);
        var index = new int[IncludedCount];
        for (var i = 0; i < Count; i++)
        {
            if (Included[i])
            {
                index[list.Count] = i;
                list.Add(Summaries[i]);
            }
        }

        return (list, index);
    }
}
