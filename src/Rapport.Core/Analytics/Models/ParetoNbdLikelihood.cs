using static Rapport.Analytics.Models.SpecialFunctions;

namespace Rapport.Analytics.Models;

/// <summary>
/// The Pareto/NBD log-likelihood and its gradient with respect to ln r, ln α, ln s, ln β. Per customer
/// L = Γ(r + x) αʳ βˢ / Γ(r) · [(α + T)^−(r+x) (β + T)^−s + s · I],
/// I = ∫_{t_x}^{T} (α + y)^−(r+x) (β + y)^−(s+1) dy, the probability of dying after the last purchase and before T.
/// </summary>
/// <remarks>
/// I is Fader &amp; Hardie's A₀/(r + s + x): a difference of ₂F₁(a, b; a + 1; z)/base^a terms at t_x and T (see
/// <see cref="Hypergeometric"/>), with a = r + s + x, b = s + 1 and z = (α − β)/(α + t) when α ≥ β, b = r + x and
/// z = (β − α)/(β + t) when α &lt; β, so that 0 ≤ z &lt; 1. Each distinct (x, t) pair is evaluated once per call.
/// When z is close to 1 (one scale far larger than the other, e.g. hardly any dropout) the power series of ₂F₁
/// converges slowly; there the integral is expanded in powers of the small ratio instead (<see cref="SmallRatioSeries"/>).
/// </remarks>
internal sealed class ParetoNbdLikelihood
{
    private readonly WeightedRows _rows;

    // Distinct (x, t) pairs at which the hypergeometric terms may be needed, and for each row the pairs of t_x and T.
    private readonly int[] _pointFrequency;
    private readonly double[] _pointTime;
    private readonly int[] _recencyPoint;
    private readonly int[] _agePoint;

    public ParetoNbdLikelihood(WeightedRows rows)
    {
        _rows = rows;
        var points = new Dictionary<(int, double), int>();
        var frequency = new List<int>();
        var time = new List<double>();
        int Point(int x, double t)
        {
            if (!points.TryGetValue((x, t), out var index))
            {
                index = frequency.Count;
                points.Add((x, t), index);
                frequency.Add(x);
                time.Add(t);
            }

            return index;
        }

        _recencyPoint = new int[rows.Count];
        _agePoint = new int[rows.Count];
        for (var j = 0; j < rows.Count; j++)
        {
            _recencyPoint[j] = Point(rows.Frequency[j], rows.Recency[j]);
            _agePoint[j] = Point(rows.Frequency[j], rows.Age[j]);
        }

        _pointFrequency = [.. frequency];
        _pointTime = [.. time];
    }

    /// <summary>
    /// ln of the likelihood's two terms for one customer, without the common factor Γ(r + x) αʳ βˢ / Γ(r):
    /// "alive at T" = −(r + x) ln(α + T) − s ln(β + T), and "died in (t_x, T]" = ln(s · I).
    /// </summary>
    public static (double Alive, double Died) Terms(ParetoNbdModel m, int x, double recency, double age)
    {
        var shape = new Shape(m.R, m.Alpha, m.S, m.Beta);
        var points = new PointCache(shape, [x, x], [recency, age], withGradient: false);
        var alive = (-(m.R + x) * Math.Log(m.Alpha + age)) - (m.S * Math.Log(m.Beta + age));
        return (alive, Math.Log(m.S) + shape.LogIntegral(x, recency, age, points, 0, 1, []));
    }

