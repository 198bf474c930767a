namespace Rapport.Analytics.Models;

/// <summary>
/// A small quasi-Newton minimiser with box constraints, for the handful of parameters of a customer-base model:
/// BFGS on a dense inverse-Hessian approximation, restricted to the variables that are not held at a bound (a
/// variable is held when it sits on its bound and the gradient pushes it outwards), with a projected backtracking
/// line search (Armijo, step shrunk by quadratic interpolation). Convergence: the largest component of the projected
/// gradient below <see cref="Options.GradientTolerance"/>.
/// </summary>
internal static class BoundedBfgs
{
    /// <summary>Returns f(x) and writes ∇f(x) into gradient. Non-finite values are treated as "too far": the step is shortened.</summary>
    public delegate double Objective(ReadOnlySpan<double> x, Span<double> gradient);

    public sealed record Options(double GradientTolerance = 1e-8, int MaxIterations = 500);

    /// <param name="X">The minimiser found (or the last point when not converged).</param>
    /// <param name="GradientNorm">Largest component of the projected gradient at X.</param>
    public sealed record Result(double[] X, double Value, bool Converged, int Iterations, int Evaluations, double GradientNorm, string? Problem);

    private const double Armijo = 1e-4;

    public static Result Minimize(Objective f, double[] start, double[] lower, double[] upper, Options options, CancellationToken ct)
    {
        var n = start.Length;
        var x = new double[n];
        for (var i = 0; i < n; i++)
        {
            x[i] = Math.Clamp(start[i], lower[i], upper[i]);
        }

        var g = new double[n];
        var evaluations = 1;
        var fx = f(x, g);
        if (!double.IsFinite(fx) || !AllFinite(g))
        {
            return new Result(x, fx, false, 0, evaluations, double.PositiveInfinity, "the objective is not finite at the starting point");
        }

        var h = Identity(n);
        var free = new bool[n];
        var direction = new double[n];
        var trial = new double[n];
        var trialGradient = new double[n];
        var s = new double[n];
        var y = new double[n];
        var hy = new double[n];
        var firstStep = true;
        var fresh = true;

        for (var iteration = 0; iteration < options.MaxIterations; iteration++)
        {
            ct.ThrowIfCancellationRequested();
            var norm = ProjectedGradientNorm(x, g, lower, upper, free);
            if (norm <= options.GradientTolerance)
            {
                return new Result(x, fx, true, iteration, evaluations, norm, null);
            }

            // Quasi-Newton direction on the free variables; steepest descent when it is not a descent direction.
            var slope = 0.0;
            for (var i = 0; i < n; i++)
            {
                direction[i] = 0;
                if (!free[i])
                {
                    continue;
                }

                for (var j = 0; j < n; j++)
                {
                    if (free[j])
                    {
                        direction[i] -= h[i, j] * g[j];
                    }
                }

                slope += direction[i] * g[i];
            }

            if (!(slope < 0))
            {
                h = Identity(n);
                fresh = true;
                slope = 0;
                for (var i = 0; i < n; i++)
                {
                    direction[i] = free[i] ? -g[i] : 0;
                    slope += direction[i] * g[i];
                }
            }

            // The first step has no curvature information: keep it short in the variables' own (log) units.
            var step = firstStep ? Math.Min(1, 1 / MaxAbs(direction)) : 1.0;
            double ft;
            var accepted = false;
            while (true)
            {
                for (var i = 0; i < n; i++)
                {
                    trial[i] = Math.Clamp(x[i] + (step * direction[i]), lower[i], upper[i]);
                }

                evaluations++;
                ft = f(trial, trialGradient);
                var decrease = 0.0;
                for (var i = 0; i < n; i++)
                {
                    decrease += g[i] * (trial[i] - x[i]);
                }

                if (double.IsFinite(ft) && AllFinite(trialGradient) && ft <= fx + (Armijo * decrease))
                {
                    accepted = true;
                    break;
                }

                if (step < 1e-12)
                {
                    break;
                }

                // Minimum of the quadratic through f(x), f'(x) along the direction, and f(trial); kept within [0.1, 0.5] of the step.
                var next = double.IsFinite(ft) && decrease < 0
                    ? -slope * step * step / (2 * (ft - fx - (slope * step)))
                    : step * 0.1;
                step = Math.Clamp(double.IsFinite(next) ? next : step * 0.1, step * 0.1, step * 0.5);
            }

            if (!accepted)
            {
                var stalled = ProjectedGradientNorm(x, g, lower, upper, free);
                return new Result(x, fx, false, iteration, evaluations, stalled, "the line search found no lower value");
            }

            firstStep = false;
            double sy = 0, yhy = 0;
            for (var i = 0; i < n; i++)
            {
                s[i] = trial[i] - x[i];
                y[i] = trialGradient[i] - g[i];
                sy += s[i] * y[i];
            }

            var previous = fx;
            Array.Copy(trial, x, n);
            Array.Copy(trialGradient, g, n);
            fx = ft;

            // BFGS update of the inverse Hessian, skipped when the curvature condition fails (it would lose positive definiteness).
            if (sy > 1e-12 * Norm(s) * Norm(y))
            {
                if (fresh)
                {
                    // Scale the identity to the curvature just seen before the first update (Nocedal & Wright, eq. 6.20).
                    var scale = sy / y.Sum(v => v * v);
                    for (var i = 0; i < n; i++)
                    {
                        h[i, i] = scale;
                    }

                    fresh = false;
                }

                for (var i = 0; i < n; i++)
                {
                    hy[i] = 0;
                    for (var j = 0; j < n; j++)
                    {
                        hy[i] += h[i, j] * y[j];
                    }

                    yhy += y[i] * hy[i];
                }

                var rho = 1 / sy;
                for (var i = 0; i < n; i++)
                {
                    for (var j = 0; j < n; j++)
                    {
                        h[i, j] += (((1 + (rho * yhy)) * s[i] * s[j]) - (hy[i] * s[j]) - (s[i] * hy[j])) * rho;
                    }
                }
            }

            // No progress left at double precision: converged when the gradient is already small, else stuck.
            if (Math.Abs(previous - fx) <= 1e-15 * Math.Max(1, Math.Abs(fx)) && MaxAbs(s) <= 1e-12)
            {
                var last = ProjectedGradientNorm(x, g, lower, upper, free);
                var converged = last <= Math.Sqrt(options.GradientTolerance);
                return new Result(x, fx, converged, iteration + 1, evaluations, last, converged ? null : "no further progress is possible");
            }
        }

        return new Result(x, fx, false, options.MaxIterations, evaluations, ProjectedGradientNorm(x, g, lower, upper, free),
            $"stopped after {options.MaxIterations} iterations");
    }

    /// <summary>Largest gradient component over the variables free to move; marks which are free.</summary>
    private static double ProjectedGradientNorm(double[] x, double[] g, double[] lower, double[] upper, bool[] free)
    {
        var norm = 0.0;
        for (var i = 0; i < x.Length; i++)
        {
            free[i] = !((x[i] <= lower[i] && g[i] > 0) || (x[i] >= upper[i] && g[i] < 0));
            if (free[i])
            {
                norm = Math.Max(norm, Math.Abs(g[i]));
            }
        }

        return norm;
    }

    private static double[,] Identity(int n)
    {
        var h = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            h[i, i] = 1;
        }

        return h;
    }

    private static bool AllFinite(ReadOnlySpan<double> values)
    {
        foreach (var v in values)
        {
            if (!double.IsFinite(v))
            {
                return false;
            }
        }

        return true;
    }

    private static double MaxAbs(double[] values) => values.Max(Math.Abs);

    private static double Norm(double[] values) => Math.Sqrt(values.Sum(v => v * v));
}
