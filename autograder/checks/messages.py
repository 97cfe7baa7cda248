"""Shared wording: student errors, and torch-style numeric mismatch reports."""
from __future__ import annotations

from typing import TypeVar

import numpy as np

from autograder.model import CheckResult, Outcome, ProbeError, ProbeRecord

T = TypeVar("T")


def error_text(subject: str, err: ProbeError) -> str:
    """'subject: what went wrong (where)' for an error observed in the child."""
    where = f" in {err.where}" if err.where else ""
    if err.kind == "missing":
        return f"{subject}: {err.message}"
    if err.kind == "exception":
        return f"{subject}: your code raised {err.exc_type}{where}: {err.message}"
    if err.kind == "memory":
        return f"{subject}: your code ran out of memory{where} ({err.message})"
    if err.kind == "load":
        what = f"{err.exc_type}{where}" if err.exc_type else where.strip()
        return f"{subject}: not graded — the submission could not be imported{f' ({what})' if what else ''}: {err.message}"
    return f"{subject}: {err.message}{where}"


def observed(record: ProbeRecord, subject: str, kind: type[T]) -> T | CheckResult:
    """The record's observation of the expected kind, or the failure to report instead.

    The submission's error (it raised, hung, crashed, is missing) is the student's; an
    observation of another kind is ours.
    """
    if record.error is not None:
        return CheckResult.fail(error_text(subject, record.error), outcome=Outcome.ERROR)
    if not isinstance(record.observation, kind):
        return CheckResult.fail(f"{subject}: no {kind.__name__} was recorded", outcome=Outcome.GRADER_ERROR)
    return record.observation


def mismatch(got: np.ndarray, expected: np.ndarray, *, rtol: float, atol: float,
             where: "callable[[tuple[int, ...]], str] | None" = None) -> str | None:
    """None if got ≈ expected elementwise (|got - expected| <= atol + rtol |expected|, nan never equal)."""
    got = np.asarray(got, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    diff = np.abs(got - expected)
    bad = ~(diff <= atol + rtol * np.abs(expected))
    count = int(bad.sum())
    if count == 0:
        return None
    worst = np.where(np.isnan(diff), np.inf, diff)
    idx = np.unravel_index(int(np.argmax(np.where(bad, worst, -1))), got.shape) if got.shape else ()
    at = where(idx) if where else (f"index {tuple(int(i) for i in idx)}" if idx else "")
    g, e = got[idx], expected[idx]
    return (f"{count}/{got.size} values differ ({100 * count / max(1, got.size):.1f}%); greatest difference at {at}: "
            f"got {g:.6g}, expected {e:.6g} (up to {atol:g} + {rtol:g}·|expected| allowed)")
