using Rapport.Analytics.Models;

namespace Rapport.Tests.Analytics.Models;

public sealed class NumericsTests
{
    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 0)]
    [InlineData(0.5, 0.57236494292470008707)] // ln √π; the others from SciPy's gammaln and digamma
    [InlineData(1e-4, 9.210282658633961)]
    [InlineData(3.7, 1.428072326665388)]
    [InlineData(30, 71.257038967168009)]
    [InlineData(1e4, 82099.717496442377273)]
    public void Log_gamma(double x, double expected) =>
        SpecialFunctions.LogGamma(x).Should().BeApproximately(expected, 1e-14 * Math.Max(1, Math.Abs(expected)));

    [Theory]
    [InlineData(1, -0.57721566490153286)]
    [InlineData(0.5, -1.96351002602142348)]
    [InlineData(1e-4, -10000.577051183514)]
    [InlineData(7.25, 1.9104535268837362)]
    [InlineData(1e4, 9.21029037114285)]
    public void Digamma(double x, double expected) =>
        SpecialFunctions.Digamma(x).Should().BeApproximately(expected, 1e-13 * Math.Max(1, Math.Abs(expected)));

    [Fact]
    public void Log1p_and_expm1_keep_the_digits_of_small_arguments()
    {
        SpecialFunctions.Log1p(1e-12).Should().BeApproximately(1e-12 - 5e-25, 1e-28);
        SpecialFunctions.Expm1(1e-12).Should().BeApproximately(1e-12 + 5e-25, 1e-28);
        SpecialFunctions.Expm1(-3e-7).Should().BeApproximately(-2.99999955000004e-7, 1e-20);
        SpecialFunctions.Log1p(-0.5).Should().BeApproximately(Math.Log(0.5), 1e-16);
        SpecialFunctions.Expm1(2).Should().BeApproximately(Math.Exp(2) - 1, 1e-15);
        SpecialFunctions.LogSubtractExp(0, -1e-20).Should().BeApproximately(Math.Log(1e-20), 1e-12);
        SpecialFunctions.LogSubtractExp(1, 1).Should().Be(double.NegativeInfinity);
    }

    [Fact]
    public void Adaptive_quadrature_integrates_smooth_and_endpoint_singular_functions()
    {
        var result = new double[2];
        AdaptiveQuadrature.Integrate((x, v) => { v[0] = Math.Sin(x); v[1] = x * Math.Sin(x); }, 0, Math.PI, result);
        result[0].Should().BeApproximately(2, 1e-12);
        result[1].Should().BeApproximately(Math.PI, 1e-12);

        AdaptiveQuadrature.Integrate((x, v) => { v[0] = 1 / Math.Sqrt(x); v[1] = 0; }, 0, 1, result);
        result[0].Should().BeApproximately(2, 1e-8);
    }

    [Theory]
    [InlineData(2.5, 1.5)]
    [InlineData(0.4, 1.2)]
    [InlineData(30, 29.5)]
    [InlineData(1, 1)]
    public void Hypergeometric_is_continuous_where_the_series_hands_over_to_the_integral(double a, double b)
    {
        var below = Hypergeometric.OfIncompleteBetaForm(a, b, Hypergeometric.SeriesLimit - 1e-12);
        var above = Hypergeometric.OfIncompleteBetaForm(a, b, Hypergeometric.SeriesLimit + 1e-12);

        above.Log.Should().BeApproximately(below.Log, 1e-9);
        above.DA.Should().BeApproximately(below.DA, 1e-7);
        above.DB.Should().BeApproximately(below.DB, 1e-7);
    }

    [Fact]
    public void Hypergeometric_matches_its_closed_form_at_b_equal_to_one()
    {
        // ₂F₁(a, 1; a + 1; z) with a = 1 is −ln(1 − z)/z.
        foreach (var z in new[] { 0.1, 0.5, 0.9, 0.99, 0.999999 })
        {
            Hypergeometric.OfIncompleteBetaForm(1, 1, z).Log.Should().BeApproximately(Math.Log(-Math.Log(1 - z) / z), 1e-10);
        }
    }

    [Fact]
    public void Bounded_BFGS_finds_the_minimum_of_the_Rosenbrock_function()
    {
        var result = BoundedBfgs.Minimize(Rosenbrock, [-1.2, 1], [-5, -5], [5, 5], new BoundedBfgs.Options(1e-9), CancellationToken.None);

        result.Converged.Should().BeTrue(result.Problem);
        result.X[0].Should().BeApproximately(1, 1e-6);
        result.X[1].Should().BeApproximately(1, 1e-6);
    }

    [Fact]
    public void Bounded_BFGS_stops_on_an_active_bound_with_the_gradient_pointing_out()
    {
        var result = BoundedBfgs.Minimize(Rosenbrock, [0, 0], [-5, -5], [0.5, 5], new BoundedBfgs.Options(1e-9), CancellationToken.None);

        result.Converged.Should().BeTrue(result.Problem);
        result.X[0].Should().Be(0.5);
        result.X[1].Should().BeApproximately(0.25, 1e-6);
    }

    [Fact]
    public void Bounded_BFGS_reports_when_it_runs_out_of_iterations_and_honours_cancellation()
    {
        var result = BoundedBfgs.Minimize(Rosenbrock, [-1.2, 1], [-5, -5], [5, 5], new BoundedBfgs.Options(1e-12, MaxIterations: 3), CancellationToken.None);

        result.Converged.Should().BeFalse();
        result.Problem.Should().Contain("3 iterations");
        result.Iterations.Should().Be(3);
        double.IsFinite(result.Value).Should().BeTrue();

        var cancelled = () => BoundedBfgs.Minimize(Rosenbrock, [-1.2, 1], [-5, -5], [5, 5], new BoundedBfgs.Options(), new CancellationToken(true));
        cancelled.Should().Throw<OperationCanceledException>();
    }

    private static double Rosenbrock(ReadOnlySpan<double> x, Span<double> g)
    {
        double a = 1 - x[0], b = x[1] - (x[0] * x[0]);
        g[0] = (-2 * a) - (400 * x[0] * b);
        g[1] = 200 * b;
        return (a * a) + (100 * b * b);
    }
}
