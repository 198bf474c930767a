using Rapport.Analytics;

namespace Rapport.Tests.Analytics;

/// <summary>Each standard KPI on hand-computed facts, targets in both directions, and a survey KPI plugged in.</summary>
public sealed class KpiTests
{
    private static readonly CalendarMonth February = CalendarMonth.Of(2025, 2);

    /// <summary>February of the cohort example: 3 buyers in January, 2 in February (1 retained, 1 new), 2 orders worth 70.</summary>
    private static readonly PeriodFacts FebruaryFacts = new(February, 1, ActiveCustomers: 2, NewCustomers: 1,
        PreviousActiveCustomers: 3, RetainedCustomers: 1, Orders: 2, Revenue: 70m);

    private static readonly KpiInput Input = KpiInput.From(FebruaryFacts, top20RevenueShare: 0.6m, clv: new ClvTotals(4, 1000m));

    [Theory]
    [InlineData("active_customers", 2.0)]
    [InlineData("repeat_purchase_rate", 0.5)]
    [InlineData("average_order_value", 35.0)]
    [InlineData("purchase_frequency", 1.0)]
    [InlineData("average_clv", 250.0)]
    [InlineData("total_clv", 1000.0)]
    [InlineData("top20_revenue_share", 0.6)]
    public void Each_kpi_computes_the_hand_computed_value(string key, double expected) =>
        KpiRegistry.Standard.Find(key)!.Compute(Input).Should().Be((decimal)expected);

    [Fact]
    public void Retention_and_churn_split_the_previous_periods_buyers()
    {
        Kpis.RetentionRate.Compute(Input).Should().Be(1m / 3);
        Kpis.ChurnRate.Compute(Input).Should().Be(2m / 3);
        Kpis.ChurnRate.Compute(Input).Should().Be(FebruaryFacts.ChurnRate);
    }

    [Fact]
    public void Missing_facts_and_zero_denominators_make_a_kpi_not_available()
    {
        var withoutExtras = KpiInput.From(FebruaryFacts);
        Kpis.AverageClv.Compute(withoutExtras).Should().BeNull();
        Kpis.TotalClv.Compute(withoutExtras).Should().BeNull();
        Kpis.Top20RevenueShare.Compute(withoutExtras).Should().BeNull();

        var quiet = KpiInput.From(new PeriodFacts(February, 1, 0, 0, 0, 0, 0, 0m), clv: new ClvTotals(0, 0m));
        foreach (var kpi in Kpis.Standard.Where(k => k.Key is not ("active_customers" or "total_clv")))
        {
            kpi.Compute(quiet).Should().BeNull(kpi.Key);
        }

        Kpis.ActiveCustomers.Compute(quiet).Should().Be(0m);
        Kpis.TotalClv.Compute(quiet).Should().Be(0m);
        Kpis.Ratio(1m, null).Should().BeNull();
    }

    [Fact]
    public void The_standard_registry_lists_every_kpi_once_with_words_for_the_ui()
    {
        KpiRegistry.Standard.All.Select(k => k.Key).Should().Equal(
            "active_customers", "retention_rate", "churn_rate", "repeat_purchase_rate", "average_order_value",
            "purchase_frequency", "average_clv", "total_clv", "top20_revenue_share");
        KpiRegistry.Standard.All.Should().OnlyContain(k => k.Name.Length > 0 && k.Definition.EndsWith('.'));
        KpiRegistry.Standard.Find("churn_rate")!.Direction.Should().Be(KpiDirection.LowerIsBetter);
        KpiRegistry.Standard.Find("churn_rate")!.Unit.Should().Be(KpiUnit.Percent);
        KpiRegistry.Standard.Find("nps").Should().BeNull();
    }

    [Theory]
    [InlineData(KpiDirection.HigherIsBetter, 0.50, 0.40, KpiStatus.OnTrack)]
    [InlineData(KpiDirection.HigherIsBetter, 0.38, 0.40, KpiStatus.OnTrack)]
    [InlineData(KpiDirection.HigherIsBetter, 0.379, 0.40, KpiStatus.Behind)]
    [InlineData(KpiDirection.LowerIsBetter, 0.05, 0.10, KpiStatus.OnTrack)]
    [InlineData(KpiDirection.LowerIsBetter, 0.105, 0.10, KpiStatus.OnTrack)]
    [InlineData(KpiDirection.LowerIsBetter, 0.1051, 0.10, KpiStatus.Behind)]
    [InlineData(KpiDirection.LowerIsBetter, 0.5, 0.10, KpiStatus.Behind)]
    [InlineData(KpiDirection.Neutral, 0.57, 0.60, KpiStatus.OnTrack)]
    [InlineData(KpiDirection.Neutral, 0.63, 0.60, KpiStatus.OnTrack)]
    [InlineData(KpiDirection.Neutral, 0.56, 0.60, KpiStatus.Behind)]
    [InlineData(KpiDirection.Neutral, 0.64, 0.60, KpiStatus.Behind)]
    [InlineData(KpiDirection.HigherIsBetter, 0.0, 0.0, KpiStatus.OnTrack)]
    [InlineData(KpiDirection.HigherIsBetter, -0.01, 0.0, KpiStatus.Behind)]
    [InlineData(KpiDirection.HigherIsBetter, -95.0, -100.0, KpiStatus.OnTrack)]
    [InlineData(KpiDirection.HigherIsBetter, -105.0, -100.0, KpiStatus.OnTrack)]
    [InlineData(KpiDirection.HigherIsBetter, -106.0, -100.0, KpiStatus.Behind)]
    public void Status_respects_the_direction_within_five_percent_of_the_target(KpiDirection direction, double value, double target, KpiStatus expected) =>
        KpiTargets.Status(direction, (decimal)value, (decimal)target).Should().Be(expected);

