using Rapport.Analytics.Models;

namespace Rapport.Tests.Analytics.Models;

/// <summary>Gamma-Gamma against Fader &amp; Hardie (2013) on the CDNOW repeat buyers (shared/data/clv/README.md).</summary>
public sealed class GammaGammaTests
{
    [Fact]
    public void Fit_on_the_CDNOW_repeat_buyers_reproduces_the_published_parameters_and_spends()
    {
        var fit = GammaGamma.Fit(ClvData.Cdnow.Rows);

        fit.Converged.Should().BeTrue();
        fit.Warnings.Should().BeEmpty();
        (fit.Customers, fit.Excluded).Should().Be((946, 0));
        fit.Parameters.ToDictionary(p => p.Key, p => Math.Round(p.Value, 2)).Should().Equal(
            new Dictionary<string, double> { ["p"] = 6.25, ["q"] = 3.74, ["gamma"] = 15.44 });

        var byId = ClvData.Cdnow.Customers.Zip(ClvData.Cdnow.Rows).ToDictionary(p => p.First, p => p.Second);
        var spends = Enumerable.Range(1, 10).Select(id => Math.Round(fit.ConditionalExpectedAverageSpend(byId[id].Frequency, byId[id].MonetaryValue), 2));
        spends.Should().Equal(24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17);
    }

    [Fact]
    public void Expected_spend_shrinks_a_customers_mean_towards_the_population_mean()
    {
        var model = new GammaGammaModel(6.25, 3.74, 15.44);
        var population = model.PopulationMeanSpend;

        population.Should().BeApproximately(6.25 * 15.44 / 2.74, 1e-12);
        model.ConditionalExpectedAverageSpend(0, 0).Should().Be(population);
        model.ConditionalExpectedAverageSpend(1, 100).Should().BeInRange(population, 100);
        model.ConditionalExpectedAverageSpend(50, 100).Should().BeGreaterThan(model.ConditionalExpectedAverageSpend(1, 100));
    }

    [Fact]
    public void An_infinite_mean_is_never_returned()
    {
        var heavyTailed = new GammaGammaModel(2, 0.8, 10);
        var withObservedMean = new GammaGammaModel(2, 0.8, 10, observedMeanSpend: 42);

        heavyTailed.HasFiniteMean.Should().BeFalse();
        heavyTailed.Invoking(m => m.PopulationMeanSpend).Should().Throw<InvalidOperationException>().WithMessage("*infinite*");
        withObservedMean.ConditionalExpectedAverageSpend(0, 0).Should().Be(42);
        withObservedMean.ConditionalExpectedAverageSpend(3, 20).Should().BeApproximately(2 * (10 + 60) / (6 + 0.8 - 1), 1e-12);
        new GammaGammaModel(0.1, 0.5, 10, 42).ConditionalExpectedAverageSpend(1, 20).Should().Be(20, "p·x + q ≤ 1: the customer's own mean");
    }

    [Fact]
    public void A_fit_with_q_below_one_warns_and_falls_back_to_the_observed_mean()
    {
        // Customers' spend scales drawn from the model itself with q = 0.6: the population mean is infinite.
        var random = new Random(7);
        var customers = new List<RepeatSummary>();
        for (var i = 0; i < 3000; i++)
        {
            var nu = Sample.Gamma(random, 0.6) / 10;
            var x = 1 + random.Next(6);
            var total = Enumerable.Range(0, x).Sum(_ => Sample.Gamma(random, 4) / nu);
            customers.Add(new RepeatSummary(x, 10, 20, total / x));
        }

        var fit = GammaGamma.Fit(customers);

        fit.Parameters["q"].Should().BeLessThan(1);
        fit.Fitted.HasFiniteMean.Should().BeFalse();
        fit.Warnings.Should().Contain(w => w.Code == ModelWarning.InfiniteMeanSpend);
        fit.ConditionalExpectedAverageSpend(0, 0).Should().Be(fit.Fitted.ObservedMeanSpend!.Value);
        double.IsFinite(fit.ConditionalExpectedAverageSpend(0, 0)).Should().BeTrue();
    }

    [Fact]
    public void Repeat_buyers_with_non_positive_values_are_left_out_with_a_warning()
    {
        var customers = ClvData.Cdnow.Rows.Append(new RepeatSummary(2, 5, 30, -12)).Append(new RepeatSummary(1, 5, 30, 0)).ToList();

        var fit = GammaGamma.Fit(customers);

        (fit.Customers, fit.Excluded).Should().Be((946, 2));
        fit.Warnings.Single().Code.Should().Be(ModelWarning.NonPositiveMonetary);
        fit.ConditionalExpectedAverageSpend(2, -12).Should().Be(fit.Fitted.PopulationMeanSpend);
    }
}
