"""Parent side: an observation counts only if it was recorded on the grader's own inputs.

The child is wholly in the submission's hands: it may replace the probes or write its own messages on
the result channel. A forged observation is harmless only if the checks see the grader's inputs, so
before an observation is accepted the parent rebuilds from the seed what the probe was given (the
batch x, the weights of g and f, the function arguments, the variance grid) and compares; it also
recomputes the last recorded call of g and of f with its own copies of the networks.
"""
from __future__ import annotations

import functools

import numpy as np
import torch

from autograder.model import AutoencoderObservation, Call, FunctionObservation, Observation
from autograder.probes import autoencoder, function, nets
from autograder.tensors import TensorData

_PARAM_TOL = 1e-6
_CALL_RTOL, _CALL_ATOL = 1e-4, 1e-5
_TAMPERED = "the submission replaced the grader's probe or its tools"


def observation(spec: dict, seed: int, obs: Observation) -> str | None:
    """None when `obs` fits what probe `spec` was given; else what does not (a message for the student)."""
    if obs.kind != spec["kind"]:
        return f"an observation of kind {obs.kind!r} was reported for probe {spec['id']!r} ({spec['kind']}) — {_TAMPERED}"
    if isinstance(obs, AutoencoderObservation):
        return _autoencoder(obs, seed, spec.get("target") or "the model")
    if isinstance(obs, FunctionObservation):
        return _function(obs, seed, spec.get("options", {}))
    return None


@functools.lru_cache(maxsize=8)
def _grader_nets(seed: int) -> tuple[np.ndarray, dict[str, np.ndarray], torch.nn.Module, torch.nn.Module]:
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float32)
    try:
        g, f = nets.build(seed)
        x = nets.inputs(seed).numpy()
    finally:
        torch.set_default_dtype(previous)
    params = {n: p.detach().numpy().astype(np.float64) for n, p in nets.named_parameters(g, f)}
    return x, params, g.double(), f.double()


def _autoencoder(obs: AutoencoderObservation, seed: int, model: str) -> str | None:
    x, params, g, f = _grader_nets(seed)
    got_x = obs.x.array()
    if got_x.shape != x.shape or not np.array_equal(got_x.astype(np.float32), x):
        return (f"the batch x was not the grader's after {model}.forward — was x changed in place (x += ..., "
                f"x.add_(...))? Leave x as it is and write z = x + eps; otherwise {_TAMPERED}")
    if set(obs.params) != set(params):
        return f"the parameters of g and f were reported as {sorted(obs.params)[:4]}… — {_TAMPERED}"
    changed = [n for n, p in params.items() if not _same(obs.params[n], p)]
    if changed:
        return (f"{model} changed the weights of g or f ({', '.join(changed[:3])} differ from the grader's) — "
                "use g and f as given, without training, re-initialising or converting them")
    for name, net, calls in (("g", g, obs.g_calls), ("f", f, obs.f_calls)):
        problem = _call_problem(name, net, calls[-1]) if calls else None
        if problem:
            return problem
    if obs.variance is not None and not np.array_equal(obs.variance.grid.array(), autoencoder.variance_grid().numpy()):
        return f"variance(h) was reported on a grid that is not the grader's — {_TAMPERED}"
    return None


def _same(got: TensorData, expected: np.ndarray) -> bool:
    a = got.array().astype(np.float64)
    return a.shape == expected.shape and bool(np.all(np.abs(a - expected) <= _PARAM_TOL * (1 + np.abs(expected))))


def _call_problem(name: str, net: torch.nn.Module, call: Call) -> str | None:
    inp, out = call.input.array(), call.output.array()
    try:
        with torch.no_grad():
            want = net(torch.from_numpy(inp.astype(np.float64))).numpy()
    except (RuntimeError, ValueError):
        return f"{name} was reported to accept an input of shape {inp.shape} that it cannot take — {_TAMPERED}"
    if want.shape != out.shape or not np.allclose(out.astype(np.float64), want, rtol=_CALL_RTOL, atol=_CALL_ATOL, equal_nan=True):
        return f"{name}'s recorded output is not what the grader's {name} computes on its recorded input — {_TAMPERED}"
    return None


def _function(obs: FunctionObservation, seed: int, options: dict) -> str | None:
    expected = function.call_sets(seed, options)
    if set(obs.calls) != set(expected) or any(len(obs.calls[k]) != len(v) for k, v in expected.items()):
        return f"the function was reported on other call sets than the grader's — {_TAMPERED}"
    for name, pairs in expected.items():
        for call, pair in zip(obs.calls[name], pairs):
            if len(call.args) != 2 or not all(_same_arg(got, want) for got, want in zip(call.args, pair)):
                return f"the function was reported on other arguments than the grader's ({name!r} calls) — {_TAMPERED}"
    return None


def _same_arg(got: TensorData | float, want: object) -> bool:
    if isinstance(want, torch.Tensor):
        if not isinstance(got, TensorData):
            return False
        a = got.array()
        return a.shape == tuple(want.shape) and np.array_equal(a.astype(np.float32), want.numpy())
    return isinstance(got, float) and got == float(want)  # type: ignore[arg-type]
