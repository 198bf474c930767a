using FsCheck;
using FsCheck.Fluent;
using Rapport.Analytics;

namespace Rapport.Tests.Analytics;

/// <summary>Quintile scores on hand-computed populations, tie determinism for any input order, and the window's rules.</summary>
public sealed class RfmTests
{
    private static readonly RfmWindow Year = new(new DateOnly(2025, 12, 31), 365);

    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(300);

    [Fact]
    public void Ten_customers_get_the_hand_computed_quintiles()
    {
        // n = 10, so a value with w strictly worse customers scores 1 + ⌊w / 2⌋.
        int[] days = [0, 5, 5, 10, 20, 30, 40, 60, 90, 200];
        int[] purchases = [5, 1, 1, 1, 2, 1, 3, 1, 2, 1];
        decimal[] revenue = [100, 10, 20, 30, 40, 50, 60, 70, 80, 90];
        var input = Enumerable.Range(0, 10).Select(i => new RfmInput(i + 1, days[i], purchases[i], revenue[i])).ToArray();

        var result = Rfm.Score(input, Year);

        result.ScoredCustomers.Should().Be(10);
        result.Scores.Select(s => s.CustomerId).Should().Equal(input.Select(c => c.CustomerId));
        // Recency: 200 days has w = 0 … 0 days has w = 9; the two customers at 5 days share w = 7.
        result.Scores.Select(s => s.Recency).Should().Equal(5, 4, 4, 4, 3, 3, 2, 2, 1, 1);
        // Frequency: six single buyers (w = 0) score 1; the twos have w = 6; the three and the five have w = 8 and 9.
        result.Scores.Select(s => s.Frequency).Should().Equal(5, 1, 1, 1, 4, 1, 5, 1, 4, 1);
        result.Scores.Select(s => s.Monetary).Should().Equal(5, 1, 1, 2, 2, 3, 3, 4, 4, 5);
    }

    [Fact]
    public void Bands_say_which_raw_values_each_score_covered()
    {
        int[] days = [0, 5, 5, 10, 20, 30, 40, 60, 90, 200];
        int[] purchases = [5, 1, 1, 1, 2, 1, 3, 1, 2, 1];
        var input = Enumerable.Range(0, 10).Select(i => new RfmInput(i + 1, days[i], purchases[i], 10m * (i + 1))).ToArray();

        var result = Rfm.Score(input, Year);

        result.RecencyBands.Should().Equal(
            new RfmBand(1, 90, 200, 2), new RfmBand(2, 40, 60, 2), new RfmBand(3, 20, 30, 2), new RfmBand(4, 5, 10, 3), new RfmBand(5, 0, 0, 1));
        result.FrequencyBands.Should().Equal(new RfmBand(1, 1, 1, 6), new RfmBand(4, 2, 2, 2), new RfmBand(5, 3, 5, 2));
        result.MonetaryBands.Should().Equal(
            new RfmBand(1, 10, 20, 2), new RfmBand(2, 30, 40, 2), new RfmBand(3, 50, 60, 2), new RfmBand(4, 70, 80, 2), new RfmBand(5, 90, 100, 2));
    }

    [Fact]
    public void Customers_without_purchases_in_the_window_are_unscored_and_not_counted()
    {
        RfmInput[] input =
        [
            new(1, 3, 1, 10m),
            new(2, 0, 0, 0m),
            new(3, 1, 2, 30m),
            new(4, 400, 0, 0m),
            new(5, 2, 1, 20m),
        ];

        var result = Rfm.Score(input, Year);

        result.ScoredCustomers.Should().Be(3);
        result.Scores[1].Should().Be(new RfmScore(2, 0, 0, 0));
        result.Scores[1].IsScored.Should().BeFalse();
        result.Scores[1].Segment.Should().BeNull();
        result.Scores[3].IsScored.Should().BeFalse();
        // n = 3: w = 0, 1, 2 give 1, 2 (1 + ⌊5/3⌋) and 4 (1 + ⌊10/3⌋); scores 3 and 5 are unused with so few customers.
        result.Scores[0].Should().Be(new RfmScore(1, 1, 1, 1));
        result.Scores[4].Should().Be(new RfmScore(5, 2, 1, 2));
        result.Scores[2].Should().Be(new RfmScore(3, 4, 4, 4));
    }

