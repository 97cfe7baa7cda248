"""A tensor as plain, validated data: dtype, shape and base64 of zlib-compressed bytes.

Compressed data is small on the wire but can be huge decoded (a zero tensor of 32 MiB compresses to
32 KiB). Each tensor is capped, and so is the sum over one observation: `observation_budget` wraps the
validation of an observation, and every tensor validated inside it is charged before it is decoded.
"""
from __future__ import annotations

import base64
import math
import zlib
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, ValidationInfo, model_validator

DType = Literal["float32", "float64", "int64", "bool"]
_MAX_ELEMENTS = 1 << 22
MAX_OBSERVATION_BYTES = 64 << 20  # decoded, summed over one observation (sheet 03's largest honest one: 80 KB)
_BUDGET: ContextVar[list[int] | None] = ContextVar("decoded_bytes_left", default=None)


def observation_budget(value: Any, handler: Callable[[Any], Any], info: ValidationInfo | None = None) -> Any:
    """A pydantic wrap validator: validate one observation with at most MAX_OBSERVATION_BYTES decoded."""
    token = _BUDGET.set([MAX_OBSERVATION_BYTES])
    try:
        return handler(value)
    finally:
        _BUDGET.reset(token)


def _charge(nbytes: int) -> None:
    left = _BUDGET.get()
    if left is None:
        return
    if nbytes > left[0]:
        raise ValueError(f"the tensors of one observation decode to more than {MAX_OBSERVATION_BYTES >> 20} MiB "
                         f"(this one: {nbytes / (1 << 20):.1f} MiB, {left[0] / (1 << 20):.1f} MiB left): refused unread")
    left[0] -= nbytes


class TensorData(BaseModel):
    """An n-d array that crosses the sandbox boundary or sits in an observation file."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    dtype: DType
    shape: tuple[int, ...]
    data: str

    @model_validator(mode="after")
    def _size_matches(self) -> "TensorData":
        n = math.prod(self.shape)
        if any(s < 0 for s in self.shape) or n > _MAX_ELEMENTS:
            raise ValueError(f"bad shape {self.shape}")
        _charge(n * np.dtype(self.dtype).itemsize)
        raw = _decode(self.data, n * np.dtype(self.dtype).itemsize)
        if len(raw) != n * np.dtype(self.dtype).itemsize:
            raise ValueError(f"data holds {len(raw)} bytes, shape {self.shape} of {self.dtype} needs {n * np.dtype(self.dtype).itemsize}")
        self.__dict__["_array"] = np.frombuffer(raw, dtype=self.dtype).reshape(self.shape)  # decoded once
        return self

    def __eq__(self, other: object) -> bool:
        # fields only: the decoded array cached in __dict__ must not take part
        return isinstance(other, TensorData) and (self.dtype, self.shape, self.data) == (other.dtype, other.shape, other.data)

    def __hash__(self) -> int:
        return hash((self.dtype, self.shape, self.data))

    def array(self) -> np.ndarray:
        """The values as a read-only numpy array (decoded once, then cached on this frozen object)."""
        cached = self.__dict__.get("_array")
        if cached is None:
            n = math.prod(self.shape)
            raw = _decode(self.data, n * np.dtype(self.dtype).itemsize)
            cached = np.frombuffer(raw, dtype=self.dtype).reshape(self.shape)
            self.__dict__["_array"] = cached
        return cached

    @classmethod
    def of(cls, values: np.ndarray) -> "TensorData":
        """Pack a numpy array."""
        a = np.ascontiguousarray(values)
        return cls(dtype=str(a.dtype), shape=tuple(a.shape), data=encode_bytes(a.tobytes()))  # type: ignore[arg-type]


def encode_bytes(raw: bytes) -> str:
    """Compress and base64-encode raw bytes (shared with the sandbox child's own encoder)."""
    return base64.b64encode(zlib.compress(raw, 1)).decode("ascii")


def _decode(text: str, expected: int) -> bytes:
    try:
        return zlib.decompressobj().decompress(base64.b64decode(text, validate=True), expected + 1)
    except zlib.error as exc:  # a ValueError, so that validation reports it as bad data (the child's, or a damaged file's)
        raise ValueError(f"data is not zlib-compressed ({exc})") from None
