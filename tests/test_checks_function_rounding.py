"""function_matches reads a float32 result as the real numbers it stands for (half an ulp either way)."""
from __future__ import annotations

import numpy as np
import pytest

from autograder.checks.function import function_matches
from autograder.model import FunctionCall, FunctionObservation, ProbeRecord, Value
from autograder.tensors import TensorData

ARGS = dict(calls="edge", reference="density_ratio", rtol=1e-5, atol=1e-7, target="optimal_discriminator")


def _record(result: np.ndarray) -> ProbeRecord:
    p_star = TensorData.of(np.array([0.0, 1.0], dtype=np.float32))
    p_theta = TensorData.of(np.array([1.0, 0.0], dtype=np.float32))
    value = Value(kind="tensor", tensor=TensorData.of(result), type_name="Tensor")
    obs = FunctionObservation(calls={"edge": [FunctionCall(args=[p_star, p_theta], result=value)]})
    return ProbeRecord(probe="q3a", observation=obs)


def test_a_float32_constant_of_1e_minus_7_meets_an_atol_of_1e_minus_7():
    # float32(1e-7) = 1.00000001e-7 > 1e-7: the student's clamp to [1e-7, 1 - 1e-7] is within atol
    got = np.clip(np.array([0.0, 1.0], dtype=np.float32), np.float32(1e-7), np.float32(1 - 1e-7))
    assert float(got[0]) > 1e-7
    assert function_matches(_record(got), **ARGS).passed


@pytest.mark.parametrize("wrong", [1.2e-7, 1e-6])
def test_a_value_beyond_atol_by_more_than_half_an_ulp_still_fails(wrong):
    got = np.array([wrong, 1.0], dtype=np.float32)
    res = function_matches(_record(got), **ARGS)
    assert not res.passed and "p_star=0, p_theta=1" in res.message


def test_nan_still_fails():
    res = function_matches(_record(np.array([np.nan, 1.0], dtype=np.float32)), **ARGS)
    assert not res.passed
