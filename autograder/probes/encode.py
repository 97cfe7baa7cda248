"""Plain-data encoding of tensors, values and errors, for the child's messages.

References to the torch and stdlib functions used here are taken when this module is imported,
before any student code runs, so that monkeypatching them afterwards does not change encoding.
"""
from __future__ import annotations

import base64
import decimal
import errno
import math
import numbers
import traceback
import zlib

import numpy as np
import torch

_Tensor = torch.Tensor
_detach = torch.Tensor.detach
_to = torch.Tensor.to
_contiguous = torch.Tensor.contiguous
_numpy = torch.Tensor.numpy
_b64 = base64.b64encode
_compress = zlib.compress
_isinstance = isinstance
_repr = repr
_DTYPES = {torch.float32: "float32", torch.float64: "float64", torch.int64: "int64", torch.bool: "bool"}
_TEXT_CAP = 20_000


class ProbeFailure(Exception):
    """Raised by a probe when a student name is missing or returns the wrong kind of thing."""

    def __init__(self, kind: str, message: str, where: str | None = None):
        super().__init__(message)
        self.kind, self.message, self.where = kind, message, where


def tensor(t: torch.Tensor) -> dict:
    """Encode a tensor (any float dtype becomes float32 or float64)."""
    t = _detach(t)
    if t.dtype not in _DTYPES:
        t = _to(t, torch.float64 if t.is_floating_point() and t.dtype == torch.float64 else torch.float32)
    a = _numpy(_contiguous(_to(t, "cpu")))
    return {"dtype": _DTYPES[t.dtype], "shape": list(a.shape), "data": _b64(_compress(a.tobytes(), 1)).decode("ascii")}


def array(a: np.ndarray) -> dict:
    """Encode a numpy array of a supported dtype."""
    a = np.ascontiguousarray(a)
    return {"dtype": str(a.dtype), "shape": list(a.shape), "data": _b64(_compress(a.tobytes(), 1)).decode("ascii")}


def text(s: str) -> str:
    """Cap a string's length, saying how much was cut."""
    if len(s) <= _TEXT_CAP:
        return s
    return s[:_TEXT_CAP] + f"... [{len(s) - _TEXT_CAP} more characters cut]"


# every real number type: int, float, numpy's, the standard library's exact ones (Fraction(1, 2), Decimal("0.5"))
# and sympy's (Rational(1, 2), which registers itself as a numbers.Real), read as the float they equal
_NUMBERS = (numbers.Real, decimal.Decimal, np.integer, np.floating)


def value(v: object) -> dict:
    """Reduce any returned value to plain data, saying what kind it was."""
    type_name = type(v).__name__
    if _isinstance(v, _Tensor):
        return {"kind": "tensor", "tensor": tensor(v), "type_name": type_name}
    if _isinstance(v, np.ndarray) and v.size == 1 and v.dtype.kind in "biuf":  # np.divide(..., where=...) on floats
        v = v.reshape(()).item()  # the array's one element, a Python bool, int or float
    if _isinstance(v, bool) or _isinstance(v, np.bool_):
        return {"kind": "bool", "number": float(bool(v)), "type_name": type_name}
    if _isinstance(v, _NUMBERS):
        x = float(v)
        return {"kind": "number", "number": x if math.isfinite(x) else None, "text": _repr(x), "type_name": type_name}
    if v is None:
        return {"kind": "none", "type_name": type_name}
    if _isinstance(v, str):
        return {"kind": "str", "text": text(v), "type_name": type_name}
    try:
        shown = _repr(v)
    except BaseException:  # noqa: BLE001 - a hostile __repr__ must not break the probe
        shown = f"<{type_name}>"
    return {"kind": "other", "text": text(shown)[:500], "type_name": type_name}


def label(labels: list[str], lineno: int | None) -> str:
    """Where line `lineno` of the submission came from (`cell 3, line 2`), or `line N` past the labels."""
    return labels[lineno - 1] if lineno and 0 < lineno <= len(labels) else f"line {lineno}"


_label = label  # error() takes it before any student code could replace the module's attribute


def error(exc: BaseException, labels: list[str], filename: str) -> dict:
    """Describe an exception raised by student code, pointing at the submission's line."""
    if _isinstance(exc, ProbeFailure):
        return {"kind": exc.kind, "message": exc.message, "where": exc.where}
    where = None
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        if frame.f_code.co_filename == filename:
            line = _label(labels, lineno)
            where = f"{frame.f_code.co_name} ({line})" if frame.f_code.co_name != "<module>" else line
    try:
        msg = text(str(exc))[:2000]
    except BaseException:  # noqa: BLE001 - a hostile __str__ must not break the report
        msg = "<unprintable>"
    if _isinstance(exc, ModuleNotFoundError):  # whose fault depends on what the module is: say both
        msg += (" — the grader imports your file alone, with Python's standard library and the grading environment's "
                "packages: a module of your own that was not handed in, or a package that environment lacks, cannot be "
                "imported (inline or remove it; if your course's environment has that package, tell the course staff)")
    out_of_memory = (_isinstance(exc, MemoryError) or "can't allocate memory" in msg
                     or (_isinstance(exc, OSError) and getattr(exc, "errno", None) == errno.ENOMEM))
    out = {"kind": "memory" if out_of_memory else "exception", "message": msg, "exc_type": type(exc).__name__, "where": where}
    if _isinstance(exc, ModuleNotFoundError):
        try:
            name = exc.name
            if _isinstance(name, str):
                out["missing_module"] = text(str.__str__(name))[:200]
        except BaseException:  # noqa: BLE001 - a hostile subclass's `name` must not break the report
            pass
    return out