    [Fact]
    public void No_customers_and_one_customer_are_scored_without_surprises()
    {
        var empty = Rfm.Score([], Year);
        empty.Scores.Should().BeEmpty();
        empty.ScoredCustomers.Should().Be(0);
        empty.RecencyBands.Should().BeEmpty();

        // Nobody to beat: one customer is worst and best at once and scores 1 everywhere.
        var one = Rfm.Score([new RfmInput(7, 0, 3, 99m)], Year);
        one.Scores.Should().Equal(new RfmScore(7, 1, 1, 1));
        one.Scores[0].Segment.Should().Be(RfmSegment.Lost);
    }

    [Fact]
    public void Everyone_equal_scores_one_on_every_dimension()
    {
        var input = Enumerable.Range(1, 50).Select(i => new RfmInput(i, 7, 1, 25m)).ToArray();

        var result = Rfm.Score(input, Year);

        result.Scores.Should().OnlyContain(s => s.Recency == 1 && s.Frequency == 1 && s.Monetary == 1);
        result.FrequencyBands.Should().Equal(new RfmBand(1, 1, 1, 50));
    }

    [Fact]
    public void Net_refunds_rank_below_every_positive_spend()
    {
        RfmInput[] input = [new(1, 1, 1, -40m), new(2, 1, 1, 0m), new(3, 1, 1, 15m), new(4, 1, 1, 5m), new(5, 1, 1, 1000m)];

        var result = Rfm.Score(input, Year);

        result.Scores.Select(s => s.Monetary).Should().Equal(1, 2, 4, 3, 5);
    }

    [Fact]
    public void Scores_feed_the_segment_through_the_average_of_frequency_and_monetary_rounded_down()
    {
        new RfmScore(1, 5, 1, 2).FrequencyMonetary.Should().Be(1);
        new RfmScore(1, 5, 1, 2).Segment.Should().Be(RfmSegment.New);
        new RfmScore(1, 5, 3, 5).Segment.Should().Be(RfmSegment.Champions);
        new RfmScore(1, 1, 5, 5).Segment.Should().Be(RfmSegment.CantLoseThem);
        new RfmScore(1, 1, 4, 5).Segment.Should().Be(RfmSegment.AtRisk);
    }

    [Fact]
    public void Input_outside_the_window_is_a_caller_bug()
    {
        var week = new RfmWindow(new DateOnly(2025, 6, 30), 7);

        FluentActions.Invoking(() => Rfm.Score([new RfmInput(1, 7, 1, 1m)], week)).Should().Throw<ArgumentException>().WithMessage("*7 days*");
        FluentActions.Invoking(() => Rfm.Score([new RfmInput(1, -1, 1, 1m)], week)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => Rfm.Score([new RfmInput(1, 0, -1, 1m)], week)).Should().Throw<ArgumentException>();
        // Unscored customers may carry any recency: their last purchase can predate the window.
        Rfm.Score([new RfmInput(1, 900, 0, 0m)], week).ScoredCustomers.Should().Be(0);
    }

    [Fact]
    public void Window_counts_days_inclusively_and_recency_to_its_last_day()
    {
        var week = new RfmWindow(new DateOnly(2025, 6, 30), 7);

        week.FirstDay.Should().Be(new DateOnly(2025, 6, 24));
        week.Contains(new DateOnly(2025, 6, 24)).Should().BeTrue();
        week.Contains(new DateOnly(2025, 6, 23)).Should().BeFalse();
        week.Contains(new DateOnly(2025, 7, 1)).Should().BeFalse();
        week.RecencyDays(new DateOnly(2025, 6, 30)).Should().Be(0);
        week.RecencyDays(new DateOnly(2025, 6, 24)).Should().Be(6);
        FluentActions.Invoking(() => new RfmWindow(new DateOnly(2025, 6, 30), 0)).Should().Throw<ArgumentOutOfRangeException>();
    }

