using System.Globalization;
using static Rapport.Analytics.Models.SpecialFunctions;

namespace Rapport.Analytics.Models;

/// <summary>
/// The Gamma-Gamma spend model (Fader &amp; Hardie 2013, "The Gamma-Gamma Model of Monetary Value"): a customer's
/// purchase values are Gamma(p, ν), with ν ~ Gamma(q, γ) across customers, independent of how often they buy.
/// </summary>
public sealed record GammaGammaModel
{
    /// <param name="observedMeanSpend">
    /// The mean purchase value of the data, used in place of the population mean p·γ/(q − 1) when q ≤ 1 makes that
    /// mean infinite. Without it such a model throws <see cref="InvalidOperationException"/> where it would need it.
    /// </param>
    public GammaGammaModel(double p, double q, double gamma, double? observedMeanSpend = null)
    {
        P = Positive(p, nameof(p));
        Q = Positive(q, nameof(q));
        Gamma = Positive(gamma, nameof(gamma));
        ObservedMeanSpend = observedMeanSpend is null or (> 0 and < double.PositiveInfinity)
            ? observedMeanSpend
            : throw new ArgumentOutOfRangeException(nameof(observedMeanSpend), observedMeanSpend, "The observed mean spend must be a positive finite number.");
    }

    public double P { get; }

    public double Q { get; }

    public double Gamma { get; }

    public double? ObservedMeanSpend { get; }

    public IReadOnlyDictionary<string, double> Parameters => new Dictionary<string, double> { ["p"] = P, ["q"] = Q, ["gamma"] = Gamma };

    /// <summary>False when q ≤ 1: the population's mean purchase value p·γ/(q − 1) is infinite.</summary>
    public bool HasFiniteMean => Q > 1;

    /// <summary>Mean purchase value of a customer about whom nothing is known: p·γ/(q − 1), or the observed mean when q ≤ 1.</summary>
    public double PopulationMeanSpend => HasFiniteMean
        ? Check.Finite(P * Gamma / (Q - 1), "the mean spend")
        : ObservedMeanSpend ?? throw new InvalidOperationException($"q = {Q} ≤ 1: the Gamma-Gamma population mean spend is infinite.");

    /// <summary>
    /// E[mean purchase value | x repeat purchases with mean value m] = p(γ + x·m)/(p·x + q − 1), a weighted average of the
    /// population mean and the customer's own mean. A customer without repeat purchases, or whose mean is not positive
    /// (refunds), gets the population mean; when p·x + q ≤ 1 (possible only if q ≤ 1) the customer's own mean.
    /// </summary>
    public double ConditionalExpectedAverageSpend(int frequency, double monetaryValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(frequency);
        if (!double.IsFinite(monetaryValue))
        {
            throw new ArgumentOutOfRangeException(nameof(monetaryValue), monetaryValue, "The monetary value must be a finite number.");
        }

        if (frequency == 0 || monetaryValue <= 0)
        {
            return PopulationMeanSpend;
        }

        var denominator = (P * frequency) + Q - 1;
        return denominator <= 0 ? monetaryValue : Check.Finite(P * (Gamma + (frequency * monetaryValue)) / denominator, "the expected spend");
    }

    /// <summary>Log-likelihood of these parameters for the repeat buyers with a positive monetary value (the others are skipped).</summary>
    public double LogLikelihood(IReadOnlyList<RepeatSummary> customers)
    {
        var rows = GammaGammaLikelihood.Rows(customers);
        return GammaGammaLikelihood.Evaluate(rows.Frequency, rows.Monetary, [Math.Log(P), Math.Log(Q), Math.Log(Gamma)], []);
    }

    private static double Positive(double value, string name) =>
        value > 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(name, value, "Model parameters must be positive finite numbers.");
}

