using Rapport.Analytics.Models;

namespace Rapport.Tests.Analytics.Models;

/// <summary>Bad input gives a clear warning or error, and never NaN or infinity in a returned number.</summary>
public sealed class BadInputTests
{
    public static TheoryData<string> Models => ["bgnbd", "paretonbd"];

    private static PurchaseModelFit Fit(string model, IReadOnlyList<RepeatSummary> customers) =>
        model == "bgnbd" ? BgNbd.Fit(customers) : ParetoNbd.Fit(customers);

    [Theory]
    [MemberData(nameof(Models))]
    public void No_repeat_buyers_at_all_is_a_warning_with_finite_numbers(string model)
    {
        var customers = Enumerable.Range(0, 300).Select(i => new RepeatSummary(0, 0, 10 + (i % 30))).ToList();

        var fit = Fit(model, customers);

        fit.Warnings.Should().Contain(w => w.Code == ModelWarning.NoRepeatBuyers);
        AllFinite(fit, customers);
        GammaGamma.CanFit(customers).Should().BeFalse();
        var spend = () => GammaGamma.Fit(customers);
        spend.Should().Throw<ArgumentException>().WithMessage("*at least one customer with a repeat purchase of positive value*");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void A_single_customer_is_a_warning_with_finite_numbers(string model)
    {
        foreach (var customer in new[] { new RepeatSummary(3, 20, 30, 15), new RepeatSummary(0, 0, 30) })
        {
            var fit = Fit(model, [customer]);

            fit.Warnings.Select(w => w.Code).Should().Contain(c => c == ModelWarning.FewRepeatBuyers || c == ModelWarning.NoRepeatBuyers);
            AllFinite(fit, [customer]);
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Few_repeat_buyers_are_a_warning(string model)
    {
        // 10 repeat buyers of 1,000: fewer than 20, and 1 % < 5 %.
        var customers = Enumerable.Range(0, 1000).Select(i => i < 10 ? new RepeatSummary(1 + (i % 3), 5 + i, 30) : new RepeatSummary(0, 0, 30)).ToList();

        var fit = Fit(model, customers);

        fit.Warnings.Should().Contain(w => w.Code == ModelWarning.FewRepeatBuyers && w.Message.StartsWith("Only 10 of 1,000 customers"));
        AllFinite(fit, customers);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Purchases_all_on_the_calibration_end_day_give_finite_numbers(string model)
    {
        // Identical timestamps at the very end of calibration: x = 0, t_x = 0, T = 0 for everyone.
        var day = new DateOnly(2024, 6, 30);
        var summary = RepeatSummaryBuilder.Build(
            Enumerable.Range(0, 50).SelectMany(i => new[] { new Purchase<int>(i, day, 10), new Purchase<int>(i, day, 5) }),
            new RepeatSummaryOptions(day));

        summary.Rows.Should().OnlyContain(r => r == new RepeatSummary(0, 0, 0, 0, 0, 0));
        var fit = Fit(model, summary.Rows);

        fit.Warnings.Should().Contain(w => w.Code == ModelWarning.NoRepeatBuyers);
        AllFinite(fit, summary.Rows);
    }

    [Fact]
    public void A_fit_that_does_not_converge_says_so()
    {
        var rows = WeightedRows.From(ClvData.Cdnow.Rows);
        var estimate = ModelFitting.Maximize(
            (theta, g) =>
            {
                var ll = BgNbdLikelihood.Evaluate(rows, theta, g);
                for (var i = 0; i < g.Length; i++)
                {
                    g[i] = -g[i] / 2357;
                }

                return -ll / 2357;
            },
            2357, [[1, 1, 1, 1]], BgNbd.Names, [1e-4, 1e-4, 1e-4, 1e-4], [1e4, 1e4, 1e4, 1e4], CancellationToken.None,
            new BoundedBfgs.Options(MaxIterations: 2));

        estimate.Search.Converged.Should().BeFalse();
        estimate.Warnings.Should().Contain(w => w.Code == ModelWarning.NotConverged && w.Message.Contains("stopped after 2 iterations"));
        estimate.Parameters.Should().OnlyContain(p => double.IsFinite(p) && p > 0);
        double.IsFinite(estimate.LogLikelihood).Should().BeTrue();
    }

    [Fact]
    public void Invalid_rows_are_refused_with_the_row_and_the_reason()
    {
        RepeatSummary[][] bad =
        [
            [],
            [new RepeatSummary(1, 5, 10), new RepeatSummary(-1, 0, 10)],
            [new RepeatSummary(1, 12, 10)],
            [new RepeatSummary(1, double.NaN, 10)],
            [new RepeatSummary(1, -1, 10)],
            [new RepeatSummary(1, 1, double.PositiveInfinity)],
        ];
        string[] reasons = ["no customers", "row 1: frequency -1 is negative", "recency 12 is after the end of calibration", "finite", "recency -1 is negative", "finite"];

        for (var i = 0; i < bad.Length; i++)
        {
            var rows = bad[i];
            foreach (var fit in new Action[] { () => BgNbd.Fit(rows), () => ParetoNbd.Fit(rows), () => GammaGamma.Fit(rows) })
            {
                fit.Should().Throw<ArgumentException>().Which.Message.Should().Contain(reasons[i]);
            }
        }
    }

    [Fact]
    public void Invalid_arguments_of_the_models_are_refused()
    {
        IPurchaseModel[] models = [new BgNbdModel(0.243, 4.414, 0.793, 2.426), new ParetoNbdModel(0.553, 10.578, 0.606, 11.669)];
        foreach (var model in models)
        {
            model.Invoking(m => m.ProbabilityAlive(-1, 0, 10)).Should().Throw<ArgumentOutOfRangeException>();
            model.Invoking(m => m.ProbabilityAlive(2, 11, 10)).Should().Throw<ArgumentOutOfRangeException>();
            model.Invoking(m => m.ConditionalExpectedPurchases(double.NaN, 2, 5, 10)).Should().Throw<ArgumentOutOfRangeException>();
            model.Invoking(m => m.ExpectedPurchases(-1)).Should().Throw<ArgumentOutOfRangeException>();
            model.Invoking(m => m.ProbabilityOfPurchases(-1, 2)).Should().Throw<ArgumentOutOfRangeException>();
            model.ExpectedPurchases(0).Should().Be(0);
            model.ProbabilityOfPurchases(0, 0).Should().Be(1);
        }

        var constructors = new Action[]
        {
            () => _ = new BgNbdModel(0, 1, 1, 1), () => _ = new ParetoNbdModel(1, double.NaN, 1, 1),
            () => _ = new GammaGammaModel(1, 1, -1), () => _ = new GammaGammaModel(1, 2, 1, observedMeanSpend: 0),
        };
        constructors.Should().AllSatisfy(c => c.Should().Throw<ArgumentOutOfRangeException>());
    }

    [Fact]
    public void Predictions_stay_finite_and_in_range_across_the_parameter_space()
    {
        // Log-uniform parameters over the fits' bounds and assorted histories, seeded.
        var random = new Random(20240601);
        double LogUniform(double low, double high) => Math.Exp(Math.Log(low) + (random.NextDouble() * (Math.Log(high) - Math.Log(low))));
        for (var i = 0; i < 300; i++)
        {
            double p1 = LogUniform(1e-4, 1e4), p2 = LogUniform(1e-2, 1e3), p3 = LogUniform(1e-4, 1e4), p4 = LogUniform(1e-2, 1e3);
            IPurchaseModel[] models = [new BgNbdModel(p1, p2, p3, LogUniform(1e-4, 1e4)), new ParetoNbdModel(p1, p2, p3, p4)];
            var x = random.Next(0, 60);
            var age = LogUniform(0.1, 400);
            var recency = x == 0 ? 0 : age * random.NextDouble();
            var t = LogUniform(0.01, 1000);
            foreach (var model in models)
            {
                var context = $"{model.Name} {string.Join(", ", model.Parameters.Values)} at x={x}, t_x={recency}, T={age}, t={t}";
                model.ProbabilityAlive(x, recency, age).Should().BeInRange(0, 1, context);
                var expected = model.ConditionalExpectedPurchases(t, x, recency, age);
                double.IsFinite(expected).Should().BeTrue(context);
                expected.Should().BeGreaterThanOrEqualTo(0, context);
                double.IsFinite(model.ExpectedPurchases(t)).Should().BeTrue(context);
                model.ProbabilityOfPurchases(x % 5, t).Should().BeInRange(0, 1, context);
            }
        }
    }

    private static void AllFinite(PurchaseModelFit fit, IReadOnlyList<RepeatSummary> customers)
    {
        double.IsFinite(fit.LogLikelihood).Should().BeTrue();
        double.IsFinite(fit.GradientNorm).Should().BeTrue();
        fit.Parameters.Values.Should().OnlyContain(v => double.IsFinite(v) && v > 0);
        fit.StandardErrors.Values.Should().NotContain(v => !double.IsFinite(v));
        foreach (var c in customers.Take(50))
        {
            fit.ProbabilityAlive(c).Should().BeInRange(0, 1);
            double.IsFinite(fit.ConditionalExpectedPurchases(52, c)).Should().BeTrue();
            double.IsFinite(CustomerLifetimeValue.Compute(fit, c, 30, new ClvOptions())).Should().BeTrue();
        }

        double.IsFinite(fit.ExpectedPurchases(52)).Should().BeTrue();
        fit.ProbabilityOfPurchases(0, 52).Should().BeInRange(0, 1);
    }
}
