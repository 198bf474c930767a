namespace Rapport.Analytics;

/// <summary>One customer's value over the analysed period (revenue or profit, reporting currency; may be negative).</summary>
public readonly record struct CustomerValue(long CustomerId, decimal Value);

/// <summary>A point of the Pareto curve: the best <see cref="CustomerShare"/> of customers hold <see cref="ValueShare"/> of the value (both 0–1).</summary>
public readonly record struct ParetoPoint(decimal CustomerShare, decimal ValueShare);

/// <summary>
/// How concentrated value is among customers. Customers whose value is zero or negative (net refunds) count as
/// customers holding zero value: a customer cannot hold a negative share, so the curve rises from (0, 0) to (1, 1)
/// and every share stays between 0 and 1. <see cref="NegativeValue"/> reports what was left out that way.
/// When no customer has a positive value the shares are null and the curve is empty.
/// </summary>
/// <param name="Customers">Every customer given, whatever their value: the denominator of customer shares.</param>
/// <param name="TotalValue">Sum of the positive values: the denominator of value shares.</param>
/// <param name="NegativeValue">Sum of the negative values (zero or less), not part of <see cref="TotalValue"/>.</param>
/// <param name="Curve">Customers sorted by value, best first; at most the requested number of points, including (0, 0) and (1, 1).</param>
/// <param name="CustomerShareFor80PercentOfValue">The smallest share of customers, best first, holding 80 % of the value.</param>
/// <param name="Top20PercentValueShare">The share of value held by the best 20 % of customers.</param>
/// <param name="Gini">Twice the area between the curve and the diagonal: 0 when everyone holds the same, (n − 1) / n when one customer holds everything.</param>
public sealed record ParetoAnalysis(
    int Customers,
    int CustomersWithValue,
    decimal TotalValue,
    decimal NegativeValue,
    IReadOnlyList<ParetoPoint> Curve,
    decimal? CustomerShareFor80PercentOfValue,
    decimal? Top20PercentValueShare,
    decimal? Gini);

/// <summary>
/// The Pareto (best customers) analysis. The curve joins the points (i / n, C(i) / T), where C(i) is the value of
/// the best i customers and T the total, with straight lines; every share in between is read from those lines,
/// so a customer can count in part. Example: 4 customers worth 50, 30, 15, 5 hold 80 % at 2 customers (0.5),
/// and the best 20 % is 0.8 of the first customer, i.e. 40 / 100 = 0.4 of the value.
/// </summary>
public static class Pareto
{
    /// <summary>201 points: one per half percent of customers, enough for a smooth chart.</summary>
    public const int DefaultCurvePoints = 201;

    private const decimal EightyPercent = 0.8m;
    private const decimal TwentyPercent = 0.2m;

    public static ParetoAnalysis Analyse(ReadOnlySpan<CustomerValue> values, int curvePoints = DefaultCurvePoints)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(curvePoints, 2);

        var positives = 0;
        var negative = 0m;
        foreach (var value in values)
        {
            if (value.Value > 0)
            {
                positives++;
            }
            else
            {
                negative += value.Value;
            }
        }

        var n = values.Length;
        if (positives == 0)
        {
            return new ParetoAnalysis(n, 0, 0m, negative, [], null, null, null);
        }

        var sorted = new decimal[positives];
        var next = 0;
        foreach (var value in values)
        {
            if (value.Value > 0)
            {
                sorted[next++] = value.Value;
            }
        }

        Array.Sort(sorted);
        Array.Reverse(sorted);
        var curve = new Cumulative(sorted, n);

