"""Tensors as plain data: size-checked on the way in, decoded once, compared by their fields."""
from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from autograder.model import ModelCall
from autograder.tensors import TensorData


def test_tensor_data_round_trip_equality_and_size_check():
    t = TensorData.of(np.arange(6, dtype="float32").reshape(2, 3))
    u = TensorData.model_validate_json(t.model_dump_json())
    assert u.array().tolist() == [[0, 1, 2], [3, 4, 5]] and t.array() is t.array()
    assert t == u and ModelCall(batch=0, output=t, output_type="Tensor") == ModelCall(batch=0, output=u, output_type="Tensor")  # cached arrays take no part
    with pytest.raises(ValidationError, match="bytes"):
        TensorData(dtype="float32", shape=(3, 3), data=t.data)
