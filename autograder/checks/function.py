"""Checks on a student function called on grader-chosen arguments, against a trusted reference."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from autograder.checks.messages import error_text, mismatch, observed
from autograder.model import CheckResult, FunctionCall, FunctionObservation, Outcome, ProbeRecord


def density_ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """D*(x) = p*(x) / (p*(x) + p_θ(x)), in float64."""
    return a / (a + b)


REFERENCES: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {"density_ratio": density_ratio}


def _arg(a: object) -> np.ndarray:
    return np.asarray(a, dtype=np.float64) if isinstance(a, float) else a.array().astype(np.float64)  # type: ignore[union-attr]


def _as_stored(got: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """`got` in float64, moved toward `expected` by at most half a unit in the last place of its own dtype:
    a float32 result stands for any real number that close (a student's constant 1e-7 is 1.00000001e-7
    in float32, just beyond an atol of 1e-7). Changes nothing measurable at rtol 1e-5 (float32: 6e-8)."""
    g = got.astype(np.float64)
    if not np.issubdtype(got.dtype, np.floating):
        return g
    a = np.abs(got)
    with np.errstate(invalid="ignore"):  # nan and inf stay what they are
        # half the spacing below |got|: finite for every finite value (np.spacing of float32's max is inf, which read
        # that value as any number at all); at a power of two it is half the spacing above, so never more lenient
        half = (a - np.nextafter(a, np.zeros_like(a))).astype(np.float64) / 2
        return np.where(np.isfinite(g), g - np.clip(g - expected, -half, half), g)


def _shown(a: object) -> str:
    return f"{a:g}" if isinstance(a, float) else f"a tensor of shape {tuple(a.shape)}"  # type: ignore[union-attr]


def _one(call: FunctionCall, target: str, reference: Callable, rtol: float, atol: float) -> str | None:
    a, b = call.args
    floats = isinstance(a, float) and isinstance(b, float)
    args = f"{target}({_shown(a)}, {_shown(b)})"
    res = call.result
    if res.kind == "error":
        assert res.error is not None
        return error_text(args, res.error)
    expected = reference(_arg(a), _arg(b))
    if floats:
        number = res.scalar()
        if number is None:
            return f"{args} returned {res.type_name}, expected a number"
        stored = res.tensor.array().reshape(()) if res.kind == "tensor" and res.tensor is not None else np.float64(number)
        problem = mismatch(_as_stored(np.asarray(stored), expected), expected, rtol=rtol, atol=atol, where=lambda _: "the result")
        return f"{args}: {problem}" if problem else None
    if res.kind != "tensor" or res.tensor is None:
        return f"{args} returned {res.type_name}, expected a torch.Tensor"
    got = res.tensor.array()
    if got.shape != expected.shape:
        return f"{args} returned shape {got.shape}, expected {expected.shape} (the broadcast of the two inputs)"
    av, bv = np.broadcast_arrays(_arg(a), _arg(b))
    problem = mismatch(_as_stored(got, expected), expected, rtol=rtol, atol=atol,
                       where=lambda idx: f"p_star={av[idx]:.4g}, p_theta={bv[idx]:.4g}")
    return f"{args}: {problem}" if problem else None


def function_matches(record: ProbeRecord, *, calls: str, reference: str, rtol: float, atol: float, target: str) -> CheckResult:
    """Every call of the set `calls` returns the reference value (|got - ref| <= atol + rtol |ref|)."""
    obs = observed(record, target, FunctionObservation)
    if isinstance(obs, CheckResult):
        return obs
    if calls not in obs.calls:
        return CheckResult.fail(f"{target}: no observation of the {calls!r} calls", outcome=Outcome.GRADER_ERROR)
    if not obs.calls[calls]:
        return CheckResult.fail(f"{target}: the {calls!r} calls were not observed", outcome=Outcome.GRADER_ERROR)
    ref = REFERENCES[reference]
    problems = [p for c in obs.calls[calls] if (p := _one(c, target, ref, rtol, atol))]
    if problems:
        more = f" (and {len(problems) - 1} more failing calls)" if len(problems) > 1 else ""
        return CheckResult.fail(problems[0] + more)
    return CheckResult.ok(f"{target}: all {len(obs.calls[calls])} calls match the reference")
