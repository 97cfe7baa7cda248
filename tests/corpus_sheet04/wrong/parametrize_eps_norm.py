# Style of torch.nn.utils.parametrize as the PyTorch parametrizations tutorial uses it
# (pytorch/tutorials, intermediate_source/parametrizations.py): the invertibility fix is a
# parametrization registered on u, so that `layer.u` IS u_hat and the raw vector lives in
# layer.parametrizations.u.original; u_hat() returns self.u. ONE mistake: the map divides by
# ||w||^2 + 1e-10 (the eps of wrong/fix_eps_1e10_norm), so w^T u_hat = m - (m - w^T u) 1e-10 / (||w||^2 + 1e-10)
# falls below -1 for w^T u <= -25 with ||w|| = 1 (-1 - 2.4e-9).
import math

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils import parametrize


class InvertibleU(nn.Module):
    """u -> u_hat with w^T u_hat = -1 + softplus(w^T u) > -1; w is read from the layer that owns it."""

    def __init__(self, layer):
        super().__init__()
        self._layer = [layer]  # a list: not a submodule, so no recursion in .modules()

    def forward(self, u):
        w = self._layer[0].w
        wu = torch.inner(w, u)
        return u + (F.softplus(wu) - 1 - wu) * w / (torch.inner(w, w) + 1e-10)


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(torch.randn(dim) * 0.1)
        self.w = nn.Parameter(torch.randn(dim) * 0.1)
        self.b = nn.Parameter(torch.zeros(1))
        parametrize.register_parametrization(self, "u", InvertibleU(self))

    def u_hat(self):
        return self.u

    def forward(self, z):
        u_hat = self.u
        a = torch.linalg.vecdot(z, self.w.expand_as(z)) + self.b
        y = z + u_hat * torch.tanh(a).unsqueeze(-1)
        psi_u = (1 - torch.tanh(a) ** 2) * torch.inner(self.w, u_hat)
        return y, torch.log(torch.abs(1 + psi_u))


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    def forward(self, z0):
        log_prob = -0.5 * (z0 ** 2).sum(-1) - 0.5 * self.dim * math.log(2 * math.pi)
        z = z0
        for layer in self.layers:
            z, ld = layer(z)
            log_prob = log_prob - ld
        return z, log_prob

    def sample(self, n):
        return self(torch.randn(n, self.dim))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "w.u_hat = -1 + softplus(w.u) > -1 for every u, w",
                  "q3a": "the inverse of a planar layer has no closed form",
                  "q3b": "VI needs log q only at its own samples"}
