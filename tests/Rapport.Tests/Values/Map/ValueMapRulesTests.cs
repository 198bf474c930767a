using Rapport.Values.Map;

namespace Rapport.Tests.Values.Map;

/// <summary>Placing values on the map: thresholds, quadrants and the ranking, without a database.</summary>
public sealed class ValueMapRulesTests
{
    private static ValueMapInput V(string key, int? business, double? customers, int evidence = 20) =>
        new(key, key, business, customers, evidence, 0);

    [Fact]
    public void Each_quadrant_comes_from_customer_and_business_importance_against_their_thresholds()
    {
        var (rows, threshold) = ValueMapRules.Place(
        [
            V("quality", 5, 0.80),
            V("sustainability", 2, 0.75),
            V("price", 4, 0.40),
            V("community", 1, 0.30),
        ]);

        // Median of 0.30, 0.40, 0.75, 0.80 is 0.575, inside the 0.5–0.7 clamp.
        threshold.Should().BeApproximately(0.575, 1e-9);
        var placed = rows.ToDictionary(r => r.Key);
        placed["quality"].Quadrant.Should().Be(Quadrant.Shared);
        placed["sustainability"].Quadrant.Should().Be(Quadrant.Opportunity);
        placed["price"].Quadrant.Should().Be(Quadrant.Misaligned);
        placed["community"].Quadrant.Should().Be(Quadrant.LowPriority);
        placed["price"].BusinessScore.Should().Be(0.75);
        placed["community"].BusinessScore.Should().Be(0);
        rows.Select(r => r.Key).Should().Equal("quality", "sustainability", "price", "community");
        rows.Select(r => r.Rank).Should().Equal(1, 2, 3, 4);
    }

    [Fact]
    public void A_rating_of_4_is_high_for_the_business_and_3_is_not()
    {
        var (rows, _) = ValueMapRules.Place([V("a", 4, 0.9), V("b", 3, 0.9), V("c", 4, 0.1), V("d", 3, 0.1)]);
        var placed = rows.ToDictionary(r => r.Key, r => r.Quadrant);
        placed["a"].Should().Be(Quadrant.Shared);
        placed["b"].Should().Be(Quadrant.Opportunity);
        placed["c"].Should().Be(Quadrant.Misaligned);
        placed["d"].Should().Be(Quadrant.LowPriority);
    }

    [Fact]
    public void The_customer_threshold_is_the_median_clamped_so_all_low_is_never_high_and_all_high_is_not_all_low()
    {
        ValueMapRules.CustomerThreshold([0.1, 0.2, 0.3]).Should().Be(ValueMapRules.CustomerFloor);
        ValueMapRules.CustomerThreshold([0.8, 0.9, 0.95, 0.97]).Should().Be(ValueMapRules.CustomerCeiling);
        ValueMapRules.CustomerThreshold([0.4, 0.6, 0.9]).Should().Be(0.6);
        ValueMapRules.CustomerThreshold([]).Should().BeNull();

        // Customers care little about everything: nothing is high for them, however the values compare.
        var (low, _) = ValueMapRules.Place([V("a", 5, 0.30), V("b", 2, 0.35), V("c", 5, 0.20)]);
        low.Should().OnlyContain(r => r.Quadrant == Quadrant.Misaligned || r.Quadrant == Quadrant.LowPriority);

        // Customers care a lot about everything: values at 0.7 or more are high even below the median.
        var (high, _) = ValueMapRules.Place([V("a", 5, 0.72), V("b", 2, 0.95), V("c", 5, 0.97)]);
        high.Should().OnlyContain(r => r.Quadrant == Quadrant.Shared || r.Quadrant == Quadrant.Opportunity);
    }

    [Fact]
    public void Unrated_values_and_values_with_too_little_evidence_are_listed_last_without_a_rank_or_quadrant()
    {
        var (rows, threshold) = ValueMapRules.Place(
        [
            V("quality", 5, 0.8),
            V("health", null, 0.9),
            V("ethics", 5, 0.95, evidence: ValueMapRules.MinRespondents - 1),
            V("price", 3, 0.2),
            V("innovation", 2, null, evidence: 0),
        ]);

        // Health has enough evidence and counts in the median though unrated; ethics has too little and does not.
        threshold.Should().Be(0.7);
        rows.Select(r => r.Key).Should().Equal("quality", "price", "health", "ethics", "innovation");
        rows.Select(r => r.Placement).Should().Equal("shared", "lowPriority", "unrated", "insufficientEvidence", "insufficientEvidence");
        rows.Skip(2).Should().OnlyContain(r => r.Rank == null && r.Quadrant == null);
        rows.Single(r => r.Key == "ethics").CustomerImportance.Should().BeNull();
        rows.Single(r => r.Key == "health").CustomerImportance.Should().Be(0.9);
    }

    [Fact]
    public void Anonymous_respondents_count_towards_the_evidence_a_value_needs()
    {
        var (rows, _) = ValueMapRules.Place([new ValueMapInput("quality", "Quality", 5, 0.8, 2, 3)]);
        rows.Single().Quadrant.Should().Be(Quadrant.Shared);
    }

    [Fact]
    public void Within_a_quadrant_values_rank_by_customer_times_business_importance()
    {
        var (rows, _) = ValueMapRules.Place(
        [
            V("a", 4, 0.9),
            V("b", 5, 0.8),
            V("c", 5, 0.75),
            V("z", 1, 0.1),
            V("y", 1, 0.2),
        ]);

        // b: 0.8 × 1 = 0.8; c: 0.75; a: 0.9 × 0.75 = 0.675.
        rows.Where(r => r.Quadrant == Quadrant.Shared).Select(r => r.Key).Should().Equal("b", "c", "a");
    }
}
