"""Parent side: `logdet_module` and `layer_stack` observations count only on the grader's own inputs.

The batch, every parameter set (or the grader layers' parameters) are rebuilt from the seed and
compared with what the child reported; `verify.VERIFIERS` dispatches here.
"""
from __future__ import annotations

import numpy as np
import torch

from autograder.model import LayerStackObservation, LogdetModuleObservation
from autograder.probes import module
from autograder.tensors import TensorData

_TAMPERED = "the submission replaced the grader's probe or its tools"
_TOL = 1e-6


def _same(got: TensorData, want: torch.Tensor, exact: bool = False) -> bool:
    a, b = got.array().astype(np.float64), want.detach().numpy().astype(np.float64)
    if a.shape != b.shape:
        return False
    return bool(np.array_equal(a, b)) if exact else bool(np.all(np.abs(a - b) <= _TOL * (1 + np.abs(b))))


def _formulas(obs: LogdetModuleObservation | LayerStackObservation, options: dict) -> str | None:
    steps = list(obs.formulas.items()) == list(options.get("layer", {}).items()) and obs.outputs == options.get("outputs")
    inverse = not isinstance(obs, LayerStackObservation) or list(obs.inverse.items()) == list(options.get("inverse", {}).items())
    return None if steps and inverse else f"the formulas reported are not the rubric's — {_TAMPERED}"


def logdet_module(obs: LogdetModuleObservation, seed: int, spec: dict) -> str | None:
    """None when the formulas, the batch and every parameter set are the grader's."""
    if (bad := _formulas(obs, spec.get("options", {}))) is not None:
        return bad
    z, sets = module.module_inputs(seed, spec.get("options", {}))
    if not _same(obs.z, z, exact=True):
        return f"the batch z was not the grader's — {_TAMPERED}"
    if [c.name for c in obs.sets] != [name for name, _ in sets]:
        return f"other parameter sets than the grader's were reported — {_TAMPERED}"
    for call, (name, values) in zip(obs.sets, sets):
        if set(call.params) != set(values) or not all(_same(call.params[n], v) for n, v in values.items()):
            return (f"{spec.get('target')}'s parameters were not the values the grader set ({name}) — "
                    "keep the parameters as registered nn.Parameters of the contract's shapes")
    return None


def layer_stack(obs: LayerStackObservation, seed: int, spec: dict) -> str | None:
    """None when the formulas, the base batch and the grader layers' parameters are the grader's."""
    if (bad := _formulas(obs, spec.get("options", {}))) is not None:
        return bad
    z0, layers = module.stack_inputs(seed, spec.get("options", {}))
    if not _same(obs.z, z0, exact=True):
        return f"the base batch z0 was not the grader's — {_TAMPERED}"
    want = {f"{k}.{n}": v for k, values in enumerate(layers) for n, v in values.items()}
    if set(obs.params) != set(want) or not all(_same(obs.params[k], v) for k, v in want.items()):
        return f"the grader's layers were reported with other parameters — {_TAMPERED}"
    calls = [*obs.samples, *([obs.own_sample] if obs.own_sample is not None else [])]
    for grads in [g for call in calls for g in (call.grads, call.grads_log_prob)]:
        if grads is not None and (set(grads) != set(want) or any(
                g is not None and tuple(g.shape) != tuple(want[k].shape) for k, g in grads.items())):
            return f"gradients were reported for other tensors than the layers' parameters — {_TAMPERED}"
    return None
