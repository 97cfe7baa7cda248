"""function_matches 3: a float32 result is read within half the spacing below it, which is finite for every finite value."""
from __future__ import annotations

import warnings

import numpy as np

from autograder.checks.function import _as_stored


def test_float32_max_is_not_read_as_the_expected_value():
    got = np.array([np.finfo(np.float32).max, -np.finfo(np.float32).max], dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # np.spacing(max) overflowed to inf: half an inf ulp read max as any number
        stored = _as_stored(got, np.zeros(2))
    assert np.all(np.abs(stored) > 1e38)


def test_half_an_ulp_still_counts_and_no_more():
    one_e7 = np.float32(1e-7)  # 1.00000001e-7 in float32
    below = float(one_e7) - float(np.nextafter(one_e7, np.float32(0)))
    assert _as_stored(np.array([one_e7]), np.array([1e-7]))[0] == 1e-7
    far = _as_stored(np.array([one_e7]), np.array([1e-7 - below]))[0]
    assert far == float(one_e7) - below / 2  # moved by half the spacing, not further
    assert _as_stored(np.array([0.0], dtype=np.float32), np.array([1e-3]))[0] == 0.0
