namespace Rapport.Analytics.Models;

/// <summary>
/// The customers of a purchase-model fit, compressed: identical (x, t_x, T) tuples become one row with a weight, and
/// the distinct frequencies are listed once, so terms that depend on x alone (log-gamma, digamma) are computed once
/// per distinct x rather than once per customer.
/// </summary>
internal sealed class WeightedRows
{
    private WeightedRows(int[] frequency, double[] recency, double[] age, double[] weight, int[] distinct, int[] frequencyIndex)
    {
        Frequency = frequency;
        Recency = recency;
        Age = age;
        Weight = weight;
        DistinctFrequencies = distinct;
        FrequencyIndex = frequencyIndex;
    }

    public int[] Frequency { get; }

    public double[] Recency { get; }

    public double[] Age { get; }

    public double[] Weight { get; }

    /// <summary>The distinct values of x, ascending.</summary>
    public int[] DistinctFrequencies { get; }

    /// <summary>For each row, the index of its x in <see cref="DistinctFrequencies"/>.</summary>
    public int[] FrequencyIndex { get; }

    public int Count => Frequency.Length;

    public static WeightedRows From(IReadOnlyList<RepeatSummary> customers)
    {
        ModelFitting.Validate(customers);
        var groups = new Dictionary<(int, double, double), int>();
        var frequency = new List<int>();
        var recency = new List<double>();
        var age = new List<double>();
        var weight = new List<double>();
        foreach (var c in customers)
        {
            // Recency means nothing without repeat purchases: x = 0 rows are one group per T whatever t_x says.
            var key = (c.Frequency, c.Frequency == 0 ? 0 : c.Recency, c.Age);
            if (groups.TryGetValue(key, out var row))
            {
                weight[row]++;
                continue;
            }

            groups.Add(key, frequency.Count);
            frequency.Add(key.Item1);
            recency.Add(key.Item2);
            age.Add(key.Item3);
            weight.Add(1);
        }

        var distinct = frequency.Distinct().Order().ToArray();
        var position = new Dictionary<int, int>();
        for (var i = 0; i < distinct.Length; i++)
        {
            position[distinct[i]] = i;
        }

        return new WeightedRows([.. frequency], [.. recency], [.. age], [.. weight], distinct, [.. frequency.Select(x => position[x])]);
    }
}

/// <summary>What the purchase and spend fits share: input checks, the search over log-parameters, and the reliability warnings.</summary>
internal static class ModelFitting
{
    /// <summary>Fewer repeat buyers than this (or than <see cref="MinRepeatBuyerShare"/> of the customers) makes a fit unreliable.</summary>
    public const int MinRepeatBuyers = 20;

    public const double MinRepeatBuyerShare = 0.05;

    /// <summary>Shape parameters (r, a, b, s, p, q) are searched in [1e-4, 1e4].</summary>
    public const double ShapeLower = 1e-4;

    public const double ShapeUpper = 1e4;

    /// <summary>
    /// Scale parameters (α, β, γ) are searched in [1e-4, 1e4] times the data's own scale (mean age, mean spend), so the
    /// bounds do not depend on the unit of time or currency.
    /// </summary>
    public static (double Lower, double Upper) ScaleBounds(double dataScale)
    {
        var scale = dataScale > 0 && double.IsFinite(dataScale) ? dataScale : 1;
        return (1e-4 * scale, 1e4 * scale);
    }

    // The estimate sits on a bound when it is within 0.1 % of it.
    private const double BoundTolerance = 1e-3;

    public static void Validate(IReadOnlyList<RepeatSummary> customers)
    {
        if (customers.Count == 0)
        {
            throw new ArgumentException("There are no customers to fit.", nameof(customers));
        }

        for (var i = 0; i < customers.Count; i++)
        {
            if (customers[i].Problem is { } problem)
            {
                throw new ArgumentException($"Customer row {i}: {problem}.", nameof(customers));
            }
        }
    }