/// <summary>A Gamma-Gamma model fitted by maximum likelihood, with its reliability.</summary>
/// <param name="Customers">Customers fitted: repeat buyers with a positive monetary value.</param>
/// <param name="Excluded">Repeat buyers left out because their monetary value is zero or negative.</param>
/// <param name="StandardErrors">Parameter name → asymptotic standard error; empty when the likelihood is not curved like a maximum.</param>
public sealed record GammaGammaFit(
    GammaGammaModel Fitted,
    double LogLikelihood,
    bool Converged,
    int Iterations,
    double GradientNorm,
    int Customers,
    int Excluded,
    IReadOnlyDictionary<string, double> StandardErrors,
    IReadOnlyList<ModelWarning> Warnings)
{
    public IReadOnlyDictionary<string, double> Parameters => Fitted.Parameters;

    /// <inheritdoc cref="GammaGammaModel.ConditionalExpectedAverageSpend"/>
    public double ConditionalExpectedAverageSpend(int frequency, double monetaryValue) => Fitted.ConditionalExpectedAverageSpend(frequency, monetaryValue);
}

/// <summary>Fits the Gamma-Gamma spend model by maximum likelihood.</summary>
public static class GammaGamma
{
    internal static readonly string[] Names = ["p", "q", "gamma"];

    /// <summary>True when at least one customer has a repeat purchase with a positive mean value, which a fit needs.</summary>
    public static bool CanFit(IReadOnlyList<RepeatSummary> customers) => customers.Any(c => c.Frequency > 0 && c.MonetaryValue > 0);

    /// <summary>
    /// Maximum-likelihood estimate of p, q, γ from the repeat buyers (x &gt; 0) with a positive monetary value; the
    /// model assumes the first purchase is left out of the mean (as <see cref="RepeatSummaryBuilder"/> does). Throws
    /// <see cref="ArgumentException"/> when no customer qualifies (see <see cref="CanFit"/>) or a row is invalid.
    /// </summary>
    public static GammaGammaFit Fit(IReadOnlyList<RepeatSummary> customers, CancellationToken ct = default)
    {
        ModelFitting.Validate(customers);
        var rows = GammaGammaLikelihood.Rows(customers);
        var used = rows.Frequency.Length;
        if (used == 0)
        {
            throw new ArgumentException("The spend model needs at least one customer with a repeat purchase of positive value.", nameof(customers));
        }

        var excluded = customers.Count(c => c.Frequency > 0 && c.MonetaryValue <= 0);
        var repeatPurchases = rows.Frequency.Sum(x => (double)x);
        var meanSpend = rows.Frequency.Zip(rows.Monetary, (x, m) => x * m).Sum() / repeatPurchases;

        // Starts with the population mean p·γ/(q − 1) at the observed mean spend, from flat to peaked.
        var (gammaLower, gammaUpper) = ModelFitting.ScaleBounds(meanSpend);
        double[] lower = [ModelFitting.ShapeLower, ModelFitting.ShapeLower, gammaLower];
        double[] upper = [ModelFitting.ShapeUpper, ModelFitting.ShapeUpper, gammaUpper];
        double[][] starts = [[1, 2, meanSpend], [5, 3, meanSpend * 2 / 5], [0.5, 1.5, meanSpend]];
        var estimate = ModelFitting.Maximize(
            (theta, gradient) =>
            {
                var ll = GammaGammaLikelihood.Evaluate(rows.Frequency, rows.Monetary, theta, gradient);
                for (var i = 0; i < gradient.Length; i++)
                {
                    gradient[i] = -gradient[i] / used;
                }

                return -ll / used;
            },
            used, starts, Names, lower, upper, ct);

        var warnings = new List<ModelWarning>();
        if (excluded > 0)
        {
            warnings.Add(new ModelWarning(ModelWarning.NonPositiveMonetary,
                $"Repeat buyers left out of the spend model because their mean purchase value is zero or negative (refunds?): {excluded:N0}."));
        }

        // The share rule of the purchase models does not apply: a spend model needs enough repeat buyers, whatever their share.
        if (used < ModelFitting.MinRepeatBuyers)
        {
            warnings.Add(new ModelWarning(ModelWarning.FewRepeatBuyers,
                $"Only {used:N0} customers have repeat purchases of positive value (at least {ModelFitting.MinRepeatBuyers} are needed for a reliable spend model)."));
        }

        warnings.AddRange(estimate.Warnings);
        var p = estimate.Parameters;
        var model = new GammaGammaModel(p[0], p[1], p[2], meanSpend);
        if (!model.HasFiniteMean)
        {
            warnings.Add(new ModelWarning(ModelWarning.InfiniteMeanSpend,
                $"q = {p[1]:G4} ≤ 1: the model's mean spend is infinite (spend too heavy-tailed or too few buyers); " +
                $"customers without repeat purchases get the observed mean purchase value {meanSpend:F2} instead."));
        }

        return new GammaGammaFit(model, estimate.LogLikelihood, estimate.Search.Converged, estimate.Search.Iterations,
            estimate.Search.GradientNorm, used, excluded, estimate.StandardErrors, warnings);
    }
}