    public sealed record Population(RfmInput[] Customers, int ShuffleSeed)
    {
        public override string ToString() =>
            $"seed {ShuffleSeed}: {string.Join(' ', Customers.Select(c => $"({c.RecencyDays},{c.Frequency},{c.Monetary})"))}";
    }

    /// <summary>Small ranges on purpose: ties on every dimension, single buyers dominating, refunds, unscored customers.</summary>
    private static Arbitrary<Population> Populations()
    {
        var customer =
            from days in Gen.Choose(0, 30)
            from frequency in Gen.Frequency((6, Gen.Constant(1)), (2, Gen.Choose(0, 3)), (1, Gen.Choose(1, 40)))
            from cents in Gen.Choose(-500, 5000)
            select (days, frequency, amount: cents / 4 * 4 / 100m);
        return (from rows in Gen.ArrayOf(customer)
                from seed in Gen.Choose(0, int.MaxValue)
                select new Population(
                    [.. rows.Select((row, i) => new RfmInput(i + 1, row.days, row.frequency, row.amount))], seed)).ToArbitrary();
    }

    [Fact]
    public void Shuffling_the_input_never_changes_a_customers_scores()
    {
        var window = new RfmWindow(new DateOnly(2025, 1, 31), 31);
        Prop.ForAll(Populations(), population =>
        {
            var shuffled = population.Customers.ToArray();
            new Random(population.ShuffleSeed).Shuffle(shuffled);

            var original = Rfm.Score(population.Customers, window).Scores.OrderBy(s => s.CustomerId);
            var reordered = Rfm.Score(shuffled, window).Scores.OrderBy(s => s.CustomerId);

            reordered.Should().Equal(original);
            return true;
        }).Check(Runs);
    }

    [Fact]
    public void Equal_values_share_a_score_better_values_never_score_lower_and_few_reach_the_top()
    {
        var window = new RfmWindow(new DateOnly(2025, 1, 31), 31);
        Prop.ForAll(Populations(), population =>
        {
            var input = population.Customers;
            var result = Rfm.Score(input, window);
            var scored = input.Zip(result.Scores).Where(pair => pair.Second.IsScored).ToArray();
            var n = scored.Length;

            result.ScoredCustomers.Should().Be(input.Count(c => c.Frequency > 0));
            foreach (var (a, sa) in scored)
            {
                foreach (var (b, sb) in scored)
                {
                    if (a.RecencyDays <= b.RecencyDays)
                    {
                        sa.Recency.Should().BeGreaterThanOrEqualTo(sb.Recency);
                    }

                    if (a.Frequency >= b.Frequency)
                    {
                        sa.Frequency.Should().BeGreaterThanOrEqualTo(sb.Frequency);
                    }

                    if (a.Monetary >= b.Monetary)
                    {
                        sa.Monetary.Should().BeGreaterThanOrEqualTo(sb.Monetary);
                    }
                }
            }

            // At most (6 − s) fifths of the customers hold score s or better.
            for (var s = 1; s <= 5; s++)
            {
                (5 * scored.Count(p => p.Second.Recency >= s)).Should().BeLessThanOrEqualTo((6 - s) * n);
                (5 * scored.Count(p => p.Second.Frequency >= s)).Should().BeLessThanOrEqualTo((6 - s) * n);
                (5 * scored.Count(p => p.Second.Monetary >= s)).Should().BeLessThanOrEqualTo((6 - s) * n);
            }

            result.FrequencyBands.Sum(b => b.Customers).Should().Be(n);
            return true;
        }).Check(Runs);
    }
}
