namespace Rapport.Analytics.Models;

/// <summary>Argument checks of the models' public methods, and the last guard on what they return.</summary>
internal static class Check
{
    public static void History(int frequency, double recency, double age)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(frequency);
        if (!(recency >= 0) || !double.IsFinite(recency))
        {
            throw new ArgumentOutOfRangeException(nameof(recency), recency, "Recency must be a finite number ≥ 0.");
        }

        if (!(age >= recency) || !double.IsFinite(age))
        {
            throw new ArgumentOutOfRangeException(nameof(age), age, $"Age must be a finite number ≥ recency ({recency}).");
        }
    }

    public static void Horizon(double t)
    {
        if (!(t >= 0) || !double.IsFinite(t))
        {
            throw new ArgumentOutOfRangeException(nameof(t), t, "The horizon must be a finite number ≥ 0.");
        }
    }

    /// <summary>
    /// Every number a model returns passes here: a non-finite value is a defect in the numerics, reported as such
    /// rather than handed on to a customer's page or a metrics table.
    /// </summary>
    public static double Finite(double value, string what) =>
        double.IsFinite(value) ? value : throw new InvalidOperationException($"The computation of {what} gave {value}; this is a defect, please report the parameters and input.");
}

/// <summary>The negative binomial count of purchases of a gamma-mixed Poisson process over a period: q = α/(α + t).</summary>
internal static class NegativeBinomial
{
    /// <summary>ln P(N = n) = ln[Γ(r + n)/(Γ(r) n!) qʳ (1 − q)ⁿ].</summary>
    public static double LogPmf(int n, double r, double logQ, double logOneMinusQ) =>
        SpecialFunctions.LogGamma(r + n) - SpecialFunctions.LogGamma(r) - SpecialFunctions.LogGamma(n + 1.0) + (r * logQ) + (n * logOneMinusQ);

    /// <summary>
    /// P(N ≥ n) for n ≥ 1. As 1 − P(N &lt; n) while that head is below ½; beyond, the tail is summed directly, because
    /// 1 − (a number close to 1) would keep only the last few digits of a small probability.
    /// </summary>
    public static double UpperTail(int n, double r, double logQ, double logOneMinusQ)
    {
        // Terms in logs: with a large r or a long horizon the first terms underflow while later ones do not.
        var logTerm = r * logQ;
        var head = 0.0;
        for (var j = 0; j < n; j++)
        {
            head += Math.Exp(logTerm);
            logTerm += Math.Log((r + j) / (j + 1)) + logOneMinusQ;
        }

        if (head < 0.5)
        {
            return 1 - head;
        }

        // Terms from j = n on (logTerm is ln P(N = n) now); once the ratio (r + j)/(j + 1)·(1 − q) is below 1 they
        // fall at least geometrically.
        var tail = 0.0;
        for (var j = n; j < n + 10_000_000; j++)
        {
            var term = Math.Exp(logTerm);
            tail += term;
            var logRatio = Math.Log((r + j) / (j + 1)) + logOneMinusQ;
            logTerm += logRatio;
            if (logRatio < 0 && Math.Exp(logTerm) <= 1e-17 * tail * -SpecialFunctions.Expm1(logRatio))
            {
                break;
            }
        }

        return Math.Min(tail, 1);
    }
}