    /// <summary>Σ weight · ln L; writes ∂/∂ln θ into gradient unless it is empty.</summary>
    public double Evaluate(ReadOnlySpan<double> logTheta, Span<double> gradient)
    {
        double r = Math.Exp(logTheta[0]), alpha = Math.Exp(logTheta[1]), s = Math.Exp(logTheta[2]), beta = Math.Exp(logTheta[3]);
        var withGradient = !gradient.IsEmpty;
        var shape = new Shape(r, alpha, s, beta);
        var points = new PointCache(shape, _pointFrequency, _pointTime, withGradient);

        var distinct = _rows.DistinctFrequencies;
        var lgR = new double[distinct.Length];
        var dgR = new double[distinct.Length];
        var lgr = LogGamma(r);
        var psiR = withGradient ? Digamma(r) : 0;
        for (var i = 0; i < distinct.Length; i++)
        {
            lgR[i] = LogGamma(r + distinct[i]) - lgr;
            dgR[i] = withGradient ? Digamma(r + distinct[i]) - psiR : 0;
        }

        double logAlpha = logTheta[1], logS = logTheta[2], logBeta = logTheta[3];
        double ll = 0, gr = 0, ga = 0, gs = 0, gb = 0;
        Span<double> dI = stackalloc double[4];
        for (var j = 0; j < _rows.Count; j++)
        {
            var x = _rows.Frequency[j];
            var age = _rows.Age[j];
            var w = _rows.Weight[j];
            var rx = r + x;
            var logAlphaT = Math.Log(alpha + age);
            var logBetaT = Math.Log(beta + age);
            var alive = (-rx * logAlphaT) - (s * logBetaT);
            var logI = shape.LogIntegral(x, _rows.Recency[j], age, points, _recencyPoint[j], _agePoint[j], withGradient ? dI : []);
            var died = logS + logI;
            var total = LogAddExp(alive, died);
            ll += w * (lgR[_rows.FrequencyIndex[j]] + (r * logAlpha) + (s * logBeta) + total);
            if (!withGradient)
            {
                continue;
            }

            // ∂ ln L = ∂(common factor) + ω_alive ∂(alive) + ω_died ∂(died).
            var omegaAlive = Math.Exp(alive - total);
            gr += w * (dgR[_rows.FrequencyIndex[j]] + logAlpha - (omegaAlive * logAlphaT));
            ga += w * ((r / alpha) - (omegaAlive * rx / (alpha + age)));
            gs += w * (logBeta - (omegaAlive * logBetaT));
            gb += w * ((s / beta) - (omegaAlive * s / (beta + age)));
            if (!double.IsNegativeInfinity(logI))
            {
                var omegaDied = Math.Exp(died - total);
                gr += w * omegaDied * dI[0];
                ga += w * omegaDied * dI[1];
                gs += w * omegaDied * ((1 / s) + dI[2]);
                gb += w * omegaDied * dI[3];
            }
        }

        if (withGradient)
        {
            gradient[0] = gr * r;
            gradient[1] = ga * alpha;
            gradient[2] = gs * s;
            gradient[3] = gb * beta;
        }

        return ll;
    }

