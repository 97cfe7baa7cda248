# Style of flows that read the event size from their first layer instead of keeping it themselves (pyro's
# Planar keeps `input_dim`; normflows' layers keep `shape`): here PlanarFlow stores self.dim and
# Flow.sample draws torch.randn(n, self.layers[0].dim). Written for this corpus.
import math

import torch
import torch.nn.functional as F
from torch import nn


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.dim = dim
        self.u = nn.Parameter(torch.randn(dim) * 0.1)
        self.w = nn.Parameter(torch.randn(dim) * 0.1)
        self.b = nn.Parameter(torch.zeros(1))

    def u_hat(self):
        wu = self.w @ self.u
        return self.u + (F.softplus(wu) - 1 - wu) * self.w / (self.w @ self.w)

    def forward(self, z):
        uh = self.u_hat()
        t = torch.tanh(z @ self.w + self.b)
        return z + t[:, None] * uh, torch.log(torch.abs(1 + (1 - t ** 2) * (self.w @ uh)))


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    def forward(self, z0):
        d = self.layers[0].dim
        log_p = -0.5 * (z0 ** 2).sum(-1) - 0.5 * d * math.log(2 * math.pi)
        x = z0
        for layer in self.layers:
            x, ld = layer(x)
            log_p = log_p - ld
        return x, log_p

    def sample(self, n):
        return self(torch.randn(n, self.layers[0].dim))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "m(a) = -1 + softplus(a) > -1, so w^T u_hat > -1", "q3a": "no: f has no closed-form inverse", "q3b": "VI needs samples and their densities"}
