using Rapport.Analytics.Models;

namespace Rapport.Tests.Analytics.Models;

public sealed class CustomerLifetimeValueTests
{
    private static readonly BgNbdModel Purchases = new(0.243, 4.414, 0.793, 2.426);
    private static readonly RepeatSummary Customer = new(2, 30.43, 38.86, 22.35);

    [Fact]
    public void Sums_each_months_expected_purchases_times_spend_and_margin_discounted_monthly()
    {
        var options = new ClvOptions(Months: 3, MonthlyDiscountRate: 0.02, Margin: 0.3);
        double E(double months) => Purchases.ConditionalExpectedPurchases(months * ClvOptions.WeeksPerMonth, Customer);
        var expected = 40 * 0.3 * ((E(1) / 1.02) + ((E(2) - E(1)) / (1.02 * 1.02)) + ((E(3) - E(2)) / Math.Pow(1.02, 3)));

        CustomerLifetimeValue.Compute(Purchases, Customer, 40, options).Should().BeApproximately(expected, 1e-12);
    }

    [Fact]
    public void Without_discounting_it_is_the_expected_purchases_over_the_horizon_times_spend()
    {
        var value = CustomerLifetimeValue.Compute(Purchases, Customer, 40, new ClvOptions(Months: 12, MonthlyDiscountRate: 0));

        value.Should().BeApproximately(40 * Purchases.ConditionalExpectedPurchases(12 * 4.345, Customer), 1e-10);
    }

    [Fact]
    public void Uses_the_spend_models_expectation_for_the_customer()
    {
        var spend = new GammaGammaModel(6.25, 3.74, 15.44);
        var options = new ClvOptions(PeriodsPerMonth: ClvOptions.PeriodsPerMonthOf(SummaryPeriod.Week));

        CustomerLifetimeValue.Compute(Purchases, spend, Customer, options).Should().BeApproximately(
            CustomerLifetimeValue.Compute(Purchases, Customer, spend.ConditionalExpectedAverageSpend(2, 22.35), options), 1e-12);
        ClvOptions.PeriodsPerMonthOf(SummaryPeriod.Day).Should().Be(30);
    }

    [Fact]
    public void Invalid_options_and_spend_are_refused()
    {
        foreach (var options in new[] { new ClvOptions(Months: 0), new ClvOptions(MonthlyDiscountRate: -0.1), new ClvOptions(Margin: double.NaN), new ClvOptions(PeriodsPerMonth: 0) })
        {
            var compute = () => CustomerLifetimeValue.Compute(Purchases, Customer, 40, options);
            compute.Should().Throw<ArgumentException>().WithMessage("Invalid CLV options*");
        }

        var negativeSpend = () => CustomerLifetimeValue.Compute(Purchases, Customer, -1, new ClvOptions());
        negativeSpend.Should().Throw<ArgumentOutOfRangeException>();
    }
}
