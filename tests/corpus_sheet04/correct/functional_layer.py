# Functional style (as in JAX-inspired PyTorch code and the "flows from scratch" tutorials that
# write pure functions and keep modules thin): planar maths in module-level functions taking the
# parameters, the modules only hold them. Uses reduce over the layers.
import math
from functools import reduce

import torch
import torch.nn.functional as F
from torch import nn


def corrected_u(u, w):
    wu = torch.inner(w, u)
    return u + (F.softplus(wu) - 1.0 - wu) * w / torch.inner(w, w)


def planar(z, u, w, b):
    a = torch.tanh(z @ w + b)
    return z + a[:, None] * u, torch.log(torch.abs(1.0 + (1.0 - a * a) * torch.inner(w, u)))


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u, self.w = nn.Parameter(0.1 * torch.randn(dim)), nn.Parameter(0.1 * torch.randn(dim))
        self.b = nn.Parameter(torch.zeros(1))

    def u_hat(self):
        return corrected_u(self.u, self.w)

    def forward(self, z):
        return planar(z, self.u_hat(), self.w, self.b)


def _step(state, layer):
    z, logp = state
    z, ld = layer(z)
    return z, logp - ld


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList(PlanarFlow(dim) for _ in range(K))

    def forward(self, z0):
        logp0 = -0.5 * (z0 ** 2 + math.log(2 * math.pi)).sum(1)
        return reduce(_step, self.layers, (z0, logp0))

    def sample(self, n):
        return self(torch.normal(0.0, 1.0, size=(n, self.dim)))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "x", "q3a": "x", "q3b": "x"}
