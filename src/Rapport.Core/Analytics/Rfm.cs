namespace Rapport.Analytics;

/// <summary>
/// The days an RFM run looks at: <see cref="Days"/> days ending with <see cref="LastDay"/> (both ends included).
/// The caller counts purchases and revenue inside the window and measures recency to <see cref="LastDay"/>.
/// </summary>
public sealed record RfmWindow
{
    public RfmWindow(DateOnly lastDay, int days)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        LastDay = lastDay;
        Days = days;
    }

    public DateOnly LastDay { get; }

    public int Days { get; }

    public DateOnly FirstDay => LastDay.AddDays(1 - Days);

    public bool Contains(DateOnly day) => day >= FirstDay && day <= LastDay;

    /// <summary>Whole days from a purchase day to the window's last day: 0 for a purchase on the last day.</summary>
    public int RecencyDays(DateOnly lastPurchase) => LastDay.DayNumber - lastPurchase.DayNumber;
}

/// <summary>One customer's facts for an RFM run, counted by the caller inside the <see cref="RfmWindow"/>.</summary>
/// <param name="RecencyDays">Days from the customer's last purchase in the window to the window's last day.</param>
/// <param name="Frequency">Purchases in the window; 0 means the customer is not scored.</param>
/// <param name="Monetary">Net revenue in the window in the reporting currency (refunds may make it negative).</param>
public readonly record struct RfmInput(long CustomerId, int RecencyDays, int Frequency, decimal Monetary);

/// <summary>
/// A customer's RFM scores, each 1 (worst) to 5 (best), or all 0 when the customer made no purchase in the window
/// (<see cref="IsScored"/> is false and <see cref="Segment"/> is null).
/// </summary>
public readonly record struct RfmScore(long CustomerId, int Recency, int Frequency, int Monetary)
{
    public bool IsScored => Recency != 0;

    /// <summary>The average of the F and M scores rounded down: the column of the segment grid.</summary>
    public int FrequencyMonetary => (Frequency + Monetary) / 2;

    public RfmSegment? Segment => IsScored ? RfmSegments.Of(Recency, FrequencyMonetary) : null;
}

/// <summary>
/// The customers holding one score of one dimension and the range of their raw values, so a page can say what a
/// score meant in this run ("R 5 = last purchase 0–12 days ago").
/// </summary>
/// <param name="Min">Smallest raw value with this score: days for recency, purchases for frequency, money for monetary.</param>
/// <param name="Max">Largest raw value with this score.</param>
public readonly record struct RfmBand(int Score, decimal Min, decimal Max, int Customers);

/// <summary>The outcome of an RFM run.</summary>
/// <param name="Scores">One score per input customer, in input order.</param>
/// <param name="ScoredCustomers">Customers with at least one purchase in the window: the population the quintiles divide.</param>
/// <param name="RecencyBands">The recency scores in use, ascending; a score shared by no customer (because of ties) is absent.</param>
public sealed record RfmResult(
    RfmWindow Window,
    RfmScore[] Scores,
    int ScoredCustomers,
    IReadOnlyList<RfmBand> RecencyBands,
    IReadOnlyList<RfmBand> FrequencyBands,
    IReadOnlyList<RfmBand> MonetaryBands);

/// <summary>
/// Quintile scoring of recency, frequency and monetary value.
/// <para>
/// Among the n customers with a purchase in the window, the score of a value is
/// <c>1 + ⌊5 × w / n⌋</c>, where w is the number of those customers with a strictly worse value
/// (longer recency; fewer purchases; less revenue). Equal values therefore always get the same score, whatever the
/// input order, and a large tie (most customers buy once) takes the score of its worst-placed member.
/// Score 5 goes to a value that at most 20 % of customers equal or beat.
/// </para>
/// </summary>
public static class Rfm
{
    private const int Quintiles = 5;

