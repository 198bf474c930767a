using Rapport.Analytics.Models;

namespace Rapport.Tests.Analytics.Models;

/// <summary>Each likelihood's analytic gradient against central finite differences, in the log-parameters the fits search.</summary>
public sealed class GradientTests
{
    private delegate double Likelihood(double[] logTheta, Span<double> gradient);

    private static readonly Lazy<List<RepeatSummary>> OnlineRetail = new(() =>
        [.. RepeatSummaryBuilder.Build(ClvData.OnlineRetailPurchases(), new RepeatSummaryOptions(new DateOnly(2011, 12, 9))).Rows]);

    [Theory]
    [InlineData(0.243, 4.414, 0.793, 2.426)]
    [InlineData(1, 1, 1, 1)]
    [InlineData(0.05, 40, 3, 0.2)]
    [InlineData(5, 0.5, 1e-3, 50)]
    public void BG_NBD(double r, double alpha, double a, double b)
    {
        var rows = WeightedRows.From(ClvData.Cdnow.Rows);
        Check((theta, g) => BgNbdLikelihood.Evaluate(rows, theta, g), [r, alpha, a, b]);
    }

    [Theory]
    [InlineData(0.553, 10.578, 0.606, 11.669)] // α < β
    [InlineData(0.553, 14, 0.606, 11.669)] // α ≥ β
    [InlineData(2, 3, 1, 3)] // α = β, integer shapes
    [InlineData(0.8, 10, 0.01, 3000)] // z close to 1: small-ratio series
    [InlineData(0.5, 400, 2, 1)] // α ≫ β
    public void Pareto_NBD_on_CDNOW(double r, double alpha, double s, double beta)
    {
        var likelihood = new ParetoNbdLikelihood(WeightedRows.From(ClvData.Cdnow.Rows));
        Check((theta, g) => likelihood.Evaluate(theta, g), [r, alpha, s, beta]);
    }

    [Theory]
    [InlineData(0.83, 9.9, 0.01, 5000)] // hardly any dropout, x up to 131: series limits and the integral fallback
    [InlineData(0.83, 9.9, 1, 50)]
    [InlineData(0.83, 500, 1, 2)]
    public void Pareto_NBD_on_online_retail(double r, double alpha, double s, double beta)
    {
        var likelihood = new ParetoNbdLikelihood(WeightedRows.From(OnlineRetail.Value));
        Check((theta, g) => likelihood.Evaluate(theta, g), [r, alpha, s, beta]);
    }

    [Theory]
    [InlineData(6.25, 3.74, 15.44)]
    [InlineData(1, 1, 1)]
    [InlineData(0.3, 0.7, 200)]
    public void Gamma_Gamma(double p, double q, double gamma)
    {
        var (frequency, monetary) = GammaGammaLikelihood.Rows(ClvData.Cdnow.Rows);
        Check((theta, g) => GammaGammaLikelihood.Evaluate(frequency, monetary, theta, g), [p, q, gamma]);
    }

    [Theory]
    [InlineData(2.5, 1.5, 0.3)]
    [InlineData(0.4, 1.2, 0.95)]
    [InlineData(30, 29.5, 0.999)]
    [InlineData(1.2, 2, 0.9)]
    public void Hypergeometric_of_the_Pareto_NBD(double a, double b, double z)
    {
        // Derivatives of ln ₂F₁(a, b; a + 1; z) in a, b and z, on both sides of the series' limit.
        var f = Hypergeometric.OfIncompleteBetaForm(a, b, z);
        const double h = 1e-6;
        var da = (Hypergeometric.OfIncompleteBetaForm(a + h, b, z).Log - Hypergeometric.OfIncompleteBetaForm(a - h, b, z).Log) / (2 * h);
        var db = (Hypergeometric.OfIncompleteBetaForm(a, b + h, z).Log - Hypergeometric.OfIncompleteBetaForm(a, b - h, z).Log) / (2 * h);
        var hz = h * (1 - z);
        var dz = (Hypergeometric.OfIncompleteBetaForm(a, b, z + hz).Log - Hypergeometric.OfIncompleteBetaForm(a, b, z - hz).Log) / (2 * hz);

        f.DA.Should().BeApproximately(da, 1e-6 * Math.Max(1, Math.Abs(da)));
        f.DB.Should().BeApproximately(db, 1e-6 * Math.Max(1, Math.Abs(db)));
        f.DZ.Should().BeApproximately(dz, 1e-5 * Math.Max(1, Math.Abs(dz)));
    }

    private static void Check(Likelihood likelihood, double[] parameters)
    {
        var theta = parameters.Select(v => Math.Log(v)).ToArray();
        var analytic = new double[theta.Length];
        var value = likelihood(theta, analytic);
        double.IsFinite(value).Should().BeTrue();
        var scratch = new double[theta.Length];
        for (var i = 0; i < theta.Length; i++)
        {
            const double h = 1e-5;
            var plus = (double[])theta.Clone();
            var minus = (double[])theta.Clone();
            plus[i] += h;
            minus[i] -= h;
            var numeric = (likelihood(plus, scratch) - likelihood(minus, scratch)) / (2 * h);
            analytic[i].Should().BeApproximately(numeric, 1e-6 * Math.Max(Math.Abs(value), 1), $"∂/∂ln θ[{i}] at ({string.Join(", ", parameters)})");
        }
    }
}
