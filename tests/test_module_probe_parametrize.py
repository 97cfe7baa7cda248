"""probes.module on layers whose parameters torch.nn.utils.parametrize maps, and on the grader's layers standing in
for torch.distributions Transforms (sheet 04's honest styles: correct/parametrize_u_hat, weight_norm_w,
pyro_order_transformed_dist, stored_transformed_dist)."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.distributions import Independent, Normal, TransformedDistribution, constraints
from torch.distributions.transforms import Transform
from torch.nn.utils import parametrize
from torch.nn.utils.parametrizations import weight_norm

from autograder.probes import module as probes

SPEC = {"u": [2], "w": [2], "b": [1]}
STEPS = {"y": "z + u * tanh(z @ w + b)[:, None]", "log_det": "log(abs(1 + (1 - tanh(z @ w + b) ** 2) * (w @ u)))"}


class _Doubled(nn.Module):
    def forward(self, u):
        return 2 * u


class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.u, self.w, self.b = (nn.Parameter(torch.full((n,), 0.5)) for n in (2, 2, 1))


def test_a_parametrized_name_is_set_through_its_original():
    layer = Layer()
    parametrize.register_parametrization(layer, "u", _Doubled())  # no right_inverse: layer.u is 2 * original
    probes._set(layer, {"u": torch.tensor([1.0, -3.0])}, "Layer")
    torch.testing.assert_close(layer.parametrizations.u.original.detach(), torch.tensor([1.0, -3.0]))
    torch.testing.assert_close(layer.u.detach(), torch.tensor([2.0, -6.0]))
    assert probes._holder(layer, "u") is layer.parametrizations.u.original


def test_a_name_with_several_originals_is_set_by_assignment():
    layer = Layer()
    weight_norm(layer, "w", dim=None)  # original0 = g, original1 = v: no single original
    read = probes._set(layer, {"w": torch.tensor([3.0, -4.0])}, "Layer")
    torch.testing.assert_close(layer.w.detach(), torch.tensor([3.0, -4.0]))
    assert probes._holder(layer, "w") is None and set(read) == {"w"}


class TransformLayer(Transform, nn.Module):
    domain = constraints.real_vector
    codomain = constraints.real_vector
    bijective = True
    __hash__ = nn.Module.__hash__

    def __init__(self):
        Transform.__init__(self, cache_size=1)
        nn.Module.__init__(self)
        self.u, self.w, self.b = (nn.Parameter(torch.full((n,), 0.5)) for n in (2, 2, 1))

    def _call(self, z):
        return z + self.u * torch.tanh(z @ self.w + self.b)[:, None]

    def log_abs_det_jacobian(self, z, y):
        return torch.log(torch.abs(1 + (1 - torch.tanh(z @ self.w + self.b) ** 2) * (self.w @ self.u)))

    def forward(self, z):
        return self._call(z), self.log_abs_det_jacobian(z, None)


def _graders(own: list[nn.Module], built: list[dict | None]) -> nn.ModuleList:
    values = [{"u": torch.tensor([1.0, -0.5]), "w": torch.tensor([0.3, 0.8]), "b": torch.tensor([0.1])}] * len(own)
    return probes._grader_layers({"parameters": SPEC, "layer": STEPS, "outputs": ["y", "log_det"]}, values, own, built)


def test_grader_layers_answer_the_transform_api_as_the_class_does():
    own = [TransformLayer() for _ in range(2)]
    built = [probes._attributes(layer) for layer in own]
    own[0](torch.randn(3, 2))  # its own run fills its cache with its tensors: not what the grader's layer starts from
    graders = _graders(own, built)
    q = TransformedDistribution(Independent(Normal(torch.zeros(2), torch.ones(2)), 1), list(graders))
    torch.manual_seed(0)
    x = q.rsample((5,))
    torch.manual_seed(0)
    z = z0 = q.base_dist.rsample((5,))  # the same draw
    expected = q.base_dist.log_prob(z0)
    for g in graders:
        z, ld = g.forward(z)
        expected = expected - ld
    torch.testing.assert_close(x, z)
    torch.testing.assert_close(q.log_prob(x), expected)  # z0 from each layer's cache, on the grader's layer
    assert graders[0].domain is TransformLayer.domain


def test_own_layer_objects_keep_a_library_base_methods():
    own = [TransformLayer()]
    graders = _graders(own, [probes._attributes(own[0])])
    probes._put_layers(nn.Module(), "layers", own, graders, [])
    assert vars(own[0])["_call"].__self__ is graders[0]  # the submission's method: the grader's layer
    assert "_inv_call" not in vars(own[0])  # Transform's own: runs on the object's cache
    y = own[0](torch.randn(4, 2))
    assert own[0].inv(y) is own[0]._cached_x_y[0]


def test_a_parametrized_layer_class_keeps_its_methods_rebound():
    class Mapped(Layer):
        def pre(self, z):
            return z @ self.w + self.b

    own = Mapped()
    parametrize.register_parametrization(own, "u", _Doubled())  # its class is now torch's ParametrizedMapped
    assert probes._home(type(own)) == Mapped.__module__
    assert "pre" in probes._class_functions(type(own))
