#!/usr/bin/env python3
"""The reference for `Rapport.Bench models`: the same three fits, in Python, timed the same way.

    bench/models-reference.py [--runs N] [--warmup W] [--data DIR] [--impl auto|lifetimes|scipy]

Fits the CDNOW summary (data/clv/cdnow_customers_summary_with_transactions.csv: 2,357 customers, time in weeks,
2 decimals), the same file `Rapport.Bench models` fits by default:
  BG/NBD on every customer, Pareto/NBD on every customer, Gamma-Gamma on the 946 repeat buyers (x > 0),
and prints for each fit one line like the .NET scenario's (`ref NAME median_ms=... p10_ms=... p90_ms=...`), with the
fitted parameters and the log-likelihood in the original time unit (weeks), so both sides can be checked to reach
the published fit.

Two implementations:

* `lifetimes` (what the issue compares against): Python's lifetimes 0.11.x, called as its documentation shows:
  `BetaGeoFitter().fit(x, t_x, T)`, `ParetoNBDFitter().fit(x, t_x, T)`,
  `GammaGammaFitter().fit(x, zbar)` on the repeat buyers. Get it with `pip install lifetimes==0.11.3` (it brings
  numpy, scipy, pandas, autograd and dill), or put a source checkout of github.com/CamDavidsonPilon/lifetimes (tag
  0.11.3) on PYTHONPATH with autograd and dill installed.
* `scipy` (used when lifetimes cannot be imported, and labelled as such in the output): lifetimes 0.11's fitting
  procedure re-implemented here with numpy and scipy only, without lifetimes' code. Same likelihoods, same time
  scaling (T divided by the largest T), same starts, same optimiser and tolerances:
    - BG/NBD and Gamma-Gamma: scipy.optimize.minimize, default method (BFGS), on the log-parameters from 0.1 each,
      tol 1e-7, with the value and gradient from one call; then the Hessian at the optimum and the parameters'
      variance matrix. lifetimes gets the gradient and Hessian from autograd (a tape over every numpy operation);
      here the gradient is written out by hand and the Hessian is taken by central differences of it, which costs
      less than autograd's tape, so this side is a lower bound for lifetimes' time.
    - Pareto/NBD: scipy.optimize.minimize with Nelder-Mead on the parameters themselves from normal(1, 0.05) starts,
      tol 1e-4, maxiter 2000, the likelihood through scipy.special.hyp2f1 and logsumexp (lifetimes uses no autograd
      here), so this side does the same work as lifetimes.

Needs numpy, scipy and pandas (Debian: apt-get install python3-numpy python3-scipy python3-pandas).
"""

import argparse
import os
import sys
import time

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import digamma, gammaln, hyp2f1, logsumexp


def read_summary(path):
    table = pd.read_csv(path)
    frequency = table["x"].to_numpy().astype(int)
    return frequency, table["t_x"].to_numpy(dtype=float), table["T"].to_numpy(dtype=float), table["zbar"].to_numpy(dtype=float)


# ---------------------------------------------------------------------------------------------------------------
# Log-likelihoods in the original time unit, to print the fitted log-likelihood the same way for both implementations.

def bgnbd_loglik(params, x, t_x, T):
    r, alpha, a, b = params
    head = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    tail = np.exp(-(r + x) * np.log(alpha + T))
    tail = tail + (x > 0) * np.exp(np.log(a) - np.log(b + np.maximum(x, 1) - 1) - (r + x) * np.log(alpha + t_x))
    return float(np.sum(head + np.log(tail)))


def pareto_loglik(params, x, t_x, T):
    return float(np.sum(_pareto_terms(params, x, t_x, T)))


def gamma_gamma_loglik(params, x, m):
    p, q, v = params
    px = p * x
    return float(np.sum(gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(v) + (px - 1) * np.log(m)
                        + px * np.log(x) - (px + q) * np.log(x * m + v)))


# ---------------------------------------------------------------------------------------------------------------
# The scipy re-implementation of lifetimes 0.11's fits.

def _bgnbd_value_and_gradient(log_params, x, t_x, T, weights):
    r, alpha, a, b = np.exp(log_params)
    positive = x > 0
    log_alive = -(r + x) * np.log(alpha + T)
    log_dead = np.log(a) - np.log(b + np.maximum(x, 1) - 1) - (r + x) * np.log(t_x + alpha)
    log_tail = np.log(np.exp(log_alive) + np.exp(log_dead) * positive)
    ll = (gammaln(r + x) - gammaln(r) + r * np.log(alpha) + gammaln(a + b) + gammaln(b + x) - gammaln(b)
          - gammaln(a + b + x) + log_tail)
    share_alive = np.exp(log_alive - log_tail)
    share_dead = np.exp(log_dead - log_tail) * positive
    d_r = digamma(r + x) - digamma(r) + np.log(alpha) - share_alive * np.log(alpha + T) - share_dead * np.log(t_x + alpha)
    d_alpha = r / alpha - (r + x) * (share_alive / (alpha + T) + share_dead / (t_x + alpha))
    d_a = digamma(a + b) - digamma(a + b + x) + share_dead / a
    d_b = digamma(a + b) + digamma(b + x) - digamma(b) - digamma(a + b + x) - share_dead / (b + np.maximum(x, 1) - 1)
    total = weights.sum()
    gradient = -np.array([r * (weights * d_r).sum(), alpha * (weights * d_alpha).sum(),
                          a * (weights * d_a).sum(), b * (weights * d_b).sum()]) / total
    return -(weights * ll).sum() / total, gradient


