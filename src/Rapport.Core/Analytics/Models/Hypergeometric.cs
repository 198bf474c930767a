using static Rapport.Analytics.Models.SpecialFunctions;

namespace Rapport.Analytics.Models;

/// <summary>ln F and its partial derivatives with respect to a, b and z.</summary>
internal readonly record struct LogHypergeometric(double Log, double DA, double DB, double DZ);

/// <summary>
/// F(z) = ₂F₁(a, b; a + 1; z) for a &gt; 0, 0 &lt; b &lt; a + 1, 0 ≤ z &lt; 1 (the only hypergeometric function of the Pareto/NBD
/// likelihood), in logs and with its derivatives. It is an incomplete beta function in disguise:
/// F(z) = a z^−a J(z), J(z) = ∫₀ᶻ u^(a−1) (1 − u)^−b du.
/// </summary>
internal static class Hypergeometric
{
    /// <summary>Up to here the power series; beyond, the series needs too many terms and J is integrated instead.</summary>
    public const double SeriesLimit = 0.9;

    public static LogHypergeometric OfIncompleteBetaForm(double a, double b, double z)
    {
        if (z <= SeriesLimit)
        {
            return Series(a, b, z);
        }

        // J(z) = J(z₀) + ∫_{z₀}^{z} u^(a−1) (1 − u)^−b du with z₀ = SeriesLimit, the first part from the series. The rest
        // is integrated in w = −ln(1 − u), where (1 − u)^−b du = e^(b−1)w dw: the integrand is e^(kw) g(w) with k = b − 1
        // and g(w) = (1 − e^−w)^(a−1), smooth and monotone for w ≥ w₀. The derivatives integrate ∂/∂a = ln u and
        // ∂/∂b = w times the same integrand on the same nodes. Values are scaled by their largest, so nothing overflows.
        var z0 = SeriesLimit;
        var atZ0 = Series(a, b, z0);
        var logZ0 = Math.Log(z0);
        var logJ0 = (a * logZ0) + atZ0.Log - Math.Log(a);
        var dJ0a = logZ0 + atZ0.DA - (1 / a);
        var dJ0b = atZ0.DB;

        var w0 = -Log1p(-z0);
        var w1 = -Log1p(-z);
        var k = b - 1;
        double LogG(double w) => (a - 1) * Log1p(-Math.Exp(-w));
        var gPeak = Math.Max(LogG(w0), LogG(w1));
        Span<double> q = stackalloc double[3];
        double logQ;
        if (Math.Abs(k) * (w1 - w0) < 1)
        {
            // The exponential barely changes over the interval: integrate in w.
            var peak = gPeak + Math.Max(k * w0, k * w1);
            AdaptiveQuadrature.Integrate((w, v) =>
            {
                var logU = Log1p(-Math.Exp(-w));
                var e = Math.Exp(((a - 1) * logU) + (k * w) - peak);
                v[0] = e;
                v[1] = e * logU;
                v[2] = e * w;
            }, w0, w1, q);
            logQ = peak + Math.Log(q[0]);
        }
        else
        {
            // y = e^(k(w − w*)), anchored at the end where the exponential is largest, turns e^(kw) dw into
            // e^(kw*)/|k| dy: what is left to integrate is g alone, nearly flat, and a few Kronrod panels suffice
            // where the exponential in w would need many.
            var anchor = k > 0 ? w1 : w0;
            AdaptiveQuadrature.Integrate((y, v) =>
            {
                var w = anchor + (Math.Log(y) / k);
                var logU = Log1p(-Math.Exp(-w));
                var e = Math.Exp(((a - 1) * logU) - gPeak);
                v[0] = e;
                v[1] = e * logU;
                v[2] = e * w;
            }, Math.Exp(-Math.Abs(k) * (w1 - w0)), 1, q);
            logQ = (k * anchor) - Math.Log(Math.Abs(k)) + gPeak + Math.Log(q[0]);
        }

        var logJ = LogAddExp(logJ0, logQ);
        var share0 = Math.Exp(logJ0 - logJ);
        var shareQ = 1 - share0;
        var dJa = (share0 * dJ0a) + (shareQ * q[1] / q[0]);
        var dJb = (share0 * dJ0b) + (shareQ * q[2] / q[0]);
        var logZ = Math.Log(z);
        var dz = Math.Exp(((a - 1) * logZ) - (b * Log1p(-z)) - logJ) - (a / z);
        return new LogHypergeometric(Math.Log(a) - (a * logZ) + logJ, (1 / a) - logZ + dJa, dJb, dz);
    }

    /// <summary>
    /// Euler's transformation F(z) = (1 − z)^(1−b) G(z), G(z) = ₂F₁(1, a + 1 − b; a + 1; z) = Σ gₙ zⁿ with
    /// gₙ₊₁ = gₙ (a + 1 − b + n)/(a + 1 + n). In both Pareto/NBD cases a + 1 − b is r + x or s + 1, positive, so every
    /// term is positive and falls at least as fast as zⁿ: no cancellation, and a bound on what is left.
    /// </summary>
    private static LogHypergeometric Series(double a, double b, double z)
    {
        var c = a + 1 - b;
        double term = 1, sum = 1, sumA = 0, sumB = 0, sumZ = 0;

        // ∂ ln gₙ/∂a and ∂ ln gₙ/∂b accumulate term by term.
        double da = 0, db = 0;
        for (var n = 0; n < 100_000; n++)
        {
            da += (1 / (c + n)) - (1 / (a + 1 + n));
            db -= 1 / (c + n);
            var ratio = (c + n) / (a + 1 + n);
            sumZ += term * ratio * (n + 1);
            term *= ratio * z;
            sum += term;
            sumA += term * da;
            sumB += term * db;
            if (term <= 1e-17 * sum * (1 - z))
            {
                break;
            }
        }

        var logOneMinusZ = Log1p(-z);
        return new LogHypergeometric(
            ((1 - b) * logOneMinusZ) + Math.Log(sum),
            sumA / sum,
            -logOneMinusZ + (sumB / sum),
            ((b - 1) / (1 - z)) + (sumZ / sum));
    }
}