    /// <summary>
    /// The parameters seen through the integrand (P + y)^−p₁ (Q + y)^−p₂ with P ≤ Q the smaller and larger of α and β:
    /// P = α, p₁ = r + x, Q = β, p₂ = s + 1 when α &lt; β; P = β, p₁ = s + 1, Q = α, p₂ = r + x otherwise.
    /// </summary>
    private readonly record struct Shape(double R, double Alpha, double S, double Beta)
    {
        public bool AlphaFirst => Alpha >= Beta;

        public double Small => AlphaFirst ? Beta : Alpha;

        public double Large => AlphaFirst ? Alpha : Beta;

        /// <summary>
        /// ln I over (lo, hi] for a customer with x purchases, and ∂ ln I/∂(r, α, s, β) into d unless empty;
        /// −∞ (and a zero gradient) when the interval is empty.
        /// </summary>
        public double LogIntegral(int x, double lo, double hi, PointCache points, int loPoint, int hiPoint, Span<double> d)
        {
            d.Clear();
            if (!(hi > lo))
            {
                return double.NegativeInfinity;
            }

            double p = Small, q = Large;
            if ((q - p) / (q + lo) <= Hypergeometric.SeriesLimit)
            {
                return PointDifference(x, points.Value(loPoint), points.Derivatives(loPoint), points.Value(hiPoint), points.Derivatives(hiPoint), d);
            }

            // The part of the interval where z > SeriesLimit, i.e. (P + y)/(Q + y) < 1 − SeriesLimit, goes to the
            // small-ratio series; the rest, if any, to the hypergeometric terms.
            var split = (((1 - Hypergeometric.SeriesLimit) * q) - p) / Hypergeometric.SeriesLimit;
            var top = Math.Min(hi, split);
            Span<double> dSeries = stackalloc double[4];
            var p1 = AlphaFirst ? S + 1 : R + x;
            var p2 = AlphaFirst ? R + x : S + 1;
            if (SmallRatioSeries(p, q, p1, p2, lo, top, d.IsEmpty ? [] : dSeries) is not { } logSeries)
            {
                return PointDifference(x, points.Value(loPoint), points.Derivatives(loPoint), points.Value(hiPoint), points.Derivatives(hiPoint), d);
            }

            if (!d.IsEmpty)
            {
                // (∂p₁, ∂p₂, ∂P, ∂Q) → (∂r, ∂α, ∂s, ∂β).
                d[0] = AlphaFirst ? dSeries[1] : dSeries[0];
                d[2] = AlphaFirst ? dSeries[0] : dSeries[1];
                d[1] = AlphaFirst ? dSeries[3] : dSeries[2];
                d[3] = AlphaFirst ? dSeries[2] : dSeries[3];
            }

            if (hi <= split)
            {
                return logSeries;
            }

            Span<double> dSplit = stackalloc double[4];
            Span<double> dRest = stackalloc double[4];
            var atSplit = Point(x, split, d.IsEmpty ? [] : dSplit);
            var logRest = PointDifference(x, atSplit, dSplit, points.Value(hiPoint), points.Derivatives(hiPoint), d.IsEmpty ? [] : dRest);
            var logTotal = LogAddExp(logSeries, logRest);
            if (!d.IsEmpty)
            {
                var shareRest = Math.Exp(logRest - logTotal);
                for (var k = 0; k < 4; k++)
                {
                    d[k] = ((1 - shareRest) * d[k]) + (shareRest * dRest[k]);
                }
            }

            return logTotal;
        }

        /// <summary>
        /// e(t) = ln[₂F₁(a, b; a + 1; z)/base^a] with a = r + s + x and the case's b, z and base (α + t or β + t), so that
        /// I = (e^e(t_x) − e^e(T))/a. Writes ∂e/∂(r, α, s, β) into derivatives unless empty.
        /// </summary>
        public double Point(int x, double t, Span<double> derivatives)
        {
            var a = R + S + x;
            var b = AlphaFirst ? S + 1 : R + x;
            var (big, small) = (Large, Small);
            var baseT = big + t;
            var z = (big - small) / baseT;
            var f = Hypergeometric.OfIncompleteBetaForm(a, b, z);
            var logBase = Math.Log(baseT);
            if (!derivatives.IsEmpty)
            {
                // ∂z/∂big = (small + t)/base², ∂z/∂small = −1/base; a depends on r and s, b on s (α ≥ β) or r (α < β).
                var dBig = (f.DZ * (small + t) / (baseT * baseT)) - (a / baseT);
                var dSmall = -f.DZ / baseT;
                derivatives[0] = f.DA + (AlphaFirst ? 0 : f.DB) - logBase;
                derivatives[2] = f.DA + (AlphaFirst ? f.DB : 0) - logBase;
                derivatives[1] = AlphaFirst ? dBig : dSmall;
                derivatives[3] = AlphaFirst ? dSmall : dBig;
            }

            return f.Log - (a * logBase);
        }

        /// <summary>ln I = ln(e^e₁ − e^e₂) − ln a, and its gradient (E₁ ∂e₁ − E₂ ∂e₂)/(E₁ − E₂) − ∂ ln a.</summary>
        private double PointDifference(int x, double e1, ReadOnlySpan<double> d1, double e2, ReadOnlySpan<double> d2, Span<double> d)
        {
            var a = R + S + x;
            var logA0 = LogSubtractExp(e1, e2);
            if (double.IsNegativeInfinity(logA0))
            {
                d.Clear();
                return logA0;
            }

            if (!d.IsEmpty)
            {
                var c1 = Math.Exp(e1 - logA0);
                var c2 = Math.Exp(e2 - logA0);
                for (var k = 0; k < 4; k++)
                {
                    d[k] = (c1 * d1[k]) - (c2 * d2[k]);
                }

                d[0] -= 1 / a;
                d[2] -= 1 / a;
            }

            return logA0 - Math.Log(a);
        }
    }