def _gamma_gamma_value_and_gradient(log_params, x, m, weights):
    p, q, v = np.exp(log_params)
    px = p * x
    ll = (gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(v) + (px - 1) * np.log(m) + px * np.log(x)
          - (px + q) * np.log(x * m + v))
    d_p = x * (digamma(px + q) - digamma(px) + np.log(m) + np.log(x) - np.log(x * m + v))
    d_q = digamma(px + q) - digamma(q) + np.log(v) - np.log(x * m + v)
    d_v = q / v - (px + q) / (x * m + v)
    total = weights.sum()
    gradient = -np.array([p * (weights * d_p).sum(), q * (weights * d_q).sum(), v * (weights * d_v).sum()]) / total
    return -(weights * ll).sum() / total, gradient


def _hessian(value_and_gradient, at, args, step=1e-5):
    columns = []
    for i in range(at.size):
        shift = np.zeros(at.size)
        shift[i] = step
        columns.append((value_and_gradient(at + shift, *args)[1] - value_and_gradient(at - shift, *args)[1]) / (2 * step))
    hessian = np.array(columns)
    return (hessian + hessian.T) / 2


def _bfgs_fit(value_and_gradient, args, size, names, weights):
    """lifetimes 0.11 BaseFitter._fit: BFGS from 0.1 on the log scale, then the Hessian and the variance matrix."""
    output = minimize(value_and_gradient, jac=True, method=None, tol=1e-7, x0=0.1 * np.ones(size), args=args,
                      options={"disp": False})
    if not output.success:
        raise RuntimeError("the fit did not converge: " + str(output.message))
    hessian = _hessian(value_and_gradient, output.x, args)
    params = pd.Series(np.exp(output.x), index=names)
    variance = pd.DataFrame((params ** 2).values * np.linalg.inv(hessian) / weights.sum(), columns=names, index=names)
    errors = np.sqrt(pd.Series(np.diag(variance.values), index=names))
    return params, output, errors


def scipy_bgnbd(x, t_x, T):
    x = np.asarray(x).astype(int)
    weights = np.ones_like(t_x, dtype=int)
    scale = 1.0 / T.max()
    params, output, _ = _bfgs_fit(_bgnbd_value_and_gradient, (x, t_x * scale, T * scale, weights), 4,
                                  ["r", "alpha", "a", "b"], weights)
    params["alpha"] /= scale
    pd.DataFrame({"frequency": x, "recency": t_x, "T": T, "weights": weights})
    return params.to_dict(), output.nit


def _pareto_terms(params, x, t_x, T):
    r, alpha, s, beta = params
    if alpha < beta:
        low, high, second = alpha, beta, r + x
    else:
        low, high, second = beta, alpha, s + 1
    rsx = r + s + x
    at_recency = hyp2f1(rsx, second, rsx + 1.0, (high - low) / (high + t_x))
    at_age = hyp2f1(rsx, second, rsx + 1.0, (high - low) / (high + T))
    sign = np.ones(len(x))
    log_a0 = logsumexp([np.log(at_recency) + rsx * np.log(high + T), np.log(at_age) + rsx * np.log(high + t_x)],
                       axis=0, b=[sign, -sign]) - rsx * np.log((high + t_x) * (high + T))
    head = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    return head + np.logaddexp(-(r + x) * np.log(alpha + T) - s * np.log(beta + T), np.log(s) + log_a0 - np.log(rsx))


def _pareto_objective(params, x, t_x, T, weights):
    if np.any(np.asarray(params) <= 0.0):
        return np.inf
    return -(weights * _pareto_terms(params, x, t_x, T)).sum() / weights.mean()


def scipy_paretonbd(x, t_x, T):
    x = np.asarray(x).astype(int)
    weights = np.ones(t_x.shape[0], dtype=np.int64)
    scale = 1.0 / T.max()
    output = minimize(_pareto_objective, method="Nelder-Mead", tol=1e-4, x0=np.random.normal(1.0, scale=0.05, size=4),
                      args=(x, t_x * scale, T * scale, weights), options={"disp": False, "maxiter": 2000})
    params = pd.Series(output.x, index=["r", "alpha", "s", "beta"])
    params["alpha"] /= scale
    params["beta"] /= scale
    pd.DataFrame({"frequency": x, "recency": t_x, "T": T, "weights": weights})
    return params.to_dict(), output.nit