        return new ParetoAnalysis(
            n,
            positives,
            curve.Total,
            negative,
            Points(curve, curvePoints),
            curve.CustomerShareHolding(EightyPercent),
            curve.ValueShareOf(TwentyPercent),
            curve.Gini());
    }

    /// <summary>
    /// The <paramref name="count"/> customers with the highest value, best first; equal values in ascending customer id.
    /// Raw values are ranked, so a net refund ranks below zero. O(n log count) with one heap of <paramref name="count"/> entries.
    /// </summary>
    public static CustomerValue[] Top(ReadOnlySpan<CustomerValue> values, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var keep = Math.Min(count, values.Length);
        if (keep == 0)
        {
            return [];
        }

        // The heap's root is the worst customer kept so far; a better newcomer replaces it.
        var kept = new PriorityQueue<CustomerValue, CustomerValue>(keep, WorstFirst.Instance);
        foreach (var value in values)
        {
            if (kept.Count < keep)
            {
                kept.Enqueue(value, value);
            }
            else if (WorstFirst.Instance.Compare(value, kept.Peek()) > 0)
            {
                kept.DequeueEnqueue(value, value);
            }
        }

        var best = new CustomerValue[keep];
        for (var i = keep - 1; i >= 0; i--)
        {
            best[i] = kept.Dequeue();
        }

        return best;
    }

    private static ParetoPoint[] Points(Cumulative curve, int maxPoints)
    {
        var n = curve.Customers;
        if (n + 1 <= maxPoints)
        {
            var every = new ParetoPoint[n + 1];
            for (var i = 0; i <= n; i++)
            {
                every[i] = new ParetoPoint((decimal)i / n, curve.ValueShareOfFirst(i));
            }

            return every;
        }

        // Evenly spaced customer shares, each read exactly from the curve's segments.
        var points = new ParetoPoint[maxPoints];
        for (var j = 0; j < maxPoints; j++)
        {
            var share = (decimal)j / (maxPoints - 1);
            points[j] = new ParetoPoint(share, curve.ValueShareOf(share));
        }

        return points;
    }

    /// <summary>Customers sorted best first with running totals; customers past the positive ones add nothing.</summary>
    private sealed class Cumulative
    {
        private readonly decimal[] _values;
        private readonly decimal[] _running;

        public Cumulative(decimal[] descending, int customers)
        {
            _values = descending;
            _running = new decimal[descending.Length + 1];
            for (var i = 0; i < descending.Length; i++)
            {
                _running[i + 1] = _running[i] + descending[i];
            }

            Customers = customers;
        }

        public int Customers { get; }

        public decimal Total => _running[^1];

        /// <summary>Share of value held by the best <paramref name="count"/> whole customers.</summary>
        public decimal ValueShareOfFirst(int count) => count >= _values.Length ? 1m : _running[count] / Total;

        /// <summary>Share of value held by the best <paramref name="customerShare"/> of customers, the last one in part.</summary>
        public decimal ValueShareOf(decimal customerShare)
        {
            var position = customerShare * Customers;
            var whole = (int)decimal.Floor(position);
            if (whole >= _values.Length)
            {
                return 1m;
            }

            return (_running[whole] + (position - whole) * _values[whole]) / Total;
        }

        /// <summary>The smallest customer share whose value reaches <paramref name="valueShare"/> of the total.</summary>
        public decimal CustomerShareHolding(decimal valueShare)
        {
            var target = valueShare * Total;
            // First count of customers whose running total reaches the target; running totals strictly increase.
            var found = Array.BinarySearch(_running, target);
            var reaching = found >= 0 ? found : ~found;
            if (found >= 0)
            {
                return (decimal)reaching / Customers;
            }

            var before = reaching - 1;
            var part = (target - _running[before]) / _values[before];
            return (before + part) / Customers;
        }

        public decimal Gini()
        {
            // Area under the curve by trapezoids: customer i adds (y(i−1) + y(i)) / 2n; customers with no value add 1 / n.
            // Summed in double: the sum of running totals can exceed decimal's range, and 15 digits are plenty here.
            var total = (double)Total;
            var area = 0.0;
            var previous = 0.0;
            for (var i = 1; i < _running.Length; i++)
            {
                var share = (double)_running[i] / total;
                area += (previous + share) / 2;
                previous = share;
            }

            area += Customers - _values.Length;
            var gini = 2 * area / Customers - 1;
            return Math.Clamp(Math.Round((decimal)gini, 12), 0m, 1m);
        }
    }

    private sealed class WorstFirst : IComparer<CustomerValue>
    {
        public static readonly WorstFirst Instance = new();

        /// <summary>Orders by value ascending, then customer id descending: the smallest entry is the worst.</summary>
        public int Compare(CustomerValue x, CustomerValue y)
        {
            var byValue = x.Value.CompareTo(y.Value);
            return byValue != 0 ? byValue : y.CustomerId.CompareTo(x.CustomerId);
        }
    }
}
