"""The standard-normal test: exact components, false failure <= alpha, and power on real mistakes."""
from __future__ import annotations

import numpy as np
import pytest

from autograder.checks.stats import standard_normal

ALPHA = 1e-7
N, K = 256, 3


def rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


@pytest.mark.parametrize("seed", range(200))
def test_true_standard_normal_passes(seed):
    assert standard_normal(rng(seed).standard_normal((N, K)), ALPHA) is None


@pytest.mark.parametrize("seed", range(20))
def test_true_standard_normal_with_strata_passes(seed):
    r = rng(seed)
    strata = np.exp(r.normal(size=(N, K)))
    assert standard_normal(r.standard_normal((N, K)), ALPHA, strata) is None


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("mistake, words", [
    (lambda r: 2 * r.standard_normal((N, K)), "variance"),
    (lambda r: np.sqrt(2) * r.standard_normal((N, K)), "variance"),
    (lambda r: r.uniform(size=(N, K)), "variance"),  # rand_like instead of randn_like
    (lambda r: r.uniform(-1, 1, size=(N, K)), "variance"),  # 2 * rand_like - 1
    (lambda r: np.repeat(r.standard_normal((1, K)), N, axis=0), "shared by the whole batch"),
    (lambda r: np.repeat(r.standard_normal((N, 1)), K, axis=1), "correlated"),
    (lambda r: r.standard_normal((N, K)) + 0.5, "mean"),
])
def test_mistakes_are_caught(seed, mistake, words):
    problem = standard_normal(mistake(rng(seed)), ALPHA)
    assert problem is not None and words in problem


@pytest.mark.parametrize("seed", range(20))
def test_variance_used_as_standard_deviation_is_caught_by_strata(seed):
    r = rng(seed)
    v = np.log1p(np.exp(r.normal(scale=2.0, size=(N, K))))  # softplus of a spread of h
    u = v * r.standard_normal((N, K)) / np.sqrt(v)  # z = v * eps standardised by sqrt(v)
    problem = standard_normal(u, ALPHA, v)
    assert problem is not None


def test_non_finite_and_too_small_samples():
    u = np.zeros((N, K))
    u[0, 0] = np.nan
    assert "non-finite" in standard_normal(u, ALPHA)
    assert "too few" in standard_normal(np.zeros((3, K)), ALPHA)


# ---------------------------------------------------------------- fresh draws across calls, rows of one call

from autograder.checks.autoencoder import _repeated_rows  # noqa: E402
from autograder.checks.stats import independent_calls  # noqa: E402


@pytest.mark.parametrize("seed", range(100))
def test_independent_calls_pass_and_have_no_repeated_rows(seed):
    us = [rng(seed * 3 + k).standard_normal((512, 4)) for k in range(3)]
    assert independent_calls(us, ALPHA) is None
    assert all(_repeated_rows(u) is None for u in us)


@pytest.mark.parametrize("seed", range(20))
def test_noise_reused_in_part_across_calls_is_caught(seed):
    r = rng(seed)
    first = r.standard_normal((512, 4))
    half = np.concatenate([first[:256], r.standard_normal((256, 4))])  # a buffer refreshed for half the rows
    assert "the noise of calls 1 and 2 is correlated" in independent_calls([first, half, r.standard_normal((512, 4))], ALPHA)


def test_rows_repeated_within_a_call_are_found_despite_rounding():
    r = rng(1)
    half = r.standard_normal((256, 4))
    u = np.concatenate([half, half + r.standard_normal((256, 4)) * 1e-6])  # recovered from float32 outputs
    i, j = _repeated_rows(u)
    assert j - i == 256
