using static Rapport.Analytics.Models.SpecialFunctions;

namespace Rapport.Analytics.Models;

/// <summary>
/// The Pareto/NBD model (Schmittlein, Morrison &amp; Colombo 1987): while alive, a customer buys at a Poisson rate
/// λ ~ Gamma(r, α); their lifetime is exponential with rate μ ~ Gamma(s, β). Expressions follow Fader &amp; Hardie's
/// notes ("A Note on Deriving the Pareto/NBD Model and Related Expressions", 2005).
/// </summary>
public sealed record ParetoNbdModel : IPurchaseModel
{
    public ParetoNbdModel(double r, double alpha, double s, double beta)
    {
        R = Positive(r, nameof(r));
        Alpha = Positive(alpha, nameof(alpha));
        S = Positive(s, nameof(s));
        Beta = Positive(beta, nameof(beta));
    }

    public double R { get; }

    public double Alpha { get; }

    public double S { get; }

    public double Beta { get; }

    public string Name => "paretonbd";

    public IReadOnlyDictionary<string, double> Parameters => new Dictionary<string, double> { ["r"] = R, ["alpha"] = Alpha, ["s"] = S, ["beta"] = Beta };

    public double ProbabilityAlive(int frequency, double recency, double age)
    {
        Check.History(frequency, recency, age);
        // 1 / (1 + s/(r + s + x) · (α + T)^(r + x) (β + T)^s · A₀): the ratio of the likelihood's two terms, in logs.
        var (alive, died) = ParetoNbdLikelihood.Terms(this, frequency, recency, age);
        var logOdds = died - alive;
        return Check.Finite(logOdds <= 0 ? 1 / (1 + Math.Exp(logOdds)) : Math.Exp(-logOdds) / (1 + Math.Exp(-logOdds)), "P(alive)");
    }

    public double ConditionalExpectedPurchases(double t, int frequency, double recency, double age)
    {
        Check.History(frequency, recency, age);
        Check.Horizon(t);
        // (r + x)(β + T) / ((α + T)(s − 1)) · [1 − ((β + T)/(β + T + t))^(s − 1)] · P(alive), finite through s = 1.
        var whileAlive = (R + frequency) / (Alpha + age) * (Beta + age) * OneMinusExpOverC(S - 1, Log1p(t / (Beta + age)));
        return Check.Finite(whileAlive * ProbabilityAlive(frequency, recency, age), "expected purchases");
    }

    public double ExpectedPurchases(double t)
    {
        Check.Horizon(t);
        // rβ / (α(s − 1)) · [1 − (β/(β + t))^(s − 1)].
        return Check.Finite(R / Alpha * Beta * OneMinusExpOverC(S - 1, Log1p(t / Beta)), "expected purchases");
    }

    /// <summary>
    /// P(X(t) = n) as "alive throughout" plus "died at τ &lt; t", integrated over the Pareto (Lomax) lifetime:
    /// NB(n; t) (β/(β + t))^s + ∫₀ᵗ NB(n; τ) s βˢ (β + τ)^−(s+1) dτ, where NB(n; τ) is the negative binomial count over τ.
    /// Fader &amp; Hardie's closed form subtracts nearly equal hypergeometric sums; the integral has nothing to cancel.
    /// </summary>
    public double ProbabilityOfPurchases(int n, double t)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        Check.Horizon(t);
        if (t == 0)
        {
            return n == 0 ? 1 : 0;
        }

        double LogCount(double tau) => NegativeBinomial.LogPmf(n, R, -Log1p(tau / Alpha), Math.Log(tau) - Math.Log(Alpha + tau));
        var survived = Math.Exp(LogCount(t) - (S * Log1p(t / Beta)));
        Span<double> died = stackalloc double[1];
        var logS = Math.Log(S);
        var logBeta = Math.Log(Beta);
        AdaptiveQuadrature.Integrate((tau, v) =>
            v[0] = Math.Exp(LogCount(tau) + logS - logBeta - ((S + 1) * Log1p(tau / Beta))), 0, t, died);
        return Check.Finite(Math.Clamp(survived + died[0], 0, 1), "P(X(t) = n)");
    }

    /// <summary>Log-likelihood of these parameters for the customers (without the ln x! terms).</summary>
    public double LogLikelihood(IReadOnlyList<RepeatSummary> customers) =>
        new ParetoNbdLikelihood(WeightedRows.From(customers)).Evaluate([Math.Log(R), Math.Log(Alpha), Math.Log(S), Math.Log(Beta)], []);

    private static double Positive(double value, string name) =>
        value > 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(name, value, "Model parameters must be positive finite numbers.");
}

/// <summary>Fits the Pareto/NBD model by maximum likelihood.</summary>
public static class ParetoNbd
{
    internal static readonly string[] Names = ["r", "alpha", "s", "beta"];

    /// <summary>
    /// Maximum-likelihood estimate of r, α, s, β from the calibration summaries (x, t_x, T). Throws
    /// <see cref="ArgumentException"/> for an empty list or an invalid row; everything else is reported in
    /// <see cref="PurchaseModelFit.Warnings"/>.
    /// </summary>
    public static PurchaseModelFit Fit(IReadOnlyList<RepeatSummary> customers, CancellationToken ct = default)
    {
        var likelihood = new ParetoNbdLikelihood(WeightedRows.From(customers));
        var repeat = customers.Count(c => c.Frequency > 0);
        var meanAge = customers.Average(c => c.Age);
        var totalWeight = (double)customers.Count;

        // r = 1 and the observed purchase rate for λ; lifetimes of the order of the observation window for μ.
        var rate = customers.Sum(c => (double)c.Frequency) / Math.Max(customers.Sum(c => c.Age), 1e-9);
        var (lowerScale, upperScale) = ModelFitting.ScaleBounds(meanAge);
        var alpha0 = Math.Clamp(rate > 0 ? 1 / rate : Math.Max(meanAge, 1), lowerScale * 10, upperScale / 10);
        var beta0 = Math.Clamp(meanAge, lowerScale * 10, upperScale / 10);
        double[] lower = [ModelFitting.ShapeLower, lowerScale, ModelFitting.ShapeLower, lowerScale];
        double[] upper = [ModelFitting.ShapeUpper, upperScale, ModelFitting.ShapeUpper, upperScale];
        double[][] starts = [[1, alpha0, 1, beta0], [0.5, alpha0 / 2, 0.5, beta0 / 2], [2, alpha0 * 2, 2, beta0 * 4]];

        var estimate = ModelFitting.Maximize(
            (theta, gradient) =>
            {
                var ll = likelihood.Evaluate(theta, gradient);
                for (var i = 0; i < gradient.Length; i++)
                {
                    gradient[i] = -gradient[i] / totalWeight;
                }

                return -ll / totalWeight;
            },
            totalWeight, starts, Names, lower, upper, ct);

        var warnings = new List<ModelWarning>();
        if (ModelFitting.RepeatBuyerWarning(customers.Count, repeat, "purchase model") is { } few)
        {
            warnings.Add(few);
        }

        warnings.AddRange(estimate.Warnings);
        var p = estimate.Parameters;
        return new PurchaseModelFit(new ParetoNbdModel(p[0], p[1], p[2], p[3]), estimate.LogLikelihood, estimate.Search.Converged,
            estimate.Search.Iterations, estimate.Search.GradientNorm, customers.Count, repeat, estimate.StandardErrors, warnings);
    }
}
