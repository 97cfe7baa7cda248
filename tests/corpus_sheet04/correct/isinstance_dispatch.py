# Style of flows that mix layer kinds and dispatch on the layer's class (as the VAE-with-flows
# posteriors in riannevdberg/sylvester-flows, models/VAE.py, pick a flow step by type): the Flow's
# forward loops over self.layers and calls a PlanarFlow as (z) -> (z, log_det), anything else as a
# plain map. Written for this corpus.
import math

import torch
import torch.nn.functional as F
from torch import nn


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(0.1 * torch.randn(dim))
        self.w = nn.Parameter(0.1 * torch.randn(dim))
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
        self.dim = dim
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    def forward(self, z0):
        x = z0
        log_p = -0.5 * (z0 ** 2).sum(1) - 0.5 * self.dim * math.log(2 * math.pi)
        for layer in self.layers:
            if isinstance(layer, PlanarFlow):
                x, ld = layer(x)
                log_p = log_p - ld
            else:
                x = layer(x)
        return x, log_p

    def sample(self, n):
        return self.forward(torch.randn(n, self.dim))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "m(a) = -1 + softplus(a) > -1, so w^T u_hat > -1", "q3a": "no: f has no closed-form inverse", "q3b": "VI needs samples and their densities"}