    [Fact]
    public void Status_says_when_there_is_no_target_or_no_value()
    {
        KpiTargets.Status(KpiDirection.HigherIsBetter, 5m, null).Should().Be(KpiStatus.NoTarget);
        KpiTargets.Status(KpiDirection.HigherIsBetter, null, null).Should().Be(KpiStatus.NoTarget);
        KpiTargets.Status(KpiDirection.LowerIsBetter, null, 0.1m).Should().Be(KpiStatus.NotAvailable);
        KpiTargets.Status(KpiDirection.HigherIsBetter, 0.39m, 0.40m, tolerance: 0m).Should().Be(KpiStatus.Behind);
        FluentActions.Invoking(() => KpiTargets.Status(KpiDirection.HigherIsBetter, 1m, 1m, -0.1m)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void A_target_for_the_period_overrides_the_standing_one()
    {
        var february = new KpiPeriod(February, 1);
        KpiTarget standing = new("churn_rate", 0.2m);
        KpiTarget forFebruary = new("churn_rate", 0.7m, february);
        KpiTarget forMarch = new("churn_rate", 0.1m, new KpiPeriod(February.AddMonths(1), 1));
        KpiTarget forTheQuarter = new("churn_rate", 0.1m, new KpiPeriod(CalendarMonth.Of(2025, 1), 3));

        KpiTargets.For([standing, forFebruary, forMarch, forTheQuarter], "churn_rate", february).Should().Be(forFebruary);
        KpiTargets.For([standing, forMarch, forTheQuarter], "churn_rate", february).Should().Be(standing);
        KpiTargets.For([forMarch], "churn_rate", february).Should().BeNull();
        KpiTargets.For([standing], "retention_rate", february).Should().BeNull();
        FluentActions.Invoking(() => KpiTargets.For([standing, standing with { Value = 0.3m }], "churn_rate", february))
            .Should().Throw<ArgumentException>().WithMessage("*every period*");
        FluentActions.Invoking(() => KpiTargets.For([forFebruary, forFebruary with { Value = 0.3m }], "churn_rate", february))
            .Should().Throw<ArgumentException>().WithMessage("*2025-02*");
    }

    [Fact]
    public void Evaluating_a_period_gives_every_kpi_with_its_target_and_status()
    {
        KpiTarget[] targets = [new("churn_rate", 0.5m), new("retention_rate", 0.3m), new("average_clv", 300m, KpiPeriod.Of(FebruaryFacts))];

        var results = KpiRegistry.Standard.Evaluate(Input, targets);

        results.Select(r => r.Kpi.Key).Should().Equal(KpiRegistry.Standard.All.Select(k => k.Key));
        var byKey = results.ToDictionary(r => r.Kpi.Key);
        byKey["churn_rate"].Status.Should().Be(KpiStatus.Behind);
        byKey["retention_rate"].Status.Should().Be(KpiStatus.OnTrack);
        byKey["average_clv"].Target.Should().Be(targets[2]);
        byKey["average_clv"].Status.Should().Be(KpiStatus.Behind);
        byKey["active_customers"].Status.Should().Be(KpiStatus.NoTarget);
        byKey["active_customers"].Value.Should().Be(2m);
    }

    [Fact]
    public void A_survey_kpi_plugs_in_with_its_own_facts_and_definition()
    {
        var nps = new KpiDefinition(
            "nps", "Net Promoter Score",
            "Promoters (9–10) minus detractors (0–6), as a share of all answers, times 100.",
            KpiUnit.Number, KpiDirection.HigherIsBetter,
            input => Kpis.Ratio(input["survey.nps_promoters"] - input["survey.nps_detractors"], input["survey.nps_answers"]) * 100);
        var registry = KpiRegistry.Standard.With(nps);
        var input = Input.With("survey.nps_promoters", 50).With("survey.nps_detractors", 20).With("survey.nps_answers", 100);

        var results = registry.Evaluate(input, [new KpiTarget("nps", 25m)]);

        results.Should().HaveCount(Kpis.Standard.Count + 1);
        results[^1].Value.Should().Be(30m);
        results[^1].Status.Should().Be(KpiStatus.OnTrack);
        registry.Evaluate(Input, []).Single(r => r.Kpi.Key == "nps").Value.Should().BeNull();
        Input.Facts.Should().NotContainKey("survey.nps_answers");
        input.Period.Should().Be(new KpiPeriod(February, 1));
    }

    [Fact]
    public void Keys_must_be_unique_and_snake_case()
    {
        FluentActions.Invoking(() => KpiRegistry.Standard.With(Kpis.ChurnRate)).Should().Throw<ArgumentException>().WithMessage("*twice*");
        FluentActions.Invoking(() => new KpiRegistry([Kpis.ChurnRate with { Key = "Churn Rate" }])).Should().Throw<ArgumentException>().WithMessage("*snake case*");
    }
}
