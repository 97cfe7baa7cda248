"""The layer-stack probe on layers whose parameters are views, and on flows that dispatch on their layers' class
or read a setting from them.

Run in this process on our own small layers (no student code): the own-layer gradients of a view are its part of
its base's gradient, and the grader's layers answer isinstance, and settings, as the layers they replace.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

import numpy as np

from autograder import assignment as assignments
from autograder.model import LayerStackObservation
from autograder.probes import module
from autograder.probes.expressions import ExpressionModule


class Separate(nn.Module):
    def __init__(self, dim: int):
        super().__init__()
        self.u, self.w, self.b = (nn.Parameter(torch.zeros(n)) for n in (dim, dim, 1))

    def u_hat(self) -> torch.Tensor:
        wu = self.w @ self.u
        return self.u + (F.softplus(wu) - 1 - wu) * self.w / (self.w @ self.w)

    def forward(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        t = torch.tanh(z @ self.w + self.b)
        uh = self.u_hat()
        return z + t[:, None] * uh, torch.log(torch.abs(1 + (1 - t ** 2) * (self.w @ uh)))


class Packed(Separate):
    """u, w, b as slices of one flat parameter; `detach_u` reads u from .data in u_hat (the mistake)."""
    detach_u = False

    def __init__(self, dim: int):
        nn.Module.__init__(self)
        self.dim = dim
        self.theta = nn.Parameter(torch.zeros(2 * dim + 1))

    u = property(lambda self: self.theta[: self.dim])
    w = property(lambda self: self.theta[self.dim: 2 * self.dim])
    b = property(lambda self: self.theta[2 * self.dim:])

    def u_hat(self) -> torch.Tensor:
        u = self.theta.data[: self.dim] if self.detach_u else self.u
        wu = self.w @ u
        return u + (F.softplus(wu) - 1 - wu) * self.w / (self.w @ self.w)


class PackedData(Packed):
    detach_u = True


def _flow(layer: type, dispatch: bool = False) -> type:
    class Flow(nn.Module):
        def __init__(self, dim: int, k: int):
            super().__init__()
            self.dim = dim
            self.layers = nn.ModuleList([layer(dim) for _ in range(k)])

        def forward(self, z0):
            x, lp = z0, -0.5 * (z0 ** 2).sum(1) - self.dim / 2 * torch.log(torch.tensor(2 * torch.pi))
            for m in self.layers:
                if dispatch and not isinstance(m, layer):
                    continue
                x, ld = m(x)
                lp = lp - ld
            return x, lp

        def sample(self, n):
            return self(torch.randn(n, self.dim))

    return Flow


def _observe(flow: type) -> LayerStackObservation:
    sheet = assignments.load("sheet04")
    spec = sheet.probe("flow").model_dump()
    torch.manual_seed(0)
    return LayerStackObservation.model_validate(module.stack_probe({"Flow": flow}, "Flow", sheet.seed, spec["options"], [], "<test>"))


def _own_grads(flow: type) -> dict[str, np.ndarray | None]:
    own = _observe(flow).own_sample
    assert own is not None and own.error is None and own.grads
    return {k: None if g is None else g.array() for k, g in own.grads.items()}


def test_own_gradients_of_view_parameters_are_their_part_of_the_base_gradient():
    separate, packed = _own_grads(_flow(Separate)), _own_grads(_flow(Packed))
    assert len(separate) == 12 and set(separate) == set(packed)
    for key, grad in separate.items():
        assert grad is not None and np.any(grad), key
        np.testing.assert_array_equal(packed[key], grad, err_msg=key)


def test_a_u_read_from_data_in_a_packed_layer_gets_no_gradient():
    grads = _own_grads(_flow(PackedData))
    assert all(grads[f"{k}.u"] is not None and not np.any(grads[f"{k}.u"]) for k in range(4))
    assert all(np.any(grads[f"{k}.w"]) and np.any(grads[f"{k}.b"]) for k in range(4))


def test_grader_layers_answer_isinstance_and_settings_as_the_layers_they_replace():
    own = Separate(2)
    own.dim, own.name, own.shape = 2, "planar", torch.Size([2])
    grader = module._standing_in(own)({"u": [2], "w": [2], "b": [1]}, {"y": "z", "log_det": "0 * z[:, 0]"}, ["y", "log_det"])
    assert isinstance(grader, Separate) and isinstance(grader, ExpressionModule)
    assert type(grader).__name__ == ExpressionModule.__name__
    assert (grader.dim, grader.name, grader.shape) == (2, "planar", torch.Size([2]))
    assert grader.u is not own.u  # its own parameters, not the layer's
    for lacking in ("u_hat_of_own", "forward_own"):  # methods and tensors are never borrowed
        setattr(own, lacking, own.u_hat if lacking == "u_hat_of_own" else torch.zeros(2))
        try:
            getattr(grader, lacking)
        except AttributeError as exc:
            assert f"'{ExpressionModule.__name__}'" in str(exc)
        else:
            raise AssertionError(f"{lacking} was read from the submission's layer")
    assert module._standing_in(None) is ExpressionModule
    plain, dispatching = _observe(_flow(Separate)), _observe(_flow(Separate, dispatch=True))
    assert plain.forward.error is None and dispatching.forward.error is None
    for mine, ref in zip(dispatching.forward.outputs, plain.forward.outputs):
        np.testing.assert_array_equal(mine.array(), ref.array())
