using FsCheck;
using FsCheck.Fluent;
using Rapport.Analytics;

namespace Rapport.Tests.Analytics;

/// <summary>The cohort matrix and the per-period facts on a small hand-built history, by month and by quarter.</summary>
public sealed class CohortTests
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(200);

    private static CalendarMonth M(int year, int month) => CalendarMonth.Of(year, month);

    /// <summary>
    /// Reported January–April 2025. Customer 1 first bought in December 2024 (history), 6 only in November 2024,
    /// 7 only in May 2025 (after a monthly analysis, inside a quarterly one).
    /// </summary>
    private static readonly CustomerPurchase[] History =
    [
        new(1, M(2024, 12), 15m), new(1, M(2025, 1), 20m), new(1, M(2025, 3), 30m),
        new(2, M(2025, 1), 10m), new(2, M(2025, 1), 30m), new(2, M(2025, 2), 20m),
        new(3, M(2025, 1), 40m), new(3, M(2025, 4), 10m),
        new(4, M(2025, 2), 50m), new(4, M(2025, 3), 25m), new(4, M(2025, 4), 5m),
        new(5, M(2025, 3), 100m),
        new(6, M(2024, 11), 70m),
        new(7, M(2025, 5), 60m),
    ];

    [Fact]
    public void Monthly_cohorts_follow_each_first_purchase_month()
    {
        var analysis = Cohorts.Analyse(History, M(2025, 1), M(2025, 4));

        analysis.PeriodMonths.Should().Be(1);
        analysis.Cohorts.Select(c => c.Start).Should().Equal(M(2025, 1), M(2025, 2), M(2025, 3), M(2025, 4));
        analysis.Cohorts.Select(c => c.Size).Should().Equal(2, 1, 1, 0);
        // January: customers 2 and 3; 2 comes back in February, 3 in April.
        analysis.Cohorts[0].ActiveCustomers.Should().Equal(2, 1, 0, 1);
        analysis.Cohorts[1].ActiveCustomers.Should().Equal(1, 1, 1);
        analysis.Cohorts[2].ActiveCustomers.Should().Equal(1, 0);
        analysis.Cohorts[3].ActiveCustomers.Should().Equal(0);

        analysis.Cohorts[0].ActiveShare(0).Should().Be(1m);
        analysis.Cohorts[0].ActiveShare(1).Should().Be(0.5m);
        analysis.Cohorts[0].ActiveShare(2).Should().Be(0m);
        analysis.Cohorts[0].ActiveShare(4).Should().BeNull();
        analysis.Cohorts[0].ActiveShare(-1).Should().BeNull();
        analysis.Cohorts[3].ActiveShare(0).Should().BeNull();
    }

    [Fact]
    public void Monthly_facts_count_active_new_returning_retained_orders_and_revenue()
    {
        var periods = Cohorts.Analyse(History, M(2025, 1), M(2025, 4)).Periods;

        periods.Should().Equal(
            new PeriodFacts(M(2025, 1), 1, ActiveCustomers: 3, NewCustomers: 2, PreviousActiveCustomers: 1, RetainedCustomers: 1, Orders: 4, Revenue: 100m),
            new PeriodFacts(M(2025, 2), 1, 2, 1, 3, 1, 2, 70m),
            new PeriodFacts(M(2025, 3), 1, 3, 1, 2, 1, 3, 155m),
            new PeriodFacts(M(2025, 4), 1, 2, 0, 3, 1, 2, 15m));

        var january = periods[0];
        january.ReturningCustomers.Should().Be(1);
        january.RepeatPurchaseRate.Should().Be(1m / 3);
        january.RetentionRate.Should().Be(1m);
        january.ChurnRate.Should().Be(0m);
        january.AverageOrderValue.Should().Be(25m);
        january.PurchaseFrequency.Should().Be(4m / 3);

        var february = periods[1];
        february.ChurnedCustomers.Should().Be(2);
        february.ChurnRate.Should().Be(2m / 3);
        february.RetentionRate.Should().Be(1m / 3);
        february.RepeatPurchaseRate.Should().Be(0.5m);
        february.AverageOrderValue.Should().Be(35m);
        february.PurchaseFrequency.Should().Be(1m);

        periods[2].AverageOrderValue.Should().Be(155m / 3);
        periods[3].RepeatPurchaseRate.Should().Be(1m);
        periods[3].ChurnRate.Should().Be(2m / 3);
        periods[3].AverageOrderValue.Should().Be(7.5m);
    }

    [Fact]
    public void Quarters_group_whole_calendar_quarters_and_history_sets_the_first_churn()
    {
        var analysis = Cohorts.Analyse(History, M(2025, 2), M(2025, 4), periodMonths: 3);

        // February and April lie in Q1 and Q2 2025; customer 7's May purchase falls inside Q2.
        analysis.Periods.Should().Equal(
            new PeriodFacts(M(2025, 1), 3, ActiveCustomers: 5, NewCustomers: 4, PreviousActiveCustomers: 2, RetainedCustomers: 1, Orders: 9, Revenue: 325m),
            new PeriodFacts(M(2025, 4), 3, 3, 1, 5, 2, 3, 75m));
        analysis.Periods[0].ChurnRate.Should().Be(0.5m);
        analysis.Periods[1].ChurnRate.Should().Be(0.6m);
        analysis.Cohorts.Select(c => (c.Start, c.Size)).Should().Equal((M(2025, 1), 4), (M(2025, 4), 1));
        analysis.Cohorts[0].ActiveCustomers.Should().Equal(4, 2);
    }

    [Fact]
    public void No_purchases_give_zero_counts_and_no_rates()
    {
        var analysis = Cohorts.Analyse([], M(2025, 1), M(2025, 2));

        analysis.Periods.Should().HaveCount(2);
        foreach (var period in analysis.Periods)
        {
            period.ActiveCustomers.Should().Be(0);
            period.RepeatPurchaseRate.Should().BeNull();
            period.RetentionRate.Should().BeNull();
            period.ChurnRate.Should().BeNull();
            period.AverageOrderValue.Should().BeNull();
            period.PurchaseFrequency.Should().BeNull();
        }

        analysis.Cohorts.Should().OnlyContain(c => c.Size == 0 && c.ActiveShare(0) == null);
    }

    [Fact]
    public void The_builder_takes_one_customer_at_a_time_and_refuses_bad_ranges()
    {
        var builder = new CohortBuilder(M(2025, 1), M(2025, 4));
        foreach (var customer in History.GroupBy(p => p.CustomerId))
        {
            builder.AddCustomer([.. customer.Reverse()]);
        }

        builder.Build().Should().BeEquivalentTo(Cohorts.Analyse(History, M(2025, 1), M(2025, 4)));
        FluentActions.Invoking(() => builder.AddCustomer([History[1], History[3]])).Should().Throw<ArgumentException>().WithMessage("*1 and 2*");
        builder.Build().Should().BeEquivalentTo(Cohorts.Analyse(History, M(2025, 1), M(2025, 4)), "a refused customer changes nothing");
        FluentActions.Invoking(() => new CohortBuilder(M(2025, 1), M(2025, 4), 5)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new CohortBuilder(M(2025, 4), M(2025, 1))).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => new CohortBuilder(M(1900, 1), M(2025, 1))).Should().Throw<ArgumentException>().WithMessage("*1501 periods*");
    }

    [Fact]
    public void Input_order_never_matters_and_the_counts_agree_with_each_other()
    {
        var samples =
            from rows in Gen.ArrayOf(
                from customer in Gen.Choose(1, 12)
                from month in Gen.Choose(0, 14)
                from amount in Gen.Choose(1, 90)
                select new CustomerPurchase(customer, M(2024, 11).AddMonths(month), amount))
            from periodMonths in Gen.Elements(1, 2, 3)
            from seed in Gen.Choose(0, int.MaxValue)
            select (Rows: rows, PeriodMonths: periodMonths, Seed: seed);

        Prop.ForAll(samples.ToArbitrary(), sample =>
        {
            var shuffled = sample.Rows.ToArray();
            new Random(sample.Seed).Shuffle(shuffled);
            var sorted = sample.Rows.OrderBy(r => r.CustomerId).ToArray();

            var analysis = Cohorts.Analyse(shuffled, M(2025, 1), M(2025, 12), sample.PeriodMonths);
            analysis.Should().BeEquivalentTo(Cohorts.Analyse(sorted, M(2025, 1), M(2025, 12), sample.PeriodMonths));

            for (var p = 0; p < analysis.Periods.Count; p++)
            {
                var facts = analysis.Periods[p];
                var cohort = analysis.Cohorts[p];
                cohort.Size.Should().Be(facts.NewCustomers);
                cohort.ActiveCustomers[0].Should().Be(cohort.Size);
                cohort.ActiveCustomers.Should().HaveCount(analysis.Periods.Count - p);
                facts.RetainedCustomers.Should().BeLessThanOrEqualTo(Math.Min(facts.PreviousActiveCustomers, facts.ActiveCustomers));
                if (p > 0)
                {
                    facts.PreviousActiveCustomers.Should().Be(analysis.Periods[p - 1].ActiveCustomers);
                }

                if (facts.ChurnRate is { } churn)
                {
                    (churn + facts.RetentionRate!.Value).Should().BeApproximately(1m, 1e-25m);
                }

                facts.Orders.Should().BeGreaterThanOrEqualTo(facts.ActiveCustomers);
                var buyers = sample.Rows.Where(r => r.Month >= facts.Start && r.Month <= facts.Start.AddMonths(facts.Months - 1));
                facts.ActiveCustomers.Should().Be(buyers.Select(r => r.CustomerId).Distinct().Count());
                facts.Revenue.Should().Be(buyers.Sum(r => r.Amount));
            }

            return true;
        }).Check(Runs);
    }

    [Fact]
    public void Calendar_months_are_one_int_that_subtracts_and_prints_as_iso()
    {
        var march = CalendarMonth.Of(2025, 3);

        march.Index.Should().Be(2025 * 12 + 2);
        (march.Year, march.Month).Should().Be((2025, 3));
        march.Start.Should().Be(new DateOnly(2025, 3, 1));
        march.ToString().Should().Be("2025-03");
        CalendarMonth.Of(new DateOnly(2025, 3, 31)).Should().Be(march);
        march.AddMonths(10).Should().Be(CalendarMonth.Of(2026, 1));
        march.AddMonths(-3).Should().Be(CalendarMonth.Of(2024, 12));
        (CalendarMonth.Of(2026, 1) - march).Should().Be(10);
        (march < CalendarMonth.Of(2025, 4)).Should().BeTrue();
        FluentActions.Invoking(() => CalendarMonth.Of(2025, 13)).Should().Throw<ArgumentOutOfRangeException>();
    }
}
