"""Tensors as plain data: size-checked on the way in (each, and summed per observation), decoded once, compared by their fields."""
from __future__ import annotations

import base64
import json

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
    with pytest.raises(ValidationError, match="not zlib-compressed"):  # not a crash of the validation
        TensorData(dtype="float32", shape=(2, 3), data=base64.b64encode(b"not zlib").decode())


def _zeros(mib: int) -> dict:
    """A float64 zero tensor of `mib` MiB: a few KiB compressed."""
    return TensorData.of(np.zeros((mib << 20) // 8)).model_dump()


def _answers(keys: int, mib: int) -> dict:
    one = _zeros(mib)
    return {"kind": "answers", "values": {f"X[{k}]": {"kind": "tensor", "tensor": one, "type_name": "Tensor"} for k in range(keys)}}


def test_forty_keys_of_one_huge_tensor_are_refused_before_decoding():
    from autograder.sandbox import protocol

    line = json.dumps({"type": "observation", "probe": "answers", "observation": _answers(40, 32)}).encode()
    assert len(line) < protocol.MAX_LINE  # small on the wire: 40 x 32 MiB of zeros
    peak = _peak_during(lambda: _refused(lambda: protocol.parse(line)))
    assert peak < 200 << 20  # the third tensor is refused before it is decoded (1.3 GB if all were)


def _refused(fn) -> None:
    with pytest.raises(ValidationError, match=r"the tensors of one observation decode to more than 64 MiB"):
        fn()


def _peak_during(fn) -> int:
    import tracemalloc

    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_stored_observations_are_capped_per_observation_not_per_file():
    from autograder.model import ProbeRecord, RunRecord

    ok = {"probe": "a", "observation": _answers(1, 32)}
    run = {"records": {"a": ok, "b": {**ok, "probe": "b"}, "c": {**ok, "probe": "c"}}}
    assert len(RunRecord.model_validate_json(json.dumps(run)).records) == 3  # 96 MiB in three observations: fine
    bad = {"probe": "a", "observation": _answers(3, 32)}
    _refused(lambda: ProbeRecord.model_validate_json(json.dumps(bad)))


def test_shapes_whose_size_overflows_int64_are_refused():
    with pytest.raises(ValidationError, match="bad shape"):
        TensorData(dtype="float32", shape=(1 << 32, 1 << 32), data=TensorData.of(np.zeros(0, "float32")).data)
