using static Rapport.Analytics.Models.SpecialFunctions;

namespace Rapport.Analytics.Models;

/// <summary>
/// The BG/NBD model (Fader, Hardie &amp; Lee 2005, "Counting Your Customers the Easy Way"): while alive, a customer
/// buys at a Poisson rate λ ~ Gamma(r, α); after each purchase they drop out with probability p ~ Beta(a, b).
/// </summary>
public sealed record BgNbdModel : IPurchaseModel
{
    public BgNbdModel(double r, double alpha, double a, double b)
    {
        R = Positive(r, nameof(r));
        Alpha = Positive(alpha, nameof(alpha));
        A = Positive(a, nameof(a));
        B = Positive(b, nameof(b));
    }

    public double R { get; }

    public double Alpha { get; }

    public double A { get; }

    public double B { get; }

    public string Name => "bgnbd";

    public IReadOnlyDictionary<string, double> Parameters => new Dictionary<string, double> { ["r"] = R, ["alpha"] = Alpha, ["a"] = A, ["b"] = B };

    public double ProbabilityAlive(int frequency, double recency, double age)
    {
        Check.History(frequency, recency, age);
        if (frequency == 0)
        {
            return 1;
        }

        // 1 / (1 + a/(b + x − 1) · ((α + T)/(α + t_x))^(r + x)), the power taken in logs.
        var logOdds = Math.Log(A / (B + frequency - 1)) + ((R + frequency) * Log1p((age - recency) / (Alpha + recency)));
        return Logistic(-logOdds);
    }

    public double ConditionalExpectedPurchases(double t, int frequency, double recency, double age)
    {
        Check.History(frequency, recency, age);
        Check.Horizon(t);
        return t == 0 ? 0 : ExpectedWhileAlive(t, frequency, age) * ProbabilityAlive(frequency, recency, age);
    }

    public double ExpectedPurchases(double t)
    {
        Check.Horizon(t);
        // A new customer is alive with nothing observed: the conditional expectation at x = 0, T = 0.
        return t == 0 ? 0 : ExpectedWhileAlive(t, 0, 0);
    }

    public double ProbabilityOfPurchases(int n, double t)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        Check.Horizon(t);
        if (t == 0)
        {
            return n == 0 ? 1 : 0;
        }

        // FHL (2005) eq. 8: still alive after n purchases, or dropped out after the n-th; the second term needs
        // P(N ≥ n) of the negative binomial N of purchases in t, taken without cancellation (see NegativeBinomial).
        var logQ = -Log1p(t / Alpha);
        var logOneMinusQ = Math.Log(t) - Math.Log(Alpha + t);
        var logBetaAB = LogBeta(A, B);
        var alive = Math.Exp(LogBeta(A, B + n) - logBetaAB + NegativeBinomial.LogPmf(n, R, logQ, logOneMinusQ));
        if (n == 0)
        {
            return Check.Finite(alive, "P(X(t) = n)");
        }

