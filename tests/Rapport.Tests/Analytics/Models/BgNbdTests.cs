using Rapport.Analytics.Models;

namespace Rapport.Tests.Analytics.Models;

/// <summary>BG/NBD against Fader, Hardie &amp; Lee (2005) and Hardie's spreadsheet (shared/data/clv/README.md).</summary>
public sealed class BgNbdTests
{
    private static readonly BgNbdModel Published = new(0.243, 4.414, 0.793, 2.426);

    private static readonly Lazy<PurchaseModelFit> CdnowFit = new(() => BgNbd.Fit(ClvData.Cdnow.Rows));

    [Fact]
    public void Fit_on_the_CDNOW_sample_reproduces_the_published_parameters_and_log_likelihood()
    {
        var fit = CdnowFit.Value;

        fit.Name.Should().Be("bgnbd");
        fit.Converged.Should().BeTrue();
        fit.Warnings.Should().BeEmpty();
        fit.Parameters.ToDictionary(p => p.Key, p => Math.Round(p.Value, 3)).Should().Equal(
            new Dictionary<string, double> { ["r"] = 0.243, ["alpha"] = 4.414, ["a"] = 0.793, ["b"] = 2.426 });
        fit.LogLikelihood.Should().BeApproximately(-9582.4, 0.05);
        (fit.Customers, fit.RepeatCustomers).Should().Be((2357, 946));
        fit.GradientNorm.Should().BeLessThan(1e-6);
        fit.StandardErrors.Keys.Should().BeEquivalentTo(["r", "alpha", "a", "b"]);
        fit.StandardErrors.Values.Should().OnlyContain(se => se > 0 && se < 1);
    }

    [Fact]
    public void Fit_on_the_two_decimal_summary_file_lands_on_the_same_likelihood()
    {
        var fit = BgNbd.Fit([.. ClvData.PublishedCdnowSummary().Select(p => p.Summary)]);

        fit.LogLikelihood.Should().BeApproximately(-9582.4, 0.05);
        fit.Parameters["r"].Should().BeApproximately(0.243, 0.001);
        fit.Parameters["b"].Should().BeApproximately(2.426, 0.001);
    }

    [Fact]
    public void Log_likelihood_at_the_published_parameters_is_the_published_one()
    {
        Published.LogLikelihood(ClvData.Cdnow.Rows).Should().BeApproximately(-9582.4, 0.05);
    }

    [Fact]
    public void Conditional_expectation_matches_Hardies_spreadsheet()
    {
        Published.ConditionalExpectedPurchases(39, 2, 30.43, 38.86).Should().BeApproximately(1.226, 0.0005);
    }

    [Theory]
    [InlineData(0.1429, 0.0078)]
    [InlineData(1, 0.0532)]
    [InlineData(3, 0.1506)]
    [InlineData(31.8571, 1.0405)]
    [InlineData(32, 1.0437)]
    [InlineData(78, 1.8576)]
    public void Unconditional_expectation_matches_the_published_values(double t, double expected)
    {
        // Published to 4 decimals from a fit of its own; lifetimes checks the same values to 3 decimals.
        CdnowFit.Value.ExpectedPurchases(t).Should().BeApproximately(expected, 1e-3);
    }

    [Fact]
    public void Probability_of_purchase_counts_matches_the_published_values()
    {
        Published.ProbabilityOfPurchases(0, 39).Should().BeApproximately(0.5737864, 5e-8);
        Published.ProbabilityOfPurchases(10, 2).Should().BeApproximately(1.07869e-7, 5e-13);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(39)]
    [InlineData(500)]
    public void Probabilities_of_purchase_counts_sum_to_one_and_their_mean_is_the_expectation(double t)
    {
        // At t = 500 the expectation leaves the hypergeometric series for the integral over p: the two agree.
        var p = Enumerable.Range(0, 6000).Select(n => Published.ProbabilityOfPurchases(n, t)).ToList();

        p.Sum().Should().BeApproximately(1, 1e-9);
        p.Select((pn, n) => n * pn).Sum().Should().BeApproximately(Published.ExpectedPurchases(t), 1e-8);
    }

    [Fact]
    public void Expectations_are_continuous_through_a_equal_to_one()
    {
        var below = new BgNbdModel(0.5, 5, 1 - 1e-9, 2).ConditionalExpectedPurchases(30, 3, 20, 35);
        var at = new BgNbdModel(0.5, 5, 1, 2).ConditionalExpectedPurchases(30, 3, 20, 35);
        var above = new BgNbdModel(0.5, 5, 1 + 1e-9, 2).ConditionalExpectedPurchases(30, 3, 20, 35);

        at.Should().BeApproximately(below, 1e-8).And.BeApproximately(above, 1e-8);
    }

