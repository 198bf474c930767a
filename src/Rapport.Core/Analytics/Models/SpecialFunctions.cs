namespace Rapport.Analytics.Models;

/// <summary>
/// The few special functions the models need, written here rather than taken from a numerics package: log-gamma and
/// digamma for positive arguments (Stirling/de Moivre series after shifting the argument up), and the accurate
/// <c>log1p</c>/<c>expm1</c> that .NET lacks (<c>double.LogP1</c>/<c>ExpM1</c> are computed as <c>Log(1 + x)</c> and
/// <c>Exp(x) - 1</c>, which lose every digit for small x).
/// </summary>
internal static class SpecialFunctions
{
    private const double HalfLogTwoPi = 0.91893853320467274178;

    // Below this the argument is shifted up by recurrence; at 15 the series' next term is below 1e-17 of the result.
    private const double AsymptoticFrom = 15;

    /// <summary>ln Γ(x) for x &gt; 0.</summary>
    public static double LogGamma(double x)
    {
        if (!(x > 0) || double.IsPositiveInfinity(x))
        {
            throw new ArgumentOutOfRangeException(nameof(x), x, "LogGamma needs a positive finite argument.");
        }

        // ln Γ(x) = ln Γ(x + n) − ln(x (x + 1) … (x + n − 1)); the product stays far from overflow for n ≤ 15.
        var product = 1.0;
        while (x < AsymptoticFrom)
        {
            product *= x;
            x += 1;
        }

        var inverse = 1 / x;
        var inverse2 = inverse * inverse;
        var series = inverse * (1.0 / 12 + inverse2 * (-1.0 / 360 + inverse2 * (1.0 / 1260 + inverse2 * (-1.0 / 1680 +
            inverse2 * (1.0 / 1188 + inverse2 * (-691.0 / 360360 + inverse2 * (1.0 / 156)))))));
        return ((x - 0.5) * Math.Log(x)) - x + HalfLogTwoPi + series - Math.Log(product);
    }

    /// <summary>ψ(x) = d ln Γ(x) / dx for x &gt; 0.</summary>
    public static double Digamma(double x)
    {
        if (!(x > 0) || double.IsPositiveInfinity(x))
        {
            throw new ArgumentOutOfRangeException(nameof(x), x, "Digamma needs a positive finite argument.");
        }

        // ψ(x) = ψ(x + 1) − 1/x.
        var shift = 0.0;
        while (x < AsymptoticFrom)
        {
            shift += 1 / x;
            x += 1;
        }

        var inverse2 = 1 / (x * x);
        var series = inverse2 * (1.0 / 12 - inverse2 * (1.0 / 120 - inverse2 * (1.0 / 252 - inverse2 * (1.0 / 240 - inverse2 * (1.0 / 132)))));
        return Math.Log(x) - (0.5 / x) - series - shift;
    }

    /// <summary>ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b).</summary>
    public static double LogBeta(double a, double b) => LogGamma(a) + LogGamma(b) - LogGamma(a + b);

    /// <summary>ln(1 + x), accurate for small x.</summary>
    public static double Log1p(double x)
    {
        var u = 1 + x;
        // The rounding error of 1 + x is corrected to first order (Goldberg's trick); exact when u − 1 == x.
        return u == 1 ? x : Math.Log(u) * x / (u - 1);
    }

    /// <summary>eˣ − 1, accurate for small x.</summary>
    public static double Expm1(double x)
    {
        if (Math.Abs(x) < 1e-5)
        {
            return x * (1 + (x / 2 * (1 + (x / 3))));
        }

        var u = Math.Exp(x);
        if (u == 1 || double.IsPositiveInfinity(u))
        {
            return u == 1 ? x : u;
        }

        var um1 = u - 1;
        return um1 == -1 ? -1 : um1 * x / Math.Log(u);
    }

    /// <summary>
    /// (1 − e^(−c·L)) / c, with its limit L at c = 0: the discounting factor of the Pareto/NBD expectations, which
    /// divide by s − 1 and must not fall apart when s is close to 1.
    /// </summary>
    public static double OneMinusExpOverC(double c, double l)
    {
        var cl = c * l;
        return Math.Abs(cl) < 1e-10 ? l * (1 - (cl / 2)) : -Expm1(-cl) / c;
    }

    /// <summary>ln(eᵃ + eᵇ) without overflow; −∞ terms are allowed.</summary>
    public static double LogAddExp(double a, double b)
    {
        if (a < b)
        {
            (a, b) = (b, a);
        }

        return double.IsNegativeInfinity(b) ? a : a + Log1p(Math.Exp(b - a));
    }

    /// <summary>ln(eᵃ − eᵇ) for b ≤ a; −∞ when b ≥ a (the difference is nothing, or rounding made it negative).</summary>
    public static double LogSubtractExp(double a, double b)
    {
        if (!(b < a))
        {
            return double.NegativeInfinity;
        }

        var d = b - a;
        // ln(1 − e^d): log1p(−e^d) is accurate for d well below zero, log(−expm1(d)) close to zero (Mächler 2012).
        return a + (d > -0.6931471805599453 ? Math.Log(-Expm1(d)) : Log1p(-Math.Exp(d)));
    }
}
