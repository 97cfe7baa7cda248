"""Observations of the `logdet_module` and `layer_stack` probes (see `autograder.probes.module`).

`autograder.model` adds them to its `Observation` union; import them from there (this module needs
`autograder.model`'s base types, so it is loaded by it).
"""
from __future__ import annotations

from typing import Literal

from autograder.model import Frozen, ProbeError
from autograder.tensors import TensorData


class ParameterSetCall(Frozen):
    """The module with one grader parameter set: forward(z), its methods, log |det J| by autograd."""

    name: str
    params: dict[str, TensorData]  # read back from the module after the grader set them
    outputs: list[TensorData] | None = None
    error: ProbeError | None = None
    methods: dict[str, TensorData] = {}
    method_errors: dict[str, ProbeError] = {}
    jacobian_logabsdet: TensorData | None = None  # first rows of z
    jacobian_error: ProbeError | None = None


class LogdetModuleObservation(Frozen):
    kind: Literal["logdet_module"] = "logdet_module"
    formulas: dict[str, str]  # the rubric's steps, echoed (verified equal to the probe's options)
    outputs: list[str]  # the step each returned tensor is compared with
    z: TensorData
    sets: list[ParameterSetCall]


class HeldChildren(Frozen):
    """What the student's container held in its children attribute before the grader replaced it."""

    type_name: str
    count: int | None = None
    children: list[str] = []
    distinct: int | None = None  # how many different module objects (`[layer] * K` holds one); None in older observations


class StackCall(Frozen):
    """forward(z0) or sample(n): the two returned tensors, or the error; gradients for the first sample."""

    outputs: list[TensorData] | None = None
    error: ProbeError | None = None
    grads: dict[str, TensorData | None] | None = None  # of sum(x)
    grads_log_prob: dict[str, TensorData | None] | None = None  # of sum(log p)
    grad_error: ProbeError | None = None


class LayerStackObservation(Frozen):
    kind: Literal["layer_stack"] = "layer_stack"
    formulas: dict[str, str]  # the grader layers' steps, echoed (verified equal to the probe's options)
    inverse: dict[str, str] = {}  # steps recovering z from y = layer(z)
    outputs: list[str]
    z: TensorData
    held: HeldChildren
    params: dict[str, TensorData]  # "<layer>.<name>" of the grader's layers
    forward: StackCall
    samples: list[StackCall]
    # sample(n) through the submission's own layers (each given the grader's parameter set of its place), before the
    # grader's replace them: the gradients on their parameters only (None: not a ModuleList of the grader's count)
    own_sample: StackCall | None = None
