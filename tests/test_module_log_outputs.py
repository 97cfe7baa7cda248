"""checks.module judges a log-valued output (log |det|) also in the scale of the quantity itself: an eps
guard such as log(|det| + 1e-7) is right, a visible offset or a -inf for a non-zero det is not.

The layers below are our own variants of the reference planar layer, probed in-process on the sheet's
real parameter sets (including w^T u = -20, where |det| comes within 1e-8 of 0)."""
from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from autograder import assignment as assignments
from autograder.checks import module as checks
from autograder.model import LogdetModuleObservation, ProbeRecord
from autograder.probes import module as probes


def _layer(log_of_det):
    """A right planar layer whose log-determinant is `log_of_det(|1 + u_hat^T psi|)`."""
    class PlanarFlow(nn.Module):
        def __init__(self, dim):
            super().__init__()
            self.u, self.w, self.b = (nn.Parameter(torch.zeros(n)) for n in (dim, dim, 1))

        def u_hat(self):
            wu = self.w @ self.u
            return self.u + (F.softplus(wu) - 1 - wu) * self.w / (self.w @ self.w)

        def forward(self, z):
            u = self.u_hat()
            a = z @ self.w + self.b
            det = torch.abs(1 + (1 - torch.tanh(a) ** 2) * (self.w @ u))
            return z + u * torch.tanh(a)[:, None], log_of_det(det)

    return PlanarFlow


@pytest.fixture(scope="module")
def sheet04() -> assignments.Assignment:
    return assignments.load("sheet04")


def _verdicts(sheet04, log_of_det) -> dict[str, object]:
    spec = sheet04.probe("layer").model_dump()
    raw = probes.logdet_probe({"PlanarFlow": _layer(log_of_det)}, "PlanarFlow", sheet04.seed, spec["options"], [], "<test>")
    record = ProbeRecord(probe="layer", observation=LogdetModuleObservation.model_validate(raw))
    out = {}
    for test in sheet04.tests:
        if test.key in ("q1a.log_det", "q1a.jacobian", "q1b.fix_in_forward"):
            fn = checks.module_matches if test.check == "module_matches" else checks.logdet_matches_jacobian
            out[test.key] = fn(record, **test.args)
    return out


@pytest.mark.parametrize("eps", [0.0, 1e-8, 1e-7, 1e-6])
def test_an_eps_guard_below_the_tolerance_is_right(sheet04, eps):
    verdicts = _verdicts(sheet04, lambda det: torch.log(det + eps))
    assert all(r.passed for r in verdicts.values()), {k: r.message for k, r in verdicts.items()}


def test_a_visible_offset_is_still_wrong(sheet04):
    verdicts = _verdicts(sheet04, lambda det: torch.log(det + 1e-3))
    assert not any(r.passed for r in verdicts.values())


def test_minus_infinity_for_a_small_nonzero_det_is_wrong(sheet04):
    """log(0) where |det| < 1e-3 (as when 1 + u^T psi rounds to 0): within 1e-6 in the det, but not finite."""
    verdicts = _verdicts(sheet04, lambda det: torch.where(det < 1e-3, torch.tensor(-torch.inf, dtype=det.dtype), torch.log(det)))
    assert not verdicts["q1a.log_det"].passed and "w^T u = -20" in verdicts["q1a.log_det"].message


def test_a_named_mistake_keeps_its_cause(sheet04):
    verdicts = _verdicts(sheet04, lambda det: -torch.log(det))
    assert not verdicts["q1a.log_det"].passed and "sign of log |det| is flipped" in verdicts["q1a.log_det"].message
