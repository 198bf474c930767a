namespace Rapport.Values.Map;

/// <summary>Successes out of trials in one window, e.g. comments mentioning a value out of all comments.</summary>
public readonly record struct Proportion(int Successes, int Trials)
{
    public double? Share => Trials == 0 ? null : (double)Successes / Trials;
}

/// <summary>The outcome of comparing a recent window with the one before it.</summary>
public sealed record ShiftTest(Proportion Recent, Proportion Before, double Z, double P, bool Testable);

/// <summary>
/// Shift detection for the evolution of priorities: a two-sided, pooled two-proportion z-test of the last
/// <see cref="RecentMonths"/> months against the <see cref="BeforeMonths"/> before them, with minimum counts so the
/// normal approximation holds, and a Bonferroni correction over every series tested at once, so that a page of a
/// dozen values × two signals raises a false alert on a stable history at most 1 % of the time (docs/values.md).
/// </summary>
public static class ShiftDetector
{
    public const int RecentMonths = 3;
    public const int BeforeMonths = 12;

    /// <summary>The family-wise significance level: p × tests must be below it.</summary>
    public const double Alpha = 0.01;

    /// <summary>Each window needs at least this many trials…</summary>
    public const int MinTrials = 30;

    /// <summary>…and at least this many expected successes and failures under the pooled share (the usual np ≥ 5 rule).</summary>
    public const double MinExpected = 5;

    public static ShiftTest Test(Proportion recent, Proportion before)
    {
        var n1 = recent.Trials;
        var n2 = before.Trials;
        if (n1 < MinTrials || n2 < MinTrials)
        {
            return new ShiftTest(recent, before, 0, 1, false);
        }

        var pooled = (double)(recent.Successes + before.Successes) / (n1 + n2);
        var smaller = Math.Min(n1, n2);
        if (pooled * smaller < MinExpected || (1 - pooled) * smaller < MinExpected)
        {
            return new ShiftTest(recent, before, 0, 1, false);
        }

        var se = Math.Sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2));
        var z = (recent.Share!.Value - before.Share!.Value) / se;
        return new ShiftTest(recent, before, z, TwoSidedP(z), true);
    }

    /// <summary>Whether a test is a shift when <paramref name="tests"/> series were tested together.</summary>
    public static bool IsShift(ShiftTest test, int tests) => test.Testable && test.P * Math.Max(1, tests) < Alpha;

    /// <summary>P(|Z| ≥ |z|) for a standard normal Z.</summary>
    public static double TwoSidedP(double z) => Erfc(Math.Abs(z) / Math.Sqrt(2));

    /// <summary>The complementary error function (Numerical Recipes' Chebyshev fit, relative error below 1.2e-7).</summary>
    public static double Erfc(double x)
    {
        var z = Math.Abs(x);
        var t = 1 / (1 + 0.5 * z);
        var r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
            t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }
}
