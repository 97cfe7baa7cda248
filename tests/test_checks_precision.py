"""The precision pathwise_gradient reads from a run's values: bfloat16 / float16 numbers stored as float32."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from autograder.checks.autoencoder import _format_unit

FLOAT32_UNIT = float(np.finfo(np.float32).eps) / 2


def _values(seed: int, dtype: torch.dtype) -> np.ndarray:
    """Float32 values as a float32 / bfloat16 / float16 computation leaves them (returned as float32)."""
    gen = torch.Generator().manual_seed(seed)
    return (torch.randn(512, 4, generator=gen) * 3).to(dtype).float().numpy()


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize(("dtype", "unit"), [(torch.float32, FLOAT32_UNIT), (torch.bfloat16, 2.0 ** -8), (torch.float16, 2.0 ** -11)])
def test_the_format_of_the_values_is_read(seed, dtype, unit):
    assert _format_unit(_values(seed, dtype)) == unit


def test_float64_keeps_its_own_unit_and_a_zero_gradient_says_nothing():
    assert _format_unit(_values(0, torch.float32).astype(np.float64)) == float(np.finfo(np.float64).eps) / 2
    assert _format_unit(np.zeros((4, 4), np.float32)) == FLOAT32_UNIT
    few = np.zeros(8, np.float32)
    few[:3] = [0.5, 1.0, 2.0]  # three nonzero values, all bfloat16 numbers: too few to tell
    assert _format_unit(few) == FLOAT32_UNIT


def test_non_finite_values_do_not_decide():
    v = _values(1, torch.bfloat16)
    v[0, 0], v[1, 1] = np.nan, np.inf
    assert _format_unit(v) == 2.0 ** -8
