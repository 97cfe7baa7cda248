"""checks.module says what the grader's own layer is when a container's code fails on it (the verdict
is unchanged: a container that needs more of its layers than the contract names loses those tests)."""
from __future__ import annotations

import math

import torch
from torch import nn

from autograder import assignment as assignments
from autograder.checks import module as checks
from autograder.model import LayerStackObservation, ProbeRecord
from autograder.probes import module as probes


class Flow(nn.Module):
    """Right with layers that have a log_abs_det_jacobian method; the grader's layers have none."""

    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList([nn.Identity() for _ in range(K)])

    def forward(self, z0):
        log_p = -0.5 * (z0 ** 2).sum(1) - 0.5 * self.dim * math.log(2 * math.pi)
        for layer in self.layers:
            log_p = log_p - layer.log_abs_det_jacobian(z0)
            z0 = layer(z0)[0]
        return z0, log_p

    def sample(self, n):
        return self(torch.randn(n, self.dim))


def test_an_error_on_the_graders_layer_is_explained():
    sheet = assignments.load("sheet04")
    spec = sheet.probe("flow").model_dump()
    raw = probes.stack_probe({"Flow": Flow}, "Flow", sheet.seed, spec["options"], [], "<test>")
    record = ProbeRecord(probe="flow", observation=LayerStackObservation.model_validate(raw))
    for result in (checks.stack_density(record, subject="Flow"),
                   checks.samples_consistent(record, subject="Flow", n=256),
                   checks.gradients_reach_parameters(record, subject="Flow", n=256)):
        assert not result.passed
        assert "log_abs_det_jacobian" in result.message and "the grader's own layer" in result.message
