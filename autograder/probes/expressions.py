"""A module written as the rubric's formulas: ordered `name = expression` steps over its parameters.

An assignment states the maths of a layer once, in its rubric (e.g. `y = "z + v * tanh(z @ w + b)[:, None]"`).
The same steps run with torch in the child (the grader's own layers, put into a student's container)
and with numpy in float64 in the parent (the references the checks compare with). Rubric text is
the instructor's, not the student's; it is evaluated without builtins all the same, but for `__import__`:
torch imports Python modules from C with the running frame's builtins (anomaly mode, which a submission may
leave on, imports `torch.fx.traceback` on every op), and a frame without it raises KeyError('__import__').
"""
from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


def solve_increasing(fn: Callable[[np.ndarray], np.ndarray], target: np.ndarray, iterations: int = 200) -> np.ndarray:
    """Elementwise t with fn(t) = target, for fn increasing: bracket by doubling, then bisect (numpy)."""
    target = np.asarray(target, dtype=np.float64)
    lo, hi = target - 1.0, target + 1.0
    for _ in range(64):
        low_bad, high_bad = fn(lo) > target, fn(hi) < target
        if not (low_bad.any() or high_bad.any()):
            break
        lo = np.where(low_bad, lo - 2 * (hi - lo), lo)
        hi = np.where(high_bad, hi + 2 * (hi - lo), hi)
    for _ in range(iterations):
        mid = (lo + hi) / 2
        below = fn(mid) < target
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    return (lo + hi) / 2


NUMPY: dict[str, object] = {
    "tanh": np.tanh, "exp": np.exp, "log": np.log, "abs": np.abs, "sqrt": np.sqrt, "where": np.where,
    "softplus": lambda a: np.logaddexp(0.0, a), "sigmoid": lambda a: 1 / (1 + np.exp(-a)),
    "solve_increasing": solve_increasing,
}
_IMPORT = builtins.__import__  # taken before any submission runs
TORCH: dict[str, object] = {
    "tanh": torch.tanh, "exp": torch.exp, "log": torch.log, "abs": torch.abs, "sqrt": torch.sqrt,
    "where": torch.where, "softplus": F.softplus, "sigmoid": torch.sigmoid,
}


def evaluate(steps: Mapping[str, str], values: Mapping[str, object], backend: Mapping[str, object],
             given: Mapping[str, object] | None = None) -> dict[str, object]:
    """Run `steps` in order on `values`; a name in `given` is taken as it is instead of computed."""
    scope: dict[str, object] = {"__builtins__": {"__import__": _IMPORT}, **backend, **values}  # one dict: lambdas see every name
    for name, expression in steps.items():
        if given is not None and name in given:
            scope[name] = given[name]
        else:
            scope[name] = eval(expression, scope)  # noqa: S307 - the rubric's own text
    return scope


class ExpressionModule(nn.Module):
    """The grader's own layer: parameters of the given shapes, `forward` returns the rubric's outputs.

    `methods` become zero-argument methods returning the step of that name (e.g. a corrected vector).
    """

    def __init__(self, parameters: Mapping[str, list[int]], steps: Mapping[str, str], outputs: list[str],
                 methods: list[str] = ()):  # type: ignore[assignment]
        super().__init__()
        for name, shape in parameters.items():
            self.register_parameter(name, nn.Parameter(torch.zeros(tuple(shape))))
        self._steps, self._outputs = dict(steps), list(outputs)
        for name in methods:
            setattr(self, name, self._method(name))

    def _values(self) -> dict[str, torch.Tensor]:
        return dict(self.named_parameters(recurse=False))

    def _method(self, name: str) -> Callable[[], torch.Tensor]:
        def method() -> torch.Tensor:
            steps = {}
            for key, expression in self._steps.items():
                steps[key] = expression
                if key == name:
                    break
            return evaluate(steps, self._values(), TORCH)[name]  # type: ignore[return-value]

        return method

    def forward(self, z: torch.Tensor) -> tuple[torch.Tensor, ...]:
        # a student's flow may hand it float32 (a base distribution made at import, a `.float()`): the
        # grader's own layer computes in its own dtype; float32 values are exact in float64
        values = self._values()
        dtype = next(iter(values.values())).dtype if values else z.dtype
        if isinstance(z, torch.Tensor) and z.is_floating_point() and z.dtype != dtype:
            z = z.to(dtype)
        scope = evaluate(self._steps, {**values, "z": z}, TORCH)
        return tuple(scope[name] for name in self._outputs)  # type: ignore[misc]