        var droppedOut = Math.Exp(LogBeta(A + 1, B + n - 1) - logBetaAB) * NegativeBinomial.UpperTail(n, R, logQ, logOneMinusQ);
        return Check.Finite(Math.Clamp(alive + droppedOut, 0, 1), "P(X(t) = n)");
    }

    /// <summary>Log-likelihood of these parameters for the customers (without the ln x! terms).</summary>
    public double LogLikelihood(IReadOnlyList<RepeatSummary> customers) =>
        BgNbdLikelihood.Evaluate(WeightedRows.From(customers), [Math.Log(R), Math.Log(Alpha), Math.Log(A), Math.Log(B)], []);

    /// <summary>
    /// E[purchases in (T, T + t] | alive at T, x]. FHL (2005) eq. 10 without its P(alive) factor:
    /// (a + b + x − 1)/(a − 1) · [1 − ((α + T)/(α + T + t))^(r + x) ₂F₁(r + x, b + x; a + b + x − 1; z)], z = t/(α + T + t).
    /// Written with Euler's transformation as C · [(1 − (1 − z)^(a − 1))/(a − 1) − (1 − z)^(a − 1) · S], C = a + b + x − 1,
    /// where S collects the series terms after the first: no division by a − 1 (a close to 1 is fine), no pole when
    /// C ≤ 0, and all in moderate numbers. Far from the series' comfort (z close to 1) the same expectation is
    /// integrated over the posterior of p instead.
    /// </summary>
    private double ExpectedWhileAlive(double t, int x, double age)
    {
        var z = t / (Alpha + age + t);
        var c = A + B + x - 1;
        if (z <= SeriesLimit && CTimesS(c, R + x, z) is { } cs)
        {
            var logOneMinusZ = Log1p(-z);
            var value = (c * OneMinusExpOverC(A - 1, -logOneMinusZ)) - (Math.Exp((A - 1) * logOneMinusZ) * cs);
            if (value >= 0 && double.IsFinite(value))
            {
                return value;
            }
        }

        return Check.Finite(ExpectedWhileAliveByQuadrature(t, x, age), "expected purchases");
    }

    private const double SeriesLimit = 0.95;

    /// <summary>Above this shape the posterior of p is integrated in p directly (see the quadrature).</summary>
    private const double ConcentratedShape = 20;

    /// <summary>C · S = Σ_{n≥1} (C − A)_n (a)_{n−1} / ((C + 1)_{n−1} n!) zⁿ, or null when it does not settle.</summary>
    private double? CTimesS(double c, double rx, double z)
    {
        var cMinusA = c - rx;
        var term = cMinusA * z;
        var sum = term;
        for (var n = 1; n < 20_000; n++)
        {
            var ratio = (cMinusA + n) * (A + n - 1) / ((c + n) * (n + 1)) * z;
            term *= ratio;
            sum += term;
            if (Math.Abs(term) <= 1e-17 * Math.Abs(sum) && Math.Abs(ratio) < 1)
            {
                return sum;
            }

            if (term == 0)
            {
                return sum;
            }
        }

        return null;
    }

    /// <summary>
    /// The same expectation as E_p[(1 − (1 + p t/(α + T))^−(r + x)) / p] with p ~ Beta(a, b + x) (the posterior of p given
    /// alive). The integral is split at p = ½ and each half substituted (p = ½u^(1/a), 1 − p = ½v^(1/(b+x))) so that the
    /// Beta density's endpoint singularities disappear, whatever a and b.
    /// </summary>
    internal double ExpectedWhileAliveByQuadrature(double t, int x, double age)
    {
        var shape = R + x;
        var k = t / (Alpha + age);
        var bx = B + x;
        double Expected(double p) => p <= 0 ? shape * k : -Expm1(-shape * Log1p(p * k)) / p;

        // The Beta normalisation goes into the exponent: for large a and b the halves' constants and integrals
        // would overflow and underflow separately.
        var logBeta = LogBeta(A, bx);
        if ((A > ConcentratedShape || bx > ConcentratedShape) && A >= 1 && bx >= 1)
        {
            // A large shape concentrates the posterior far inside (0, 1), where the substitution below would squeeze
            // it into u ≈ (2p)^a, below the smallest double (a = 2,000 puts p = 0.2 at u ≈ 1e-800). Without endpoint
            // singularities (both shapes ≥ 1) the density is smooth: integrate it in p over ±20 standard deviations.
            var sum = A + bx;
            var mean = A / sum;
            var sd = Math.Sqrt(A * bx / (sum * sum * (sum + 1)));
            var from = Math.Max(0, mean - (20 * sd));
            var to = Math.Min(1, mean + (20 * sd));
            Span<double> window = stackalloc double[1];
            AdaptiveQuadrature.Integrate((p, v) =>
            {
                v[0] = p <= 0 || p >= 1
                    ? 0
                    : Math.Exp(Math.Log(Expected(p)) + ((A - 1) * Math.Log(p)) + ((bx - 1) * Log1p(-p)) - logBeta);
            }, from, to, window);
            return window[0];
        }

        var logLeft = (-A * Math.Log(2)) - Math.Log(A) - logBeta;
        var logRight = (-bx * Math.Log(2)) - Math.Log(bx) - logBeta;
        Span<double> left = stackalloc double[1];
        Span<double> right = stackalloc double[1];
        AdaptiveQuadrature.Integrate((u, v) =>
        {
            var p = 0.5 * Math.Exp(Math.Log(u) / A);
            v[0] = Math.Exp(Math.Log(Expected(p)) + ((bx - 1) * Log1p(-p)) + logLeft);
        }, 0, 1, left);
        AdaptiveQuadrature.Integrate((w, v) =>
        {
            var oneMinusP = 0.5 * Math.Exp(Math.Log(w) / bx);
            v[0] = Math.Exp(Math.Log(Expected(1 - oneMinusP)) + ((A - 1) * Log1p(-oneMinusP)) + logRight);
        }, 0, 1, right);
        return left[0] + right[0];
    }

    private static double Logistic(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));

    private static double Positive(double value, string name) =>
        value > 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(name, value, "Model parameters must be positive finite numbers.");
}