    /// <summary>
    /// ln ∫_{lo}^{hi} (P + y)^−p₁ (Q + y)^−p₂ dy for P &lt; Q when (P + hi)/(Q − P) is small, by expanding
    /// (Q + y)^−p₂ = (Q − P)^−p₂ Σₘ (−1)ᵐ (p₂)ₘ/m! ((P + y)/(Q − P))ᵐ and integrating term by term:
    /// Σₘ (−1)ᵐ (p₂)ₘ/m! (Q − P)^−(p₂+m) Dₘ, Dₘ = ∫_{lo}^{hi} (P + y)^(eₘ − 1) dy, eₘ = m − p₁ + 1.
    /// Dₘ = [(P + hi)^eₘ − (P + lo)^eₘ]/eₘ is taken in a form without the pole at eₘ = 0 (where it is ln((P + hi)/(P + lo))),
    /// which is what makes this expansion usable: the connection formulas of ₂F₁ for z near 1 have poles at integer
    /// parameters. Writes ∂/∂(p₁, p₂, P, Q) of the log into d unless empty; null when the alternating sum would lose
    /// too many digits (large p₂) or does not settle.
    /// </summary>
    private static double? SmallRatioSeries(double p, double q, double p1, double p2, double lo, double hi, Span<double> d)
    {
        // The terms alternate; their largest magnitude over the sum is about ((1 + ρ)/(1 − ρ))^p₂ with ρ ≤ 1/9 here.
        if (p2 > 40)
        {
            return null;
        }

        var logGap = Math.Log(q - p);
        var logLo = Math.Log(p + lo);
        var logHi = Math.Log(p + hi);
        var span = Log1p((hi - lo) / (p + lo));
        double LogD(double e) => (e > 0 ? e * logHi : e * logLo) + Math.Log(OneMinusExpOverC(Math.Abs(e), span));

        var withGradient = !d.IsEmpty;
        double reference = 0, sum = 0, sumP1 = 0, sumP2 = 0, sumP = 0, sumQ = 0;
        double logCoefficient = 0, dCoefficient = 0;
        var e0 = 1 - p1;
        var logDPrevious = LogD(e0 - 1);
        for (var m = 0; m < 2000; m++)
        {
            var e = m + e0;
            var logD = LogD(e);
            var logTerm = logCoefficient - ((p2 + m) * logGap) + logD;
            if (m == 0)
            {
                reference = logTerm;
            }

            var term = (m % 2 == 0 ? 1 : -1) * Math.Exp(logTerm - reference);
            sum += term;
            if (withGradient)
            {
                // ∂ ln Dₘ/∂e from the pole-free form; ∂Dₘ/∂P = (P + hi)^(e−1) − (P + lo)^(e−1) = (e − 1) Dₘ₋₁.
                var slope = e > 0 ? logHi + LogSlope(e, span) : logLo - LogSlope(-e, span);
                sumP1 -= term * slope;
                sumP2 += term * (dCoefficient - logGap);
                sumP += term * (((p2 + m) / (q - p)) + ((e - 1) * Math.Exp(logDPrevious - logD)));
                sumQ -= term * (p2 + m) / (q - p);
            }

            logDPrevious = logD;
            var ratio = (p2 + m) / (m + 1.0);
            if (m > p2 && Math.Abs(term) <= 1e-17 * Math.Abs(sum))
            {
                if (!(sum > 0))
                {
                    return null;
                }

                if (withGradient)
                {
                    d[0] = sumP1 / sum;
                    d[1] = sumP2 / sum;
                    d[2] = sumP / sum;
                    d[3] = sumQ / sum;
                }

                return reference + Math.Log(sum);
            }

            logCoefficient += Math.Log(ratio);
            dCoefficient += 1 / (p2 + m);
        }

        return null;
    }

    /// <summary>d ln φ(c)/dc for φ(c) = (1 − e^(−cL))/c, c ≥ 0 (a series near c = 0, where the formula cancels).</summary>
    private static double LogSlope(double c, double l)
    {
        var x = c * l;
        if (x < 1e-4)
        {
            return l * (-0.5 + (x / 12));
        }

        var oneMinusE = -Expm1(-x);
        return ((x * (1 - oneMinusE)) - oneMinusE) / (c * oneMinusE);
    }

    /// <summary>The hypergeometric terms of the distinct (x, t) pairs, computed when first asked for.</summary>
    private sealed class PointCache(Shape shape, int[] frequency, double[] time, bool withGradient)
    {
        private readonly double[] _values = new double[frequency.Length];
        private readonly double[] _derivatives = withGradient ? new double[frequency.Length * 4] : [];
        private readonly bool[] _done = new bool[frequency.Length];

        public double Value(int point)
        {
            if (!_done[point])
            {
                _values[point] = shape.Point(frequency[point], time[point], withGradient ? _derivatives.AsSpan(point * 4, 4) : []);
                _done[point] = true;
            }

            return _values[point];
        }

        public ReadOnlySpan<double> Derivatives(int point)
        {
            Value(point);
            return withGradient ? _derivatives.AsSpan(point * 4, 4) : [];
        }
    }
}