def scipy_gamma_gamma(x, m):
    x = np.asarray(x).astype(float)
    m = np.asarray(m).astype(float)
    weights = np.ones_like(x, dtype=int)
    params, output, _ = _bfgs_fit(_gamma_gamma_value_and_gradient, (x, m, weights), 3, ["p", "q", "v"], weights)
    pd.DataFrame({"monetary_value": m, "frequency": x, "weights": weights})
    return params.to_dict(), output.nit


# ---------------------------------------------------------------------------------------------------------------
# lifetimes itself.

def lifetimes_fits(lifetimes):
    def bgnbd(x, t_x, T):
        fitter = lifetimes.BetaGeoFitter().fit(x, t_x, T)
        return fitter.params_.to_dict(), getattr(fitter, "nit", None)

    def paretonbd(x, t_x, T):
        fitter = lifetimes.ParetoNBDFitter().fit(x, t_x, T)
        return fitter.params_.to_dict(), getattr(fitter, "nit", None)

    def gamma_gamma(x, m):
        fitter = lifetimes.GammaGammaFitter().fit(x, m)
        return fitter.params_.to_dict(), getattr(fitter, "nit", None)

    return bgnbd, paretonbd, gamma_gamma


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--data", default=os.path.join(here, "..", "..", "shared", "data", "clv"))
    parser.add_argument("--impl", choices=["auto", "lifetimes", "scipy"], default="auto")
    parser.add_argument("--seed", type=int, default=42, help="seeds numpy's generator, which lifetimes' Pareto/NBD starts draw from")
    options = parser.parse_args()
    np.random.seed(options.seed)

    impl = options.impl
    lifetimes = None
    if impl in ("auto", "lifetimes"):
        try:
            import lifetimes  # noqa: F811
            impl = "lifetimes"
        except ImportError as error:
            if impl == "lifetimes":
                sys.exit("error: cannot import lifetimes ({}); pip install lifetimes==0.11.3, or a source checkout on PYTHONPATH".format(error))
            print("note: lifetimes cannot be imported ({}); using the scipy re-implementation of its fits".format(error))
            impl = "scipy"
    if impl == "lifetimes":
        bgnbd, paretonbd, gamma_gamma = lifetimes_fits(lifetimes)
        label = "lifetimes {} ({})".format(lifetimes.__version__, os.path.dirname(lifetimes.__file__))
    else:
        bgnbd, paretonbd, gamma_gamma = scipy_bgnbd, scipy_paretonbd, scipy_gamma_gamma
        label = "scipy re-implementation of lifetimes 0.11's fits (not lifetimes' code)"

    import scipy
    x, t_x, T, zbar = read_summary(os.path.join(options.data, "cdnow_customers_summary_with_transactions.csv"))
    repeat = x > 0
    print("reference: {}; Python {}, numpy {}, scipy {}, pandas {}".format(
        label, sys.version.split()[0], np.__version__, scipy.__version__, pd.__version__))
    print("reference: {:,} customers, {:,} repeat buyers; {} warm-up and {} timed runs of each fit; {} cores; load average {:.2f}".format(
        len(x), int(repeat.sum()), options.warmup, options.runs, os.cpu_count(), os.getloadavg()[0]))

    fits = [
        ("bgnbd", lambda: bgnbd(x, t_x, T), lambda p: bgnbd_loglik([p["r"], p["alpha"], p["a"], p["b"]], x, t_x, T)),
        ("paretonbd", lambda: paretonbd(x, t_x, T), lambda p: pareto_loglik([p["r"], p["alpha"], p["s"], p["beta"]], x, t_x, T)),
        ("gammagamma", lambda: gamma_gamma(x[repeat], zbar[repeat]),
         lambda p: gamma_gamma_loglik([p["p"], p["q"], p["v"]], x[repeat].astype(float), zbar[repeat])),
    ]
    for name, fit, loglik in fits:
        for _ in range(options.warmup):
            fit()
        times = []
        iterations = []
        for _ in range(options.runs):
            start = time.perf_counter()
            params, nit = fit()
            times.append((time.perf_counter() - start) * 1000.0)
            iterations.append(nit)
        known = [i for i in iterations if i is not None]
        spread = "{}-{}".format(min(known), max(known)) if known else "?"
        print("ref {} median_ms={:.3f} p10_ms={:.3f} p90_ms={:.3f} min_ms={:.3f} runs={} iterations={} loglik={:.4f} params={} impl={}".format(
            name, np.percentile(times, 50), np.percentile(times, 10), np.percentile(times, 90), min(times), options.runs,
            spread, loglik(params), ",".join("{}={:.4f}".format(k, v) for k, v in params.items()), impl))
        sys.stdout.flush()
    print("reference: load average {:.2f} at the end".format(os.getloadavg()[0]))


if __name__ == "__main__":
    main()
