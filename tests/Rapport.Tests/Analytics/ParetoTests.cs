using FsCheck;
using FsCheck.Fluent;
using Rapport.Analytics;

namespace Rapport.Tests.Analytics;

/// <summary>The Pareto curve and its figures on hand-computed data, edge cases, and the top-N pick.</summary>
public sealed class ParetoTests
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(300);

    private static CustomerValue[] Values(params decimal[] values) => [.. values.Select((v, i) => new CustomerValue(i + 1, v))];

    [Fact]
    public void Ten_customers_give_the_hand_computed_curve_shares_and_gini()
    {
        // Deliberately unsorted; best first the values are 40 20 10 10 5 5 5 3 2 0, total 100.
        var analysis = Pareto.Analyse(Values(5, 40, 0, 10, 2, 5, 20, 3, 10, 5));

        analysis.Customers.Should().Be(10);
        analysis.CustomersWithValue.Should().Be(9);
        analysis.TotalValue.Should().Be(100m);
        analysis.NegativeValue.Should().Be(0m);
        analysis.Curve.Should().Equal(
            new ParetoPoint(0m, 0m), new ParetoPoint(0.1m, 0.4m), new ParetoPoint(0.2m, 0.6m), new ParetoPoint(0.3m, 0.7m),
            new ParetoPoint(0.4m, 0.8m), new ParetoPoint(0.5m, 0.85m), new ParetoPoint(0.6m, 0.9m), new ParetoPoint(0.7m, 0.95m),
            new ParetoPoint(0.8m, 0.98m), new ParetoPoint(0.9m, 1m), new ParetoPoint(1m, 1m));
        analysis.CustomerShareFor80PercentOfValue.Should().Be(0.4m);
        analysis.Top20PercentValueShare.Should().Be(0.6m);
        // Trapezoids under the curve sum to 0.768; Gini = 2 × 0.768 − 1. Same as Σ(2i − n − 1)·x(i) / (n·Σx) = 536 / 1000.
        analysis.Gini.Should().Be(0.536m);
    }

    [Fact]
    public void Shares_between_two_customers_count_the_crossing_customer_in_part()
    {
        var analysis = Pareto.Analyse(Values(50, 30, 15, 5));
        analysis.CustomerShareFor80PercentOfValue.Should().Be(0.5m);
        // The best 20 % of 4 customers is 0.8 of the first one: 40 of 100.
        analysis.Top20PercentValueShare.Should().Be(0.4m);

        // 80 of 100 is reached two thirds into the second customer (60, then 30): (1 + 2/3) / 3 = 5/9.
        Pareto.Analyse(Values(10, 60, 30)).CustomerShareFor80PercentOfValue.Should().BeApproximately(5m / 9m, 1e-20m);
    }

    [Fact]
    public void No_customers_or_no_value_give_an_empty_curve_and_no_figures()
    {
        foreach (var values in new[] { Values(), Values(0, 0, 0), Values(-5, 0) })
        {
            var analysis = Pareto.Analyse(values);
            analysis.Customers.Should().Be(values.Length);
            analysis.CustomersWithValue.Should().Be(0);
            analysis.TotalValue.Should().Be(0m);
            analysis.Curve.Should().BeEmpty();
            analysis.CustomerShareFor80PercentOfValue.Should().BeNull();
            analysis.Top20PercentValueShare.Should().BeNull();
            analysis.Gini.Should().BeNull();
        }

        Pareto.Analyse(Values(-5, 0)).NegativeValue.Should().Be(-5m);
    }

    [Fact]
    public void One_customer_holds_everything_and_everything_is_equal()
    {
        var one = Pareto.Analyse(Values(12.5m));
        one.Curve.Should().Equal(new ParetoPoint(0m, 0m), new ParetoPoint(1m, 1m));
        one.CustomerShareFor80PercentOfValue.Should().Be(0.8m);
        one.Top20PercentValueShare.Should().Be(0.2m);
        one.Gini.Should().Be(0m);

        var equal = Pareto.Analyse(Values(7, 7, 7, 7, 7));
        equal.CustomerShareFor80PercentOfValue.Should().Be(0.8m);
        equal.Top20PercentValueShare.Should().Be(0.2m);
        equal.Gini.Should().Be(0m);
    }

    [Fact]
    public void Net_refunds_count_as_customers_holding_nothing()
    {
        var analysis = Pareto.Analyse(Values(-30, 50, 50, 0));

        analysis.Customers.Should().Be(4);
        analysis.CustomersWithValue.Should().Be(2);
        analysis.TotalValue.Should().Be(100m);
        analysis.NegativeValue.Should().Be(-30m);
        analysis.Curve.Should().Equal(
            new ParetoPoint(0m, 0m), new ParetoPoint(0.25m, 0.5m), new ParetoPoint(0.5m, 1m), new ParetoPoint(0.75m, 1m), new ParetoPoint(1m, 1m));
        analysis.CustomerShareFor80PercentOfValue.Should().Be(0.4m);
        analysis.Top20PercentValueShare.Should().Be(0.4m);
        analysis.Gini.Should().Be(0.5m);
    }

    [Fact]
    public void A_large_population_is_drawn_with_201_exact_points_from_zero_to_one()
    {
        // Values 1..1000: the best k customers hold k(2001 − k) / 2 of 500 500.
        var analysis = Pareto.Analyse([.. Enumerable.Range(1, 1000).Select(i => new CustomerValue(i, i))]);

        analysis.Curve.Should().HaveCount(Pareto.DefaultCurvePoints);
        analysis.Curve[0].Should().Be(new ParetoPoint(0m, 0m));
        analysis.Curve[^1].Should().Be(new ParetoPoint(1m, 1m));
        analysis.Curve[100].Should().Be(new ParetoPoint(0.5m, 500m * 1501 / 2 / 500500));
        analysis.Curve.Zip(analysis.Curve.Skip(1)).Should().OnlyContain(p => p.First.CustomerShare < p.Second.CustomerShare && p.First.ValueShare <= p.Second.ValueShare);
        Pareto.Analyse([.. Enumerable.Range(1, 1000).Select(i => new CustomerValue(i, i))], curvePoints: 11).Curve.Should().HaveCount(11);
    }

    [Fact]
    public void Top_customers_come_best_first_with_ties_in_customer_id_order()
    {
        CustomerValue[] values = [new(5, 10m), new(3, 10m), new(9, 20m), new(1, -5m), new(2, 0m)];

        Pareto.Top(values, 3).Should().Equal(new CustomerValue(9, 20m), new CustomerValue(3, 10m), new CustomerValue(5, 10m));
        Pareto.Top(values, 10).Select(v => v.CustomerId).Should().Equal(9, 3, 5, 2, 1);
        Pareto.Top(values, 0).Should().BeEmpty();
        Pareto.Top([], 5).Should().BeEmpty();
        FluentActions.Invoking(() => Pareto.Top(values, -1)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Top_n_is_the_head_of_the_full_ordering_whatever_the_input_order()
    {
        var samples =
            from amounts in Gen.ArrayOf(Gen.Choose(-3, 12))
            from count in Gen.Choose(0, 25)
            from seed in Gen.Choose(0, int.MaxValue)
            select (Values: amounts.Select((a, i) => new CustomerValue(i * 7 % 31 + i, a)).ToArray(), Count: count, Seed: seed);

        Prop.ForAll(samples.ToArbitrary(), sample =>
        {
            var expected = sample.Values.OrderByDescending(v => v.Value).ThenBy(v => v.CustomerId).Take(sample.Count);
            var shuffled = sample.Values.ToArray();
            new Random(sample.Seed).Shuffle(shuffled);

            Pareto.Top(shuffled, sample.Count).Should().Equal(expected);
            return true;
        }).Check(Runs);
    }

    [Fact]
    public void Shares_stay_between_zero_and_one_and_the_curve_never_falls()
    {
        Prop.ForAll(Gen.ArrayOf(Gen.Choose(-50, 500)).ToArbitrary(), amounts =>
        {
            var analysis = Pareto.Analyse(Values([.. amounts.Select(a => (decimal)a)]));
            if (analysis.TotalValue == 0)
            {
                analysis.Curve.Should().BeEmpty();
                return true;
            }

            analysis.Curve[0].Should().Be(new ParetoPoint(0m, 0m));
            analysis.Curve[^1].Should().Be(new ParetoPoint(1m, 1m));
            analysis.Curve.Zip(analysis.Curve.Skip(1)).Should().OnlyContain(p => p.First.ValueShare <= p.Second.ValueShare);
            analysis.CustomerShareFor80PercentOfValue.Should().BeInRange(0m, 0.8m);
            analysis.Top20PercentValueShare.Should().BeInRange(0.2m, 1m);
            analysis.Gini.Should().BeInRange(0m, 1m);
            return true;
        }).Check(Runs);
    }
}
