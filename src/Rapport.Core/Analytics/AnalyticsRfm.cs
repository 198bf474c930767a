namespace Rapport.Analytics;

/// <summary>A customer's stored RFM scores and segment key (all null for customers not included in the run).</summary>
internal readonly record struct StoredRfm(int? Recency, int? Frequency, int? Monetary, string? SegmentKey);

/// <summary>
/// RFM over the configured window ending on the as-of day: recency is the days since the last purchase, frequency the
/// transactions in the window, monetary value their revenue. Customers who bought before the window but not in it are
/// worse than everyone who did on all three counts: they score 1, 1, 1 and fall in the grid's R 1 / FM 1 cell (Lost).
/// </summary>
internal sealed class AnalyticsRfm
{
    private static readonly Dictionary<RfmSegment, string> Keys = RfmSegments.All.ToDictionary(d => d.Segment, d => d.Key);

    private AnalyticsRfm(StoredRfm[] scores, RfmSection section) => (Scores, Section) = (scores, section);

    public StoredRfm[] Scores { get; }
    public RfmSection Section { get; }

    public static string KeyOf(RfmSegment segment) => Keys[segment];

    public static AnalyticsRfm Score(CustomerFacts customers, PurchaseHistory history, DateOnly asOf, AnalyticsSettings settings)
    {
        var window = new RfmWindow(asOf, asOf.DayNumber - asOf.AddMonths(-settings.RfmWindowMonths).DayNumber);
        var firstDay = window.FirstDay.DayNumber;
        var inputs = new RfmInput[customers.IncludedCount];
        var index = new int[customers.IncludedCount];
        var n = 0;
        for (var i = 0; i < customers.Count; i++)
        {
            if (!customers.Included[i])
            {
                continue;
            }

            int orders = 0, lastDay = 0;
            double value = 0;
            for (var d = history.Offsets[i]; d < history.Offsets[i + 1]; d++)
            {
                var day = history.Days[d];
                if (day >= firstDay && day <= asOf.DayNumber)
                {
                    orders += history.Orders[d];
                    value += history.Values[d];
                    lastDay = day;
                }
            }

            index[n] = i;
            inputs[n++] = new RfmInput(history.CustomerIds[i], orders > 0 ? asOf.DayNumber - lastDay : 0, orders, CustomerFacts.Money(value));
        }

        var result = Rfm.Score(inputs, window);
        var scores = new StoredRfm[customers.Count];
        var grid = new int[5][];
        for (var r = 0; r < 5; r++)
        {
            grid[r] = new int[5];
        }

        var sizes = new Dictionary<RfmSegment, (int Customers, decimal Revenue)>();
        var lapsed = 0;
        for (var k = 0; k < n; k++)
        {
            var i = index[k];
            var score = result.Scores[k];
            var (r, f, m) = score.IsScored ? (score.Recency, score.Frequency, score.Monetary) : (1, 1, 1);
            if (!score.IsScored)
            {
                lapsed++;
            }

            var fm = (f + m) / 2;
            var segment = RfmSegments.Of(r, fm);
            scores[i] = new StoredRfm(r, f, m, Keys[segment]);
            grid[r - 1][fm - 1]++;
            var size = sizes.GetValueOrDefault(segment);
            sizes[segment] = (size.Customers + 1, size.Revenue + customers.Revenue[i]);
        }

        var section = new RfmSection(
            window.FirstDay,
            window.Days,
            result.ScoredCustomers,
            lapsed,
            [.. RfmSegments.All.Select(d => new SegmentSize(d.Key, sizes.GetValueOrDefault(d.Segment).Customers, sizes.GetValueOrDefault(d.Segment).Revenue))],
            grid,
            Bands(result.RecencyBands),
            Bands(result.FrequencyBands),
            Bands(result.MonetaryBands));
        return new AnalyticsRfm(scores, section);
    }

    private static List<ScoreBand> Bands(IReadOnlyList<RfmBand> bands) => [.. bands.Select(b => new ScoreBand(b.Score, b.Min, b.Max, b.Customers))];
}