/// <summary>The Gamma-Gamma log-likelihood of (x, m̄) pairs and its gradient with respect to ln p, ln q, ln γ.</summary>
internal static class GammaGammaLikelihood
{
    public static (int[] Frequency, double[] Monetary) Rows(IReadOnlyList<RepeatSummary> customers)
    {
        var used = customers.Where(c => c.Frequency > 0 && c.MonetaryValue > 0).ToList();
        return ([.. used.Select(c => c.Frequency)], [.. used.Select(c => c.MonetaryValue)]);
    }

    /// <summary>
    /// Σ ln Γ(px + q) − ln Γ(px) − ln Γ(q) + q ln γ + (px − 1) ln m + px ln x − (px + q) ln(γ + x m): the density of the
    /// mean m of x Gamma(p, ν) values, ν integrated out.
    /// </summary>
    public static double Evaluate(int[] frequency, double[] monetary, ReadOnlySpan<double> logTheta, Span<double> gradient)
    {
        double p = Math.Exp(logTheta[0]), q = Math.Exp(logTheta[1]), gamma = Math.Exp(logTheta[2]);
        var withGradient = !gradient.IsEmpty;
        double lgq = LogGamma(q), psiQ = withGradient ? Digamma(q) : 0, logGamma = logTheta[2];

        // ln Γ(px + q) − ln Γ(px) and its digamma terms depend on x alone; x is small and repeats a lot.
        var cache = new Dictionary<int, (double Lg, double DgP, double DgQ)>();
        double ll = 0, gp = 0, gq = 0, gg = 0;
        for (var i = 0; i < frequency.Length; i++)
        {
            var x = frequency[i];
            var m = monetary[i];
            var px = p * x;
            if (!cache.TryGetValue(x, out var terms))
            {
                var lgpxq = LogGamma(px + q);
                var psiPxq = withGradient ? Digamma(px + q) : 0;
                terms = (lgpxq - LogGamma(px), withGradient ? psiPxq - Digamma(px) : 0, psiPxq);
                cache[x] = terms;
            }

            var logM = Math.Log(m);
            var logX = Math.Log(x);
            var logGammaXm = Math.Log(gamma + (x * m));
            ll += terms.Lg - lgq + (q * logGamma) + ((px - 1) * logM) + (px * logX) - ((px + q) * logGammaXm);
            if (withGradient)
            {
                gp += x * (terms.DgP + logM + logX - logGammaXm);
                gq += terms.DgQ - psiQ + logGamma - logGammaXm;
                gg += (q / gamma) - ((px + q) / (gamma + (x * m)));
            }
        }

        if (withGradient)
        {
            gradient[0] = gp * p;
            gradient[1] = gq * q;
            gradient[2] = gg * gamma;
        }

        return ll;
    }
}
