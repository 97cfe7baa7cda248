# Mistake: the layers kept in an nn.Sequential built with add_module (the contract asks for an
# nn.ModuleList in self.layers); everything else is right.
# Style of the SimplePlanarNF model of a "bijective_transforms" normalizing-flow project found by
# the code search (`self.layers = nn.Sequential()` then `self.layers.add_module(f'Module_{k}',
# TanhPlanarFlow(data_dim))`, iterated with `for layer in self.layers`). Written for this corpus.
import math

import torch
import torch.nn.functional as F
from torch import nn


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(torch.randn(dim) * 0.1)
        self.w = nn.Parameter(torch.randn(dim) * 0.1)
        self.b = nn.Parameter(torch.zeros(1))

    def u_hat(self):
        wtu = (self.w * self.u).sum()
        return self.u + (F.softplus(wtu) - 1 - wtu) * self.w / (self.w ** 2).sum()

    def forward(self, z):
        u = self.u_hat()
        a = torch.tanh(z @ self.w + self.b)
        log_jacobian = torch.log(torch.abs(1 + (1 - a ** 2) * (self.w @ u)))
        return z + a.unsqueeze(1) * u, log_jacobian


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.Sequential()
        for k in range(K):
            self.layers.add_module(f"Module_{k}", PlanarFlow(dim))

    def forward(self, z0):
        log_jacobians = 0
        z = z0
        for layer in self.layers:
            z, log_jacobian = layer(z)
            log_jacobians = log_jacobians + log_jacobian
        log_base = -0.5 * (z0 ** 2).sum(1) - 0.5 * self.dim * math.log(2 * math.pi)
        return z, log_base - log_jacobians

    def sample(self, n):
        return self(torch.randn(n, self.dim))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "w^T u_hat = softplus(w^T u) - 1 > -1",
                  "q3a": "no closed-form inverse",
                  "q3b": "variational inference"}
