"""probes.module layer_stack on honest flows that need more than the contract's `forward(z)` of their layers, or that
run in float32: the grader's layers run the layer class's other methods on their own parameters, and a container
that raises in the probe's float64 is called once more in float32 (sheet 04's flow probe, float64 by default)."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.distributions import LowRankMultivariateNormal

from autograder import assignment as assignments
from autograder.checks import module as checks
from autograder.model import LayerStackObservation, ProbeRecord
from autograder.probes import module as probes

SPEC = {"u": [2], "w": [2], "b": [1]}
STEPS = {"y": "z + u * tanh(z @ w + b)[:, None]", "log_det": "0 * z[:, 0]"}


def _scale_by_2(a):
    return 2 * a


class Layer(nn.Module):
    """A layer with methods, a property, stateless helpers, and attributes that carry its own values."""

    kind = "planar"

    def __init__(self, dim):
        super().__init__()
        self.u, self.w, self.b = (nn.Parameter(torch.full((n,), 5.0)) for n in (dim, dim, 1))
        self.h = nn.Tanh()                      # no parameters: borrowed
        self.double_it = _scale_by_2            # a plain function: borrowed
        self.h_prime = lambda a: 1 - torch.tanh(a) ** 2   # no closure: borrowed
        self.scaled = lambda a: a * self.w      # closes over this layer (its w): not borrowed
        self.linear = nn.Linear(dim, 1)         # has parameters: not borrowed
        self.cached = torch.ones(3)             # a tensor: not borrowed
        self.own_u_hat = self.pre               # a method bound to this layer: not borrowed

    @property
    def weight(self):
        return self.w

    @staticmethod
    def square(a):
        return a ** 2

    def pre(self, z):
        return z @ self.w + self.b

    def transform(self, z):
        return z + self.h(self.pre(z))[:, None] * self.u


def _grader(own: nn.Module) -> nn.Module:
    grader = probes._standing_in(own)(SPEC, STEPS, ["y", "log_det"])
    with torch.no_grad():
        for name, value in (("u", [1.0, -2.0]), ("w", [0.5, 0.25]), ("b", [0.1])):
            getattr(grader, name).copy_(torch.tensor(value))
    return grader


def test_the_layer_class_methods_run_on_the_grader_layer_parameters():
    own = Layer(2)
    grader = _grader(own)
    z = torch.randn(5, 2)
    np.testing.assert_allclose(grader.pre(z).detach(), (z @ grader.w + grader.b).detach())
    np.testing.assert_allclose(grader.transform(z).detach(), grader(z)[0].detach(), rtol=1e-6)
    assert grader.weight is grader.w and grader.square(3) == 9 and grader.kind == "planar"
    assert grader.h is own.h and grader.double_it is _scale_by_2 and grader.h_prime is own.h_prime


def test_what_carries_the_layer_own_values_is_never_borrowed():
    grader = _grader(Layer(2))
    for name in ("scaled", "linear", "cached", "own_u_hat", "no_such_name"):
        with pytest.raises(AttributeError, match=f"'{type(grader).__name__}'"):  # never read from the submission's layer
            getattr(grader, name)


_BASES: dict[int, LowRankMultivariateNormal] = {}


def _standard_normal(dim: int) -> LowRankMultivariateNormal:
    if dim not in _BASES:
        _BASES[dim] = LowRankMultivariateNormal(torch.zeros(dim), torch.zeros(dim, 1), torch.ones(dim))
    return _BASES[dim]


class Planar(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u, self.w, self.b = (nn.Parameter(0.1 * torch.randn(n)) for n in (dim, dim, 1))

    def u_hat(self):
        wu = self.w @ self.u
        return self.u + (F.softplus(wu) - 1 - wu) * self.w / (self.w @ self.w)

    def forward(self, z):
        a = z @ self.w + self.b
        return z + torch.tanh(a)[:, None] * self.u_hat(), torch.log(torch.abs(1 + (1 - torch.tanh(a) ** 2) * (self.w @ self.u_hat())))


class Float32BaseFlow(nn.Module):
    """Right in float32: its base, made in float32 before the probe, refuses float64 inputs (LowRank's log_prob)."""

    def __init__(self, dim, K, broken=False):
        super().__init__()
        self.dim, self.broken = dim, broken
        self.layers = nn.ModuleList([Planar(dim) for _ in range(K)])

    def forward(self, z0):
        if self.broken:
            raise ValueError(f"broken in {z0.dtype}")
        log_q, z = _standard_normal(self.dim).log_prob(z0), z0
        for layer in self.layers:
            z, ld = layer(z)
            log_q = log_q - ld
        return z, log_q

    def sample(self, n):
        return self(torch.randn(n, self.dim))


def _observe(cls) -> LayerStackObservation:
    sheet = assignments.load("sheet04")
    raw = probes.stack_probe({"Flow": cls, "__name__": "sub"}, "Flow", sheet.seed, sheet.probe("flow").model_dump()["options"], [], "<t>")
    return LayerStackObservation.model_validate(raw)


def test_a_flow_that_raises_in_float64_is_judged_as_it_runs_in_float32():
    _standard_normal(2)  # made in float32, as a file's own shape check at import makes it
    obs = _observe(Float32BaseFlow)
    record = ProbeRecord(probe="flow", observation=obs)
    assert obs.forward.error is None and all(s.error is None for s in obs.samples)
    assert obs.own_sample is not None and obs.own_sample.error is None
    for result in (checks.stack_density(record, subject="Flow"), checks.samples_consistent(record, subject="Flow", n=256),
                   checks.gradients_reach_parameters(record, subject="Flow", n=256)):
        assert result.passed, result.message


def test_a_flow_that_raises_in_both_dtypes_reports_the_float64_error():
    obs = _observe(lambda dim, K: Float32BaseFlow(dim, K, broken=True))
    assert obs.forward.error is not None and "float64" in obs.forward.error.message
    assert all(s.error is not None and "float64" in s.error.message for s in obs.samples)


def test_the_base_batch_holds_float32_numbers():
    sheet = assignments.load("sheet04")
    z0, _ = probes.stack_inputs(sheet.seed, sheet.probe("flow").options)
    assert z0.dtype == torch.float64 and torch.equal(z0.float().double(), z0)
    assert abs(float(z0.mean())) < 0.2 and abs(float(z0.std()) - 1) < 0.1  # still N(0, 1) draws (256 x 2)
    assert math.isfinite(float(z0.sum()))


def test_the_own_layer_objects_run_the_grader_layer_methods_and_parameters():
    """A flow that reaches its layer objects through a Python list gets the grader's layer from their methods too."""
    own = [Layer(2), Layer(2)]
    holder = nn.Module()
    holder.layers = nn.ModuleList(own)
    grader = nn.ModuleList([_grader(own[0]), _grader(own[1])])
    probes._put_layers(holder, "layers", holder.layers, grader, [])
    z = torch.randn(4, 2)
    for mine, theirs in zip(own, grader):
        assert mine.w is theirs.w and mine.u is theirs.u and mine.b is theirs.b
        np.testing.assert_allclose(mine.transform(z).detach(), theirs(z)[0].detach(), rtol=1e-6)
        np.testing.assert_allclose(mine.pre(z).detach(), (z @ theirs.w + theirs.b).detach())
        assert mine.h is not None and theirs.h is mine.h  # the stateless module is still the layer's own
    assert list(holder.layers) == list(grader)


def test_a_compiled_layer_counts_as_the_layer_it_wraps():
    layer = Layer(2)
    assert probes._compiled_inner(torch.compile(layer)) is layer
    assert probes._compiled_inner(layer) is layer