    [Fact]
    public void Probability_alive_is_one_without_repeat_purchases_and_falls_with_time_since_the_last()
    {
        Published.ProbabilityAlive(0, 0, 38).Should().Be(1);
        var recent = Published.ProbabilityAlive(4, 37, 38);
        var lapsed = Published.ProbabilityAlive(4, 10, 38);

        recent.Should().BeGreaterThan(lapsed);
        lapsed.Should().BeInRange(0, 1);
    }

    [Fact]
    public void Calibration_versus_holdout_follows_what_customers_did()
    {
        var table = PurchaseModelDiagnostics.CalibrationVersusHoldout(CdnowFit.Value, ClvData.Cdnow.Rows, 39);

        table.Select(r => r.Frequency).Should().Equal("0", "1", "2", "3", "4", "5", "6", "7+");
        table.Select(r => r.Customers).Should().Equal(1411, 439, 214, 100, 62, 38, 29, 64);
        table.Sum(r => r.ActualPurchases * r.Customers).Should().BeApproximately(1882, 1e-9);
        table[0].ActualPurchases.Should().BeApproximately(334.0 / 1411, 1e-12);
        foreach (var row in table)
        {
            row.PredictedPurchases.Should().BeApproximately(row.ActualPurchases, 0.4, $"frequency {row.Frequency}");
        }
    }

    [Fact]
    public void The_online_retail_fit_puts_a_near_zero_and_says_it_is_unreliable()
    {
        var summary = RepeatSummaryBuilder.Build(ClvData.OnlineRetailPurchases(), new RepeatSummaryOptions(new DateOnly(2011, 12, 9)));

        var fit = BgNbd.Fit(summary.Rows);

        summary.Rows.Should().HaveCount(4338);
        fit.Parameters["a"].Should().BeLessThan(0.01);
        fit.Warnings.Should().Contain(w => w.Code == ModelWarning.PoorlyDetermined && w.Message.StartsWith("Parameter a = "));
        double.IsFinite(fit.LogLikelihood).Should().BeTrue();
        summary.Rows.Take(200).Should().OnlyContain(c =>
            fit.ProbabilityAlive(c) >= 0 && fit.ProbabilityAlive(c) <= 1 && double.IsFinite(fit.ConditionalExpectedPurchases(52, c)));
    }

    [Theory]
    [InlineData(30, 120, 0, 0.0, 30.0, 39)]
    [InlineData(30, 120, 4, 20.0, 38.0, 52)]
    [InlineData(25, 22, 9, 30.0, 31.0, 26)]
    [InlineData(60, 250, 2, 5.0, 40.0, 52)]
    public void The_expectation_integrated_in_p_agrees_with_the_series_where_both_work(double a, double b, int x, double tx, double age, double t)
    {
        var model = new BgNbdModel(0.9, 6.0, a, b);

        var bySeries = model.ConditionalExpectedPurchases(t, x, tx, age) / model.ProbabilityAlive(x, tx, age);
        var byQuadrature = model.ExpectedWhileAliveByQuadrature(t, x, age);

        byQuadrature.Should().BeApproximately(bySeries, 1e-7 * bySeries);
    }

    [Fact]
    public void Very_large_dropout_shapes_still_give_the_expectation_of_a_nearly_fixed_dropout_probability()
    {
        // A small shop's fit (61 customers) put a ≈ 2,135 and b at its bound: the posterior of p is a spike at
        // a / (a + b + x), where the Beta substitution underflowed and the expectation came out as 0.
        var model = new BgNbdModel(2.291069496343046, 11.295780737131926, 2135.1230983840687, 10000);

        var expected = model.ConditionalExpectedPurchases(52.14, 11, 39.3, 42.1);
        var alive = model.ProbabilityAlive(11, 39.3, 42.1);

        // With p fixed: E[X(t) | alive] = (1 − (1 + p t / (α + T))^−(r + x)) / p.
        var p = 2135.1230983840687 / (2135.1230983840687 + 10011);
        var fixedP = (1 - Math.Exp(-(2.291069496343046 + 11) * Math.Log(1 + (p * 52.14 / (11.295780737131926 + 42.1))))) / p;
        (expected / alive).Should().BeApproximately(fixedP, 0.01 * fixedP);
        expected.Should().BeGreaterThan(3);
    }
}
