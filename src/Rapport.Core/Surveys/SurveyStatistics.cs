namespace Rapport.Surveys;

/// <summary>An estimate with its 95 % confidence interval.</summary>
public sealed record Estimate(double Value, double Low, double High, int Responses);

/// <summary>
/// The statistics of survey results: Net Promoter Score and customer satisfaction with 95 % confidence intervals, and
/// the mean of a rating. Pure functions; docs/surveys.md, "Results", gives the formulas and why these intervals.
/// </summary>
public static class SurveyStatistics
{
    /// <summary>z for a two-sided 95 % interval.</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>NPS answers 9–10 are promoters, 0–6 detractors, 7–8 passives.</summary>
    public static bool IsPromoter(int score) => score >= 9;

    public static bool IsDetractor(int score) => score <= 6;

    /// <summary>CSAT answers 4 and 5 (of 1–5) are satisfied.</summary>
    public static bool IsSatisfied(int score) => score >= 4;

    /// <summary>
    /// Net Promoter Score, −100 … 100: the percentage of promoters minus the percentage of detractors. The interval is
    /// the adjusted Wald interval for a difference of two proportions of one multinomial sample (Rocks, 2016): add 3/4 of
    /// a promoter and 3/4 of a detractor and 3 answers in all (so 1.5 passives) before taking the Wald interval. It keeps
    /// its 95 % coverage for small samples and near ±100, where the plain Wald interval collapses to a point.
    /// Null when there are no answers.
    /// </summary>
    public static Estimate? Nps(int promoters, int passives, int detractors)
    {
        var n = promoters + passives + detractors;
        if (n <= 0 || promoters < 0 || passives < 0 || detractors < 0)
        {
            return null;
        }

        var nps = 100.0 * (promoters - detractors) / n;
        var adjustedN = n + 3.0;
        var p = (promoters + 0.75) / adjustedN;
        var d = (detractors + 0.75) / adjustedN;
        var centre = p - d;
        var variance = (p + d - centre * centre) / adjustedN;
        var margin = Z95 * Math.Sqrt(Math.Max(variance, 0));
        return new Estimate(nps, Math.Max(-100, 100 * (centre - margin)), Math.Min(100, 100 * (centre + margin)), n);
    }

    /// <summary>
    /// A proportion (CSAT: the share of satisfied answers) with the Wilson score interval, which stays inside 0 … 1 and
    /// keeps its coverage for small samples and proportions near 0 or 1. Null when there are no answers.
    /// </summary>
    public static Estimate? Proportion(int successes, int n)
    {
        if (n <= 0 || successes < 0 || successes > n)
        {
            return null;
        }

        var phat = (double)successes / n;
        var z2 = Z95 * Z95;
        var denominator = 1 + z2 / n;
        var centre = (phat + z2 / (2 * n)) / denominator;
        var margin = Z95 * Math.Sqrt(phat * (1 - phat) / n + z2 / (4.0 * n * n)) / denominator;
        return new Estimate(phat, Math.Max(0, centre - margin), Math.Min(1, centre + margin), n);
    }

    /// <summary>
    /// The mean of numeric answers with a t interval (normal beyond 30 answers); the interval is clipped to the scale.
    /// Null when there are no answers; a single answer has the whole scale as its interval.
    /// </summary>
    public static Estimate? Mean(IReadOnlyCollection<int> answers, int scaleMin, int scaleMax)
    {
        var n = answers.Count;
        if (n == 0)
        {
            return null;
        }

        var mean = answers.Average();
        if (n == 1)
        {
            return new Estimate(mean, scaleMin, scaleMax, 1);
        }

        var variance = answers.Sum(a => (a - mean) * (a - mean)) / (n - 1);
        var margin = TQuantile975(n - 1) * Math.Sqrt(variance / n);
        return new Estimate(mean, Math.Max(scaleMin, mean - margin), Math.Min(scaleMax, mean + margin), n);
    }

    /// <summary>The 97.5 % quantile of Student's t: a table to 30 degrees of freedom, then the normal quantile.</summary>
    public static double TQuantile975(int degreesOfFreedom) => degreesOfFreedom switch
    {
        <= 0 => double.NaN,
        <= 30 => TTable[degreesOfFreedom - 1],
        _ => Z95 + (Z95 * Z95 * Z95 + Z95) / (4.0 * degreesOfFreedom),
    };

    private static readonly double[] TTable =
    [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    ];
}
