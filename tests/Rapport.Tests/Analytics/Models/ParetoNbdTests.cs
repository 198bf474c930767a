using Rapport.Analytics.Models;

namespace Rapport.Tests.Analytics.Models;

/// <summary>Pareto/NBD against the CDNOW fit of Fader, Hardie &amp; Lee (2005) (shared/data/clv/README.md).</summary>
public sealed class ParetoNbdTests
{
    private static readonly ParetoNbdModel Published = new(0.553, 10.578, 0.606, 11.669);

    [Fact]
    public void Fit_on_the_CDNOW_sample_reproduces_the_published_parameters_and_log_likelihood()
    {
        var fit = ParetoNbd.Fit(ClvData.Cdnow.Rows);

        fit.Name.Should().Be("paretonbd");
        fit.Converged.Should().BeTrue();
        fit.Warnings.Should().BeEmpty();
        fit.Parameters.ToDictionary(p => p.Key, p => Math.Round(p.Value, 3)).Should().Equal(
            new Dictionary<string, double> { ["r"] = 0.553, ["alpha"] = 10.578, ["s"] = 0.606, ["beta"] = 11.669 });
        fit.LogLikelihood.Should().BeApproximately(-9595.0, 0.05);
    }

    [Fact]
    public void Log_likelihood_at_the_published_parameters_is_the_published_one()
    {
        Published.LogLikelihood(ClvData.Cdnow.Rows).Should().BeApproximately(-9595.0, 0.05);
    }

    [Fact]
    public void A_frequent_recent_buyer_expects_the_published_purchases_and_is_almost_surely_alive()
    {
        Published.ConditionalExpectedPurchases(52, 26, 30.86, 31).Should().BeApproximately(25.46, 0.005);
        Published.ProbabilityAlive(26, 30.86, 31).Should().BeApproximately(0.998, 0.0005);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(39)]
    public void Probabilities_of_purchase_counts_sum_to_one_and_their_mean_is_the_expectation(double t)
    {
        var p = Enumerable.Range(0, 400).Select(n => Published.ProbabilityOfPurchases(n, t)).ToList();

        p.Sum().Should().BeApproximately(1, 1e-8);
        p.Select((pn, n) => n * pn).Sum().Should().BeApproximately(Published.ExpectedPurchases(t), 1e-7);
    }

    [Fact]
    public void Expectations_are_continuous_through_s_equal_to_one()
    {
        double At(double s) => new ParetoNbdModel(0.5, 10, s, 12).ConditionalExpectedPurchases(52, 3, 20, 38);

        At(1).Should().BeApproximately(At(1 - 1e-9), 1e-7).And.BeApproximately(At(1 + 1e-9), 1e-7);
        new ParetoNbdModel(0.5, 10, 1, 12).ExpectedPurchases(39).Should().BeApproximately(0.5 / 10 * 12 * Math.Log(1 + (39.0 / 12)), 1e-12);
    }

    [Theory]
    [InlineData(0.55, 10.6, 0.6, 11.7, 0, 0, 38)] // CDNOW, α < β
    [InlineData(0.55, 10.6, 0.6, 11.7, 26, 30.86, 31)]
    [InlineData(0.55, 50, 0.6, 1, 5, 2, 38)] // α ≥ β
    [InlineData(0.8, 10, 1e-4, 3e5, 20, 30, 50)] // z close to 1: the small-ratio series
    [InlineData(0.8, 10, 0.01, 3000, 131, 40, 52)] // large x: the series' own limits, then the integral
    [InlineData(1, 1000, 2, 0.5, 50, 10, 40)] // α ≫ β with large r + x
    [InlineData(3, 5000, 45, 5, 2, 1, 39)]
    [InlineData(1, 1e-3, 1, 10, 2, 0, 40)] // integer parameters, where connection formulas have poles
    public void Likelihood_is_the_integral_over_the_time_of_death(double r, double alpha, double s, double beta, int x, double tx, double age)
    {
        // ln(s I), I = ∫_{t_x}^{T} (α + y)^−(r+x) (β + y)^−(s+1) dy, integrated by brute force in ln(min(α, β) + y).
        var m = Math.Min(alpha, beta);
        var integral = new double[1];
        AdaptiveQuadrature.Integrate((u, v) =>
        {
            var y = Math.Exp(u) - m;
            v[0] = Math.Exp(u - ((r + x) * Math.Log(alpha + y)) - ((s + 1) * Math.Log(beta + y)));
        }, Math.Log(m + tx), Math.Log(m + age), integral, 1e-13);

        var (_, died) = ParetoNbdLikelihood.Terms(new ParetoNbdModel(r, alpha, s, beta), x, tx, age);

        died.Should().BeApproximately(Math.Log(s) + Math.Log(integral[0]), 1e-10);
    }

    [Fact]
    public void The_online_retail_fit_reports_dropout_the_data_cannot_see()
    {
        var summary = RepeatSummaryBuilder.Build(ClvData.OnlineRetailPurchases(), new RepeatSummaryOptions(new DateOnly(2011, 12, 9)));

        var fit = ParetoNbd.Fit(summary.Rows);

        fit.Warnings.Select(w => w.Code).Should().Contain(ModelWarning.ParameterAtBound);
        double.IsFinite(fit.LogLikelihood).Should().BeTrue();
        summary.Rows.Take(200).Should().OnlyContain(c =>
            fit.ProbabilityAlive(c) >= 0 && fit.ProbabilityAlive(c) <= 1 && double.IsFinite(fit.ConditionalExpectedPurchases(52, c)));
    }
}
