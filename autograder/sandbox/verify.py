"""Parent side: an observation counts only if it was recorded on the grader's own inputs.

The child is wholly in the submission's hands: it may replace the probes or write its own messages on
the result channel. A forged observation is harmless only if the checks see the grader's inputs, so
before an observation is accepted the parent rebuilds from the seed what the probe was given (the
batches, the weights of every network pair, the function arguments, the variance grid) and compares.
Every kind of observation has a verifier here; an observation of a kind without one is refused.
"""
from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
import torch

from autograder.model import (AnswersObservation, AutoencoderObservation, FunctionObservation, LayerStackObservation,
                              LogdetModuleObservation, Observation)
from autograder.probes import autoencoder, function, nets
from autograder.sandbox import verify_module
from autograder.tensors import TensorData

_PARAM_TOL = 1e-6
_TAMPERED = "the submission replaced the grader's probe or its tools"


def observation(spec: dict, seed: int, obs: Observation) -> str | None:
    """None when `obs` fits what probe `spec` was given; else what does not (a message for the student)."""
    if obs.kind != spec["kind"]:
        return f"an observation of kind {obs.kind!r} was reported for probe {spec['id']!r} ({spec['kind']}) — {_TAMPERED}"
    verifier = VERIFIERS.get(type(obs))
    if verifier is None:  # fail closed: an unverified observation is never scored
        return f"the grader has no verifier for observations of kind {obs.kind!r} (probe {spec['id']!r}) — a grader error, not the submission's"
    return verifier(obs, seed, spec)


def _grader_float32(build: Callable[[], object]) -> object:
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float32)
    try:
        return build()
    finally:
        torch.set_default_dtype(previous)


@functools.lru_cache(maxsize=16)
def _expected_params(seed: int, encoder_scale: float, decoder_scale: float) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    def both() -> tuple:
        return nets.build(seed), nets.linear(seed, encoder_scale, decoder_scale)

    sheet, linear = _grader_float32(both)  # type: ignore[misc]
    return tuple({n: p.detach().numpy().astype(np.float64) for n, p in nets.named_parameters(*pair)} for pair in (sheet, linear))  # type: ignore[return-value]


@functools.lru_cache(maxsize=16)
def _expected_batches(seed: int, n: int) -> list[np.ndarray]:
    return [x.numpy() for x in _grader_float32(lambda: autoencoder.batches(seed, n))]  # type: ignore[union-attr]


def _autoencoder(obs: AutoencoderObservation, seed: int, spec: dict) -> str | None:
    model = spec.get("target") or "the model"
    options = spec.get("options", {})
    xs = _expected_batches(seed, int(options.get("batch", 512)))
    if len(obs.batches) != len(xs) or any(not _same_batch(got, want) for got, want in zip(obs.batches, xs)):
        return f"the batches were not the grader's — {_TAMPERED}"
    sheet, linear = _expected_params(seed, float(options.get("encoder_scale", 2.0)), float(options.get("decoder_scale", 1.5)))
    order = autoencoder.call_batches(int(options.get("calls", 3)))
    for run, params in ((obs.sheet, sheet), (obs.linear, linear)):
        if set(run.params) != set(params):
            return f"the parameters of g and f were reported as {sorted(run.params)[:4]}… — {_TAMPERED}"
        changed = [n for n, p in params.items() if not _same(run.params[n], p)]
        if changed:
            return (f"{model} changed the weights of g or f ({', '.join(changed[:3])} differ from the grader's) — "
                    "use g and f as given, without training, re-initialising or converting them")
        if any(call.batch >= len(xs) for call in run.calls):
            return f"a call on a batch the grader did not give was reported — {_TAMPERED}"
        for call in run.calls:
            if call.grads is not None and (set(call.grads) != set(params) or any(
                    gr is not None and gr.shape != params[n].shape for n, gr in call.grads.items())):
                return f"gradients were reported for other tensors than g's and f's parameters — {_TAMPERED}"
    if [c.batch for c in obs.linear.calls] != order[:len(obs.linear.calls)] or len(obs.sheet.calls) > 1:
        return f"the calls were reported in another order than the grader's — {_TAMPERED}"
    if obs.variance is not None and not np.array_equal(obs.variance.grid.array(), autoencoder.variance_grid().numpy()):
        return f"variance(h) was reported on a grid that is not the grader's — {_TAMPERED}"
    if obs.variance is not None and obs.variance.slope_at_h is not None and (
            not obs.variance.at_h or obs.variance.slope_at_h.shape != obs.variance.at_h[0].shape):
        return f"a slope of variance(h) was reported that is not shaped like variance(h) — {_TAMPERED}"  # the probe records it only then
    if obs.variance is not None and obs.variance.slope_spread is not None and (
            obs.variance.slope_at_h is None or obs.variance.slope_spread.shape != obs.variance.slope_at_h.shape):
        return f"a spread of the variance's slope was reported without a slope of its shape — {_TAMPERED}"
    return None


def _same_batch(got: TensorData, want: np.ndarray) -> bool:
    a = got.array()
    return a.shape == want.shape and np.array_equal(a.astype(np.float32), want)


def _same(got: TensorData, expected: np.ndarray) -> bool:
    a = got.array().astype(np.float64)
    return a.shape == expected.shape and bool(np.all(np.abs(a - expected) <= _PARAM_TOL * (1 + np.abs(expected))))


def _function(obs: FunctionObservation, seed: int, spec: dict) -> str | None:
    expected = function.call_sets(seed, spec.get("options", {}))
    if set(obs.calls) != set(expected) or any(len(obs.calls[k]) != len(v) for k, v in expected.items()):
        return f"the function was reported on other call sets than the grader's — {_TAMPERED}"
    for name, pairs in expected.items():
        for call, pair in zip(obs.calls[name], pairs):
            if len(call.args) != 2 or not all(_same_arg(got, want) for got, want in zip(call.args, pair)):
                return f"the function was reported on other arguments than the grader's ({name!r} calls) — {_TAMPERED}"
    return None


def _answers(obs: AnswersObservation, seed: int, spec: dict) -> str | None:
    """Module-level values take no grader input, so there is nothing to compare; only the names asked for count."""
    asked = set(spec.get("options", {}).get("names", []))
    extra = [k for k in obs.values if k.split("[", 1)[0] not in asked]
    return f"values of names the grader did not ask for were reported ({', '.join(sorted(extra)[:3])}) — {_TAMPERED}" if extra else None


def _same_arg(got: TensorData | float, want: object) -> bool:
    if isinstance(want, torch.Tensor):
        if not isinstance(got, TensorData):
            return False
        a = got.array()
        return a.shape == tuple(want.shape) and np.array_equal(a.astype(np.float32), want.numpy())
    return isinstance(got, float) and got == float(want)  # type: ignore[arg-type]


VERIFIERS: dict[type, Callable[..., str | None]] = {
    AutoencoderObservation: _autoencoder,
    FunctionObservation: _function,
    AnswersObservation: _answers,
    LayerStackObservation: verify_module.layer_stack,
    LogdetModuleObservation: verify_module.logdet_module,
}
