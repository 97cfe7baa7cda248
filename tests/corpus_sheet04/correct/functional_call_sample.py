# Style of a JAX-to-torch port (the pure-function `apply(params, x)` habit of flax/haiku flows, e.g.
# the planar flows of google/flax examples ported by hand): the Flow runs its layers as functions of
# their parameters with torch.func.functional_call, over params = dict(layer.named_parameters()).
# Written for this corpus.
import math

import torch
import torch.nn.functional as F
from torch import nn
from torch.func import functional_call


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(torch.randn(dim) * 0.05)
        self.w = nn.Parameter(torch.randn(dim) * 0.05)
        self.b = nn.Parameter(torch.zeros(()))

    def u_hat(self):
        wu = self.w @ self.u
        return self.u + (F.softplus(wu) - 1.0 - wu) * self.w / (self.w @ self.w)

    def forward(self, z):
        uh = self.u_hat()
        a = z @ self.w + self.b
        t = torch.tanh(a)
        return z + t[:, None] * uh, torch.log(torch.abs(1.0 + (1.0 - t * t) * (self.w @ uh)))


def _apply(layer, params, z):
    return functional_call(layer, params, (z,))


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList(PlanarFlow(dim) for _ in range(K))

    def params(self):
        return [dict(layer.named_parameters()) for layer in self.layers]

    def forward(self, z0):
        x = z0
        log_q = -0.5 * (z0 * z0).sum(1) - 0.5 * self.dim * math.log(2.0 * math.pi)
        for layer, p in zip(self.layers, self.params()):
            x, ld = _apply(layer, p, x)
            log_q = log_q - ld
        return x, log_q

    def sample(self, n):
        return self.forward(torch.randn(n, self.dim))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "m(a) = -1 + softplus(a) > -1, so w^T u_hat > -1", "q3a": "no: f has no closed-form inverse", "q3b": "VI needs samples and their densities"}

