#!/usr/bin/python3
# mk-arima-ref.py: reference figures for lib/arima_test.c, computed
# independently of the C code: the exact Gaussian likelihood from the full
# Toeplitz covariance of the ARMA process (autocovariances from psi
# weights), its maximum found by scipy's Nelder-Mead, and the KPSS
# statistic.  Writes testdata/arima/ref.txt.  Needs numpy and scipy
# (Debian python3-numpy, python3-scipy); run with /usr/bin/python3.
#
# File format, one item per line:
#   model P D Q CST       starts a case
#   y V1 V2 ...           the series (before differencing)
#   true PHI.. THETA.. MU SIGMA2 LOGLIK   loglik of w at the true values
#   mle PHI.. THETA.. MU SIGMA2 LOGLIK    the ML estimates, concentrated
#   kpss K                KPSS level statistic of y
import numpy as np
from scipy.optimize import minimize


def psi_weights(phi, theta, n):
    psi = np.zeros(n)
    psi[0] = 1.0
    for j in range(1, n):
        v = theta[j - 1] if j - 1 < len(theta) else 0.0
        for i, f in enumerate(phi):
            if j - 1 - i >= 0:
                v += f * psi[j - 1 - i]
        psi[j] = v
    return psi


def gamma_unit(phi, theta, n):
    """Autocovariances for sigma2 = 1 at lags 0..n-1."""
    psi = psi_weights(phi, theta, 4000 + n)
    return np.array([psi[:len(psi) - k] @ psi[k:] for k in range(n)])


def stationary(phi):
    if len(phi) == 0:
        return True
    r = np.roots(np.r_[1.0, -np.asarray(phi)][::-1])
    return np.all(np.abs(r) > 1.0 + 1e-9)


def loglik(x, phi, theta, sigma2=None):
    """Exact loglik of zero-mean x; sigma2 None: concentrated out."""
    n = len(x)
    g = gamma_unit(phi, theta, n)
    G = g[np.abs(np.subtract.outer(np.arange(n), np.arange(n)))]
    L = np.linalg.cholesky(G)
    z = np.linalg.solve(L, x)
    q = z @ z
    logdet = 2 * np.log(np.diag(L)).sum()
    if sigma2 is None:
        sigma2 = q / n
    ll = -0.5 * (n * np.log(2 * np.pi * sigma2) + logdet + q / sigma2)
    return ll, sigma2


def simulate(rng, phi, theta, mu, n, d=0):
    burn = 500
    e = rng.standard_normal(n + burn)
    w = np.zeros(n + burn)
    for t in range(n + burn):
        v = e[t]
        for i, f in enumerate(phi):
            if t - 1 - i >= 0:
                v += f * w[t - 1 - i]
        for j, th in enumerate(theta):
            if t - 1 - j >= 0:
                v += th * e[t - 1 - j]
        w[t] = v
    w = w[burn:] + mu
    y = w
    for _ in range(d):
        y = np.r_[100.0, 100.0 + np.cumsum(y)]
    return y


def kpss(y):
    n = len(y)
    e = y - y.mean()
    s = np.cumsum(e)
    lag = int(4 * (n / 100) ** 0.25)
    lrv = e @ e
    for j in range(1, lag + 1):
        lrv += 2 * (1 - j / (lag + 1)) * (e[j:] @ e[:-j])
    return (s @ s) / n ** 2 / (lrv / n)


def case(out, rng, phi, theta, mu, n, d, cst):
    p, q = len(phi), len(theta)
    y = simulate(rng, phi, theta, mu, n, d)
    w = np.diff(y, d) if d else y
    ll_true, _ = loglik(w - (mu if cst else 0), phi, theta, 1.0)

    def f(b):
        ph, th = b[:p], b[p:p + q]
        m = b[p + q] if cst else 0.0
        if not stationary(ph) or not stationary(-np.asarray(th)):
            return 1e10
        return -loglik(w - m, ph, th)[0]

    b0 = np.r_[phi, theta, [w.mean()] if cst else []]
    r = minimize(f, b0, method="Nelder-Mead",
                 options={"xatol": 1e-9, "fatol": 1e-11, "maxiter": 40000,
                          "maxfev": 40000})
    b = r.x
    m = b[p + q] if cst else 0.0
    ll, s2 = loglik(w - m, b[:p], b[p:p + q])
    fmt = " ".join
    out.write(f"model {p} {d} {q} {cst}\n")
    out.write("y " + fmt(f"{v:.17g}" for v in y) + "\n")
    out.write("true " + fmt(f"{v:.17g}" for v in
                            [*phi, *theta, mu, 1.0, ll_true]) + "\n")
    out.write("mle " + fmt(f"{v:.17g}" for v in
                           [*b[:p + q], m, s2, ll]) + "\n")
    out.write(f"kpss {kpss(y):.17g}\n")


def main():
    rng = np.random.default_rng(20240607)
    with open("testdata/arima/ref.txt", "w") as out:
        case(out, rng, [0.6, -0.3], [], 10.0, 300, 0, 1)
        case(out, rng, [0.5], [0.4], 0.0, 300, 0, 0)
        case(out, rng, [], [-0.5, 0.2], 0.0, 250, 0, 0)
        case(out, rng, [0.3], [], 0.2, 200, 1, 1)


if __name__ == "__main__":
    main()