    /// <summary>A standard error of ln θ above this (a 95 % interval wider than a factor of 7 either way) marks a parameter as poorly determined.</summary>
    public const double MaxLogStandardError = 1;

    /// <summary>Parameter search result, mapped back from log-parameters.</summary>
    /// <param name="StandardErrors">Standard errors of the parameters (delta method), empty when the curvature is not that of a maximum.</param>
    public sealed record Estimate(double[] Parameters, double LogLikelihood, BoundedBfgs.Result Search, IReadOnlyDictionary<string, double> StandardErrors, List<ModelWarning> Warnings);

    /// <summary>
    /// Maximises a log-likelihood over log-parameters from each start in turn, keeping the best estimate; later starts
    /// are only tried when the earlier ones did not converge or stopped on a bound.
    /// </summary>
    /// <param name="negativeMeanLogLikelihood">−ℓ(θ)/N and its gradient with respect to ln θ.</param>
    public static Estimate Maximize(
        BoundedBfgs.Objective negativeMeanLogLikelihood,
        double totalWeight,
        IReadOnlyList<double[]> starts,
        string[] names,
        double[] lower,
        double[] upper,
        CancellationToken ct,
        BoundedBfgs.Options? options = null)
    {
        var logLower = lower.Select(v => Math.Log(v)).ToArray();
        var logUpper = upper.Select(v => Math.Log(v)).ToArray();
        BoundedBfgs.Result? best = null;
        foreach (var start in starts)
        {
            var result = BoundedBfgs.Minimize(negativeMeanLogLikelihood, [.. start.Select(v => Math.Log(v))], logLower, logUpper, options ?? new BoundedBfgs.Options(), ct);
            if (best is null || !double.IsFinite(best.Value) || (double.IsFinite(result.Value) && result.Value < best.Value - 1e-12) ||
                (result.Converged && !best.Converged && result.Value <= best.Value + 1e-9))
            {
                best = result;
            }

            if (best.Converged && AtBounds(best.X, logLower, logUpper).Count == 0)
            {
                break;
            }
        }

        var warnings = new List<ModelWarning>();
        if (!best!.Converged)
        {
            warnings.Add(new ModelWarning(ModelWarning.NotConverged,
                $"The fit did not converge ({best.Problem}; gradient norm {best.GradientNorm:G3} after {best.Iterations} iterations): treat its parameters with caution."));
        }

        var parameters = best.X.Select(v => Math.Exp(v)).ToArray();
        var atBounds = AtBounds(best.X, logLower, logUpper);
        foreach (var (i, lowerBound) in atBounds)
        {
            warnings.Add(new ModelWarning(ModelWarning.ParameterAtBound,
                $"Parameter {names[i]} = {parameters[i]:G4} is at its {(lowerBound ? "lower" : "upper")} bound ({(lowerBound ? lower[i] : upper[i]):G3}): " +
                "the data do not pin it down, and predictions that depend on it are unreliable."));
        }

        var standardErrors = new Dictionary<string, double>();
        if (LogStandardErrors(negativeMeanLogLikelihood, best.X, totalWeight) is { } logErrors)
        {
            for (var i = 0; i < names.Length; i++)
            {
                standardErrors[names[i]] = parameters[i] * logErrors[i];
                if (logErrors[i] > MaxLogStandardError && atBounds.All(b => b.Index != i))
                {
                    warnings.Add(new ModelWarning(ModelWarning.PoorlyDetermined,
                        $"Parameter {names[i]} = {parameters[i]:G4} is poorly determined (standard error {logErrors[i]:F1} on the log scale: " +
                        $"a 95 % interval from {parameters[i] * Math.Exp(-1.96 * logErrors[i]):G3} to {parameters[i] * Math.Exp(1.96 * logErrors[i]):G3}); " +
                        "predictions that depend on it are unreliable."));
                }
            }
        }
        else if (best.Converged && atBounds.Count == 0)
        {
            warnings.Add(new ModelWarning(ModelWarning.PoorlyDetermined,
                "The likelihood is flat or not curved like a maximum at the estimate: several parameter values fit the data equally well."));
        }

        return new Estimate(parameters, -best.Value * totalWeight, best, standardErrors, warnings);
    }