    /// <summary>
    /// Scores every customer of the window in O(n log n) with no per-customer allocations.
    /// Customers with <see cref="RfmInput.Frequency"/> 0 are returned unscored and do not count in n.
    /// </summary>
    /// <exception cref="ArgumentException">A frequency is negative, or a scored customer's recency falls outside the window.</exception>
    public static RfmResult Score(ReadOnlySpan<RfmInput> customers, RfmWindow window)
    {
        var scored = 0;
        foreach (var customer in customers)
        {
            Validate(customer, window);
            if (customer.Frequency > 0)
            {
                scored++;
            }
        }

        // Position i of these arrays is the i-th scored customer; sort keys run from the worst value to the best.
        var inputIndex = new int[scored];
        var recencyKeys = new int[scored];
        var frequencyKeys = new int[scored];
        var monetaryKeys = new decimal[scored];
        var next = 0;
        for (var i = 0; i < customers.Length; i++)
        {
            var customer = customers[i];
            if (customer.Frequency > 0)
            {
                inputIndex[next] = i;
                recencyKeys[next] = -customer.RecencyDays;
                frequencyKeys[next] = customer.Frequency;
                monetaryKeys[next] = customer.Monetary;
                next++;
            }
        }

        var recency = new byte[scored];
        var frequency = new byte[scored];
        var monetary = new byte[scored];
        var recencyBands = Rank(recencyKeys, recency, static key => -key);
        var frequencyBands = Rank(frequencyKeys, frequency, static key => key);
        var monetaryBands = Rank(monetaryKeys, monetary, static key => key);

        var scores = new RfmScore[customers.Length];
        for (var i = 0; i < customers.Length; i++)
        {
            scores[i] = new RfmScore(customers[i].CustomerId, 0, 0, 0);
        }

        for (var position = 0; position < scored; position++)
        {
            var i = inputIndex[position];
            scores[i] = new RfmScore(customers[i].CustomerId, recency[position], frequency[position], monetary[position]);
        }

        return new RfmResult(window, scores, scored, recencyBands, frequencyBands, monetaryBands);
    }

    private static void Validate(RfmInput customer, RfmWindow window)
    {
        if (customer.Frequency < 0)
        {
            throw new ArgumentException($"Customer {customer.CustomerId} has a negative purchase count.", nameof(customer));
        }

        if (customer.Frequency > 0 && (customer.RecencyDays < 0 || customer.RecencyDays >= window.Days))
        {
            throw new ArgumentException(
                $"Customer {customer.CustomerId} bought {customer.RecencyDays} days before the end of a {window.Days}-day window.",
                nameof(customer));
        }
    }

    /// <summary>
    /// Sorts the keys (worst first; the array is consumed) and writes the score of every position into
    /// <paramref name="scores"/>. Walking groups of equal keys, the first position of a group is exactly the number of
    /// strictly worse customers, which fixes the score of the whole group.
    /// </summary>
    private static RfmBand[] Rank<TKey>(TKey[] keys, byte[] scores, Func<TKey, decimal> rawValue)
        where TKey : IComparable<TKey>
    {
        var n = keys.Length;
        var positions = new int[n];
        for (var i = 0; i < n; i++)
        {
            positions[i] = i;
        }

        Array.Sort(keys, positions);

        var bands = new List<RfmBand>(Quintiles);
        var bandStart = 0;
        byte bandScore = 0;
        for (var start = 0; start < n;)
        {
            var end = start + 1;
            while (end < n && keys[end].CompareTo(keys[start]) == 0)
            {
                end++;
            }

            var score = (byte)(1 + (long)Quintiles * start / n);
            if (score != bandScore)
            {
                if (bandScore != 0)
                {
                    bands.Add(Band(bandScore, keys, bandStart, start, rawValue));
                }

                bandStart = start;
                bandScore = score;
            }

            for (var i = start; i < end; i++)
            {
                scores[positions[i]] = score;
            }

            start = end;
        }

        if (bandScore != 0)
        {
            bands.Add(Band(bandScore, keys, bandStart, n, rawValue));
        }

        return [.. bands];
    }

    private static RfmBand Band<TKey>(byte score, TKey[] keys, int start, int end, Func<TKey, decimal> rawValue)
    {
        // Keys are sorted, so the band's extremes are its first and last keys; recency's raw value runs the other way.
        var first = rawValue(keys[start]);
        var last = rawValue(keys[end - 1]);
        return new RfmBand(score, Math.Min(first, last), Math.Max(first, last), end - start);
    }
}
