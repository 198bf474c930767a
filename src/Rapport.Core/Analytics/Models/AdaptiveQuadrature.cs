namespace Rapport.Analytics.Models;

/// <summary>
/// Adaptive Gauss–Kronrod (7/15 points) integration of a small vector of integrands over one interval: the interval
/// with the largest error estimate of the first component is halved until the total error is below the relative
/// tolerance. The other components (derivatives of the first, in practice) are integrated on the same nodes.
/// Used where a closed form is slow or loses precision: the Pareto/NBD likelihood close to z = 1, the BG/NBD
/// expectations outside the hypergeometric series' comfortable range, the Pareto/NBD purchase count distribution.
/// </summary>
internal static class AdaptiveQuadrature
{
    /// <summary>Writes the integrand's components at x into values.</summary>
    public delegate void Integrand(double x, Span<double> values);

    private const int MaxIntervals = 400;

    private static readonly double[] KronrodNodes =
    [
        0.991455371120812639206854697526329, 0.949107912342758524526189684047851, 0.864864423359769072789712788640926,
        0.741531185599394439863864773280788, 0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
        0.207784955007898467600689403773245, 0.000000000000000000000000000000000,
    ];

    private static readonly double[] KronrodWeights =
    [
        0.022935322010529224963732008058970, 0.063092092629978553290700663189204, 0.104790010322250183839876322541518,
        0.140653259715525918745189590510238, 0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
        0.204432940075298892414161999234649, 0.209482141084727828012999174891714,
    ];

    // Gauss weights for the odd Kronrod nodes (1, 3, 5, 7).
    private static readonly double[] GaussWeights =
    [
        0.129484966168869693270611432679082, 0.279705391489276667901467771423780, 0.381830050505118944950369775488975,
        0.417959183673469387755102040816327,
    ];

    /// <summary>Integrates f from a to b; result must have the integrand's number of components.</summary>
    public static void Integrate(Integrand f, double a, double b, Span<double> result, double relativeTolerance = 1e-10)
    {
        var k = result.Length;
        var lows = new double[MaxIntervals];
        var highs = new double[MaxIntervals];
        var errors = new double[MaxIntervals];
        var sums = new double[MaxIntervals * k];
        var count = 1;
        lows[0] = a;
        highs[0] = b;
        errors[0] = Rule(f, a, b, sums.AsSpan(0, k));

        while (true)
        {
            double total = 0, error = 0;
            var worst = 0;
            for (var i = 0; i < count; i++)
            {
                total += sums[i * k];
                error += errors[i];
                if (errors[i] > errors[worst])
                {
                    worst = i;
                }
            }

            if (error <= relativeTolerance * Math.Abs(total) || error == 0 || count == MaxIntervals ||
                highs[worst] - lows[worst] <= 4 * double.Epsilon * Math.Max(1, Math.Abs(lows[worst])))
            {
                break;
            }

            var middle = 0.5 * (lows[worst] + highs[worst]);
            lows[count] = middle;
            highs[count] = highs[worst];
            highs[worst] = middle;
            errors[worst] = Rule(f, lows[worst], middle, sums.AsSpan(worst * k, k));
            errors[count] = Rule(f, middle, highs[count], sums.AsSpan(count * k, k));
            count++;
        }

        result.Clear();
        for (var i = 0; i < count; i++)
        {
            for (var j = 0; j < k; j++)
            {
                result[j] += sums[(i * k) + j];
            }
        }
    }

    /// <summary>
    /// The 15-point Kronrod estimate of each component into sums; returns QUADPACK's error estimate of the first
    /// (|Kronrod − Gauss| scaled down by how smooth the integrand looks, Piessens et al. 1983, qk15).
    /// </summary>
    private static double Rule(Integrand f, double a, double b, Span<double> sums)
    {
        var k = sums.Length;
        Span<double> values = stackalloc double[k];
        Span<double> first = stackalloc double[15];
        var half = 0.5 * (b - a);
        var centre = 0.5 * (a + b);
        sums.Clear();
        var gauss = 0.0;
        var count = 0;
        for (var i = 0; i < KronrodNodes.Length; i++)
        {
            var offset = half * KronrodNodes[i];
            var points = i == KronrodNodes.Length - 1 ? 1 : 2;
            for (var side = 0; side < points; side++)
            {
                f(side == 0 ? centre + offset : centre - offset, values);
                first[count++] = values[0];
                for (var j = 0; j < k; j++)
                {
                    sums[j] += KronrodWeights[i] * values[j];
                }

                if (i % 2 == 1)
                {
                    gauss += GaussWeights[i / 2] * values[0];
                }
            }
        }

        // ∫|f − mean| over the interval (in unit-interval terms), from the same nodes.
        var mean = 0.5 * sums[0];
        var spread = 0.0;
        count = 0;
        for (var i = 0; i < KronrodNodes.Length; i++)
        {
            var points = i == KronrodNodes.Length - 1 ? 1 : 2;
            for (var side = 0; side < points; side++)
            {
                spread += KronrodWeights[i] * Math.Abs(first[count++] - mean);
            }
        }

        var error = Math.Abs((sums[0] - gauss) * half);
        spread *= Math.Abs(half);
        if (spread != 0 && error != 0)
        {
            error = spread * Math.Min(1, Math.Pow(200 * error / spread, 1.5));
        }

        for (var j = 0; j < k; j++)
        {
            sums[j] *= half;
        }

        return Math.Max(error, 50 * double.Epsilon * Math.Abs(sums[0]));
    }
}
