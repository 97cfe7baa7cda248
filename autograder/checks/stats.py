"""Exact tests that a sample is iid standard normal, with a stated false-failure probability.

Every component is an exact test under H0 (u iid N(0, 1)); the family is combined with a union
(Bonferroni) bound, so `standard_normal` rejects a true H0 with probability at most `alpha`.
"""
from __future__ import annotations

import functools

import numpy as np
from scipy import special, stats

_STRATA = 4


def standard_normal(u: np.ndarray, alpha: float, strata: np.ndarray | None = None) -> str | None:
    """None if `u` (n rows, k columns) passes as iid N(0, 1); otherwise what is wrong.

    Components, each at level alpha / m (m = number of components):
    - column spread about its own mean: sum (u - mean)^2 ~ chi2(n - 1), two-sided (catches noise
      shared by the whole batch, which has no spread across rows, and a wrong scale);
    - column means: sqrt(n) * mean ~ N(0, 1);
    - scale in strata of `strata` (or of nothing: all values): sum u^2 ~ chi2(count), two-sided
      (catches a scale that depends on the variance, e.g. a variance used as a standard deviation);
    - pairwise Pearson correlation of columns: r sqrt((n-2)/(1-r^2)) ~ t(n-2) (catches one draw
      shared by all coordinates);
    - Kolmogorov-Smirnov of all values against N(0, 1) (catches the wrong shape, e.g. uniform noise).
    """
    u = np.asarray(u, dtype=np.float64)
    if u.ndim != 2 or u.shape[0] < 8:
        return f"too few noise values to test (shape {u.shape})"
    if not np.all(np.isfinite(u)):
        return f"the noise contains {int(np.sum(~np.isfinite(u)))} non-finite values (nan or inf)"
    n, k = u.shape
    bins = _bins(strata, u.shape)
    m = k + k + len(bins) + k * (k - 1) // 2 + 1
    a = alpha / m
    z_crit = _quantile("norm", a / 2)
    means = u.mean(axis=0)
    spread = ((u - means) ** 2).sum(axis=0)
    lo, hi = _quantile("chi2.lo", a / 2, n - 1), _quantile("chi2", a / 2, n - 1)
    for j in range(k):
        if not lo <= spread[j] <= hi:
            var = spread[j] / (n - 1)
            if var < 1e-6:
                return f"coordinate {j} takes the same value in every row: the noise is shared by the whole batch, not drawn per sample"
            return f"its variance is {var:.3f} in coordinate {j} (expected 1; a N(0, 1) sample of {n} lies in [{lo / (n - 1):.3f}, {hi / (n - 1):.3f}])"
    z = np.sqrt(n) * means
    j = int(np.argmax(np.abs(z)))
    if abs(z[j]) > z_crit:
        return f"its mean is {means[j]:+.3f} in coordinate {j} (a N(0, 1) sample of {n} has |mean| < {z_crit / np.sqrt(n):.3f})"
    for label, mask in bins:
        c = int(mask.sum())
        s = float((u[mask] ** 2).sum())
        lo, hi = _quantile("chi2.lo", a / 2, c), _quantile("chi2", a / 2, c)
        if not lo <= s <= hi:
            return f"its variance is {s / c:.3f} {label} (expected 1; allowed [{lo / c:.3f}, {hi / c:.3f}] for {c} values)"
    t_crit = _quantile("t", a / 2, n - 2)
    for i in range(k):
        for j in range(i + 1, k):
            r = float(np.corrcoef(u[:, i], u[:, j])[0, 1])
            t = r * np.sqrt((n - 2) / max(1e-300, 1 - r * r))
            if abs(t) > t_crit:
                return f"coordinates {i} and {j} are correlated (r = {r:+.3f}): one draw is shared across coordinates instead of independent noise per coordinate"
    d = _ks_distance(u.ravel())
    d_crit = _quantile("kstwo", a, n * k)
    if d > d_crit:
        return f"its values are not normally distributed (Kolmogorov-Smirnov distance {d:.3f} > {d_crit:.3f})"
    return None


def _ks_distance(values: np.ndarray) -> float:
    """Kolmogorov-Smirnov distance between the sample's empirical CDF and N(0, 1)'s."""
    x = np.sort(values)
    cdf = special.ndtr(x)
    n = x.size
    i = np.arange(1, n + 1)
    return float(max(np.max(i / n - cdf), np.max(cdf - (i - 1) / n)))


@functools.lru_cache(maxsize=512)
def _quantile(dist: str, p: float, df: int = 0) -> float:
    """Upper-tail critical values (lower tail for "chi2.lo"); cached: a class reuses the same few."""
    if dist == "norm":
        return float(stats.norm.isf(p))
    if dist == "chi2":
        return float(stats.chi2.isf(p, df))
    if dist == "chi2.lo":
        return float(stats.chi2.ppf(p, df))
    if dist == "t":
        return float(stats.t.isf(p, df))
    return float(stats.kstwo.isf(p, df))


def _bins(strata: np.ndarray | None, shape: tuple[int, int]) -> list[tuple[str, np.ndarray]]:
    if strata is None:
        return [("overall", np.ones(shape, dtype=bool))]
    s = np.asarray(strata, dtype=np.float64)
    edges = np.quantile(s, np.linspace(0, 1, _STRATA + 1))
    out = []
    for i in range(_STRATA):
        mask = (s >= edges[i]) & ((s < edges[i + 1]) if i < _STRATA - 1 else (s <= edges[i + 1]))
        if mask.sum() >= 8:
            out.append((f"where variance(h) is in [{edges[i]:.3g}, {edges[i + 1]:.3g}]", mask))
    return out


def independent_calls(us: list[np.ndarray], alpha: float) -> str | None:
    """None if the noise of separate calls is uncorrelated; otherwise which calls share their draws.

    For each pair of calls, the Pearson correlation r of their noise values (flattened, n each)
    gives r sqrt((n-2)/(1-r^2)) ~ t(n-2) exactly when one of them is iid normal and independent of
    the other; the pairs are combined with a union bound, so a true H0 is rejected with
    probability at most `alpha`. Catches noise reused in part, or drawn from a reseeded generator
    on a batch of another size.
    """
    pairs = [(i, j) for i in range(len(us)) for j in range(i + 1, len(us)) if us[i].shape == us[j].shape]
    if not pairs:
        return None
    n = us[pairs[0][0]].size
    t_crit = _quantile("t", alpha / len(pairs) / 2, n - 2)
    for i, j in pairs:
        r = float(np.corrcoef(us[i].ravel(), us[j].ravel())[0, 1])
        t = r * np.sqrt((n - 2) / max(1e-300, 1 - r * r))
        if abs(t) > t_crit:
            return (f"the noise of calls {i + 1} and {j + 1} is correlated (r = {r:+.3f}): draws must be fresh and independent "
                    "on every call (no noise stored and reused, no seed set in forward)")
    return None