/// <summary>Fits the BG/NBD model by maximum likelihood.</summary>
public static class BgNbd
{
    internal static readonly string[] Names = ["r", "alpha", "a", "b"];

    /// <summary>
    /// Maximum-likelihood estimate of r, α, a, b from the calibration summaries (x, t_x, T; monetary values are not
    /// used). Throws <see cref="ArgumentException"/> for an empty list or an invalid row; everything else (few repeat
    /// buyers, no convergence, a parameter on its bound) is reported in <see cref="PurchaseModelFit.Warnings"/>.
    /// </summary>
    public static PurchaseModelFit Fit(IReadOnlyList<RepeatSummary> customers, CancellationToken ct = default)
    {
        var rows = WeightedRows.From(customers);
        var repeat = customers.Count(c => c.Frequency > 0);
        var meanAge = customers.Average(c => c.Age);
        var totalWeight = (double)customers.Count;

        // λ ~ Gamma(r, α) has mean r/α: start at r = 1 and the observed purchase rate; dropout starts at an even a = b = 1.
        var rate = customers.Sum(c => (double)c.Frequency) / Math.Max(customers.Sum(c => c.Age), 1e-9);
        var alpha0 = rate > 0 ? 1 / rate : Math.Max(meanAge, 1);
        var (alphaLower, alphaUpper) = ModelFitting.ScaleBounds(meanAge);
        double[] lower = [ModelFitting.ShapeLower, alphaLower, ModelFitting.ShapeLower, ModelFitting.ShapeLower];
        double[] upper = [ModelFitting.ShapeUpper, alphaUpper, ModelFitting.ShapeUpper, ModelFitting.ShapeUpper];
        double[][] starts =
        [
            [1, Math.Clamp(alpha0, alphaLower * 10, alphaUpper / 10), 1, 1],
            [0.5, Math.Clamp(alpha0 / 2, alphaLower * 10, alphaUpper / 10), 0.5, 3],
            [2, Math.Clamp(alpha0 * 2, alphaLower * 10, alphaUpper / 10), 2, 6],
        ];

        var estimate = ModelFitting.Maximize(
            (theta, gradient) =>
            {
                var ll = BgNbdLikelihood.Evaluate(rows, theta, gradient);
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
        return new PurchaseModelFit(new BgNbdModel(p[0], p[1], p[2], p[3]), estimate.LogLikelihood, estimate.Search.Converged,
            estimate.Search.Iterations, estimate.Search.GradientNorm, customers.Count, repeat, estimate.StandardErrors, warnings);
    }
}

/// <summary>The BG/NBD log-likelihood (FHL 2005, eq. 6 in logs) and its gradient with respect to ln r, ln α, ln a, ln b.</summary>
internal static class BgNbdLikelihood
{
    /// <summary>Σ weight · ln L over the rows; writes ∂/∂ln θ into gradient unless it is empty.</summary>
    public static double Evaluate(WeightedRows rows, ReadOnlySpan<double> logTheta, Span<double> gradient)
    {
        double r = Math.Exp(logTheta[0]), alpha = Math.Exp(logTheta[1]), a = Math.Exp(logTheta[2]), b = Math.Exp(logTheta[3]);
        var withGradient = !gradient.IsEmpty;

        // Terms of x alone, once per distinct x.
        var distinct = rows.DistinctFrequencies;
        var m = distinct.Length;
        Span<double> lgR = m <= 256 ? stackalloc double[m] : new double[m];
        Span<double> lgAB = m <= 256 ? stackalloc double[m] : new double[m];
        Span<double> dgR = m <= 256 ? stackalloc double[m] : new double[m];
        Span<double> dgA = m <= 256 ? stackalloc double[m] : new double[m];
        Span<double> dgB = m <= 256 ? stackalloc double[m] : new double[m];
        Span<double> logDrop = m <= 256 ? stackalloc double[m] : new double[m];
        double lgr = SpecialFunctions.LogGamma(r), lgb = SpecialFunctions.LogGamma(b), lgab = SpecialFunctions.LogGamma(a + b);
        double psiR = withGradient ? SpecialFunctions.Digamma(r) : 0, psiB = withGradient ? SpecialFunctions.Digamma(b) : 0;
        var psiAB = withGradient ? SpecialFunctions.Digamma(a + b) : 0;
        var logA = Math.Log(a);
        for (var i = 0; i < m; i++)
        {
            var x = distinct[i];
            lgR[i] = SpecialFunctions.LogGamma(r + x) - lgr + (r * logTheta[1]);
            lgAB[i] = lgab + SpecialFunctions.LogGamma(b + x) - lgb - SpecialFunctions.LogGamma(a + b + x);
            logDrop[i] = x > 0 ? logA - Math.Log(b + x - 1) : double.NegativeInfinity;
            if (withGradient)
            {
                var psiABX = SpecialFunctions.Digamma(a + b + x);
                dgR[i] = SpecialFunctions.Digamma(r + x) - psiR;
                dgA[i] = psiAB - psiABX;
                dgB[i] = psiAB + SpecialFunctions.Digamma(b + x) - psiB - psiABX;
            }
        }

        double ll = 0, gr = 0, galpha = 0, ga = 0, gb = 0;
        for (var j = 0; j < rows.Count; j++)
        {
            var x = rows.Frequency[j];
            var i = rows.FrequencyIndex[j];
            var w = rows.Weight[j];
            var rx = r + x;
            var logAlphaT = Math.Log(alpha + rows.Age[j]);
            var alive = -rx * logAlphaT;
            double value, dropped = 0;
            double logAlphaTx = 0;
            if (x > 0)
            {
                logAlphaTx = Math.Log(alpha + rows.Recency[j]);
                var gone = logDrop[i] - (rx * logAlphaTx);
                value = SpecialFunctions.LogAddExp(alive, gone);
                dropped = Math.Exp(gone - value);
            }
            else
            {
                value = alive;
            }

            ll += w * (lgR[i] + lgAB[i] + value);
            if (withGradient)
            {
                var stayed = 1 - dropped;
                gr += w * (dgR[i] + logTheta[1] - (stayed * logAlphaT) - (dropped * logAlphaTx));
                galpha += w * ((r / alpha) - (rx * ((stayed / (alpha + rows.Age[j])) + (x > 0 ? dropped / (alpha + rows.Recency[j]) : 0))));
                ga += w * (dgA[i] + (dropped / a));
                gb += w * (dgB[i] - (x > 0 ? dropped / (b + x - 1) : 0));
            }
        }

        if (withGradient)
        {
            gradient[0] = gr * r;
            gradient[1] = galpha * alpha;
            gradient[2] = ga * a;
            gradient[3] = gb * b;
        }

        return ll;
    }
}