    /// <summary>
    /// Standard errors of ln θ from the observed information: the Hessian of −ℓ by central differences of the analytic
    /// gradient, inverted by Cholesky; null when it is not positive definite (or not finite).
    /// </summary>
    private static double[]? LogStandardErrors(BoundedBfgs.Objective negativeMeanLogLikelihood, double[] x, double totalWeight)
    {
        const double step = 1e-4;
        var n = x.Length;
        var hessian = new double[n, n];
        var plus = new double[n];
        var minus = new double[n];
        var point = (double[])x.Clone();
        for (var i = 0; i < n; i++)
        {
            point[i] = x[i] + step;
            negativeMeanLogLikelihood(point, plus);
            point[i] = x[i] - step;
            negativeMeanLogLikelihood(point, minus);
            point[i] = x[i];
            for (var j = 0; j < n; j++)
            {
                hessian[i, j] = (plus[j] - minus[j]) / (2 * step) * totalWeight;
            }
        }

        // Symmetrise, then Cholesky H = L Lᵀ; the variances are the diagonal of H⁻¹ = L⁻ᵀ L⁻¹.
        var l = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                var sum = 0.5 * (hessian[i, j] + hessian[j, i]);
                for (var k = 0; k < j; k++)
                {
                    sum -= l[i, k] * l[j, k];
                }

                if (i == j)
                {
                    if (!(sum > 0) || !double.IsFinite(sum))
                    {
                        return null;
                    }

                    l[i, i] = Math.Sqrt(sum);
                }
                else
                {
                    l[i, j] = sum / l[j, j];
                }
            }
        }

        var inverse = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            inverse[i, i] = 1 / l[i, i];
            for (var j = i + 1; j < n; j++)
            {
                var sum = 0.0;
                for (var k = i; k < j; k++)
                {
                    sum -= l[j, k] * inverse[k, i];
                }

                inverse[j, i] = sum / l[j, j];
            }
        }

        var errors = new double[n];
        for (var i = 0; i < n; i++)
        {
            var variance = 0.0;
            for (var k = i; k < n; k++)
            {
                variance += inverse[k, i] * inverse[k, i];
            }

            errors[i] = Math.Sqrt(variance);
            if (!double.IsFinite(errors[i]))
            {
                return null;
            }
        }

        return errors;
    }

    /// <summary>The warning about too few repeat buyers, if it applies.</summary>
    public static ModelWarning? RepeatBuyerWarning(int customers, int repeatCustomers, string what)
    {
        if (repeatCustomers == 0)
        {
            return new ModelWarning(ModelWarning.NoRepeatBuyers,
                $"None of the {customers:N0} customers has a repeat purchase: the {what} cannot be estimated; its parameters are meaningless.");
        }

        return repeatCustomers < MinRepeatBuyers || repeatCustomers < MinRepeatBuyerShare * customers
            ? new ModelWarning(ModelWarning.FewRepeatBuyers,
                $"Only {repeatCustomers:N0} of {customers:N0} customers have a repeat purchase (at least {MinRepeatBuyers} and " +
                $"{MinRepeatBuyerShare:P0} are needed for a reliable {what}).")
            : null;
    }

    private static List<(int Index, bool Lower)> AtBounds(double[] x, double[] logLower, double[] logUpper)
    {
        var at = new List<(int, bool)>();
        for (var i = 0; i < x.Length; i++)
        {
            if (x[i] - logLower[i] < BoundTolerance)
            {
                at.Add((i, true));
            }
            else if (logUpper[i] - x[i] < BoundTolerance)
            {
                at.Add((i, false));
            }
        }

        return at;
    }
}
