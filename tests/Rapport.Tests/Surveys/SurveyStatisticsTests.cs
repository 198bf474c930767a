using Rapport.Surveys;

namespace Rapport.Tests.Surveys;

public sealed class SurveyStatisticsTests
{
    [Fact]
    public void Nps_is_promoters_minus_detractors_in_percent()
    {
        var nps = SurveyStatistics.Nps(promoters: 50, passives: 30, detractors: 20)!;
        nps.Value.Should().BeApproximately(30, 1e-9);
        nps.Responses.Should().Be(100);
        nps.Low.Should().BeLessThan(30);
        nps.High.Should().BeGreaterThan(30);
    }

    [Fact]
    public void Nps_interval_matches_the_adjusted_wald_worked_by_hand()
    {
        // n = 100 → 103; p = 50.75/103, d = 20.75/103; centre 0.291262; var = (0.689320 − 0.084834)/103.
        var nps = SurveyStatistics.Nps(50, 30, 20)!;
        var p = 50.75 / 103;
        var d = 20.75 / 103;
        var margin = 1.959963984540054 * Math.Sqrt((p + d - (p - d) * (p - d)) / 103);
        nps.Low.Should().BeApproximately(100 * (p - d - margin), 1e-9);
        nps.High.Should().BeApproximately(100 * (p - d + margin), 1e-9);
        (nps.High - nps.Low).Should().BeInRange(29, 31, "about ±15 points at n = 100");
    }

    [Fact]
    public void Nps_of_all_promoters_still_has_an_interval_and_stays_within_the_scale()
    {
        var nps = SurveyStatistics.Nps(5, 0, 0)!;
        nps.Value.Should().Be(100);
        nps.High.Should().BeLessThanOrEqualTo(100);
        nps.Low.Should().BeLessThan(90, "five answers cannot pin the score near 100");
    }

    [Fact]
    public void Nps_interval_narrows_as_answers_grow()
    {
        var small = SurveyStatistics.Nps(5, 3, 2)!;
        var large = SurveyStatistics.Nps(500, 300, 200)!;
        small.Value.Should().BeApproximately(large.Value, 1e-9);
        (large.High - large.Low).Should().BeLessThan((small.High - small.Low) / 5);
    }

    [Fact]
    public void No_answers_gives_no_estimate()
    {
        SurveyStatistics.Nps(0, 0, 0).Should().BeNull();
        SurveyStatistics.Proportion(0, 0).Should().BeNull();
        SurveyStatistics.Mean([], 1, 5).Should().BeNull();
    }

    [Fact]
    public void Csat_uses_the_wilson_interval()
    {
        // Wilson for 8 of 10 at 95 %: 0.4902 … 0.9433 (standard published value).
        var csat = SurveyStatistics.Proportion(8, 10)!;
        csat.Value.Should().Be(0.8);
        csat.Low.Should().BeApproximately(0.4902, 5e-4);
        csat.High.Should().BeApproximately(0.9433, 5e-4);
    }

    [Fact]
    public void Csat_of_all_satisfied_keeps_a_lower_bound_below_one()
    {
        var csat = SurveyStatistics.Proportion(10, 10)!;
        csat.High.Should().BeApproximately(1, 1e-12);
        csat.Low.Should().BeApproximately(0.7225, 5e-4);
    }

    [Fact]
    public void Mean_uses_a_t_interval_clipped_to_the_scale()
    {
        var mean = SurveyStatistics.Mean([4, 5, 3, 4, 4], 1, 5)!;
        mean.Value.Should().Be(4);
        // s = sqrt(0.5), t(4) = 2.776: 4 ± 2.776 × 0.3162 = 3.122 … 4.878.
        mean.Low.Should().BeApproximately(3.122, 1e-3);
        mean.High.Should().BeApproximately(4.878, 1e-3);
        SurveyStatistics.Mean([5, 5], 1, 5)!.High.Should().Be(5);
    }

    [Theory]
    [InlineData(0, true, false)]
    [InlineData(6, true, false)]
    [InlineData(7, false, false)]
    [InlineData(8, false, false)]
    [InlineData(9, false, true)]
    [InlineData(10, false, true)]
    public void Nps_bands(int score, bool detractor, bool promoter)
    {
        SurveyStatistics.IsDetractor(score).Should().Be(detractor);
        SurveyStatistics.IsPromoter(score).Should().Be(promoter);
    }
}
