# Style of planar layers that keep w and b inside an nn.Linear(dim, 1) (as the `weight`/`bias`
# planar layers of AurelienNioche/ProbHealth, inference/flows/flow_types/plannar.py, and many
# blog ports do), exposing the contract's names `w` (D,) and `b` (1,) as properties that are views
# of the Linear's parameters. Written for this corpus.
import math

import torch
import torch.nn.functional as F
from torch import nn


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.linear = nn.Linear(dim, 1)
        self.u = nn.Parameter(torch.empty(dim).uniform_(-0.01, 0.01))
        nn.init.uniform_(self.linear.weight, -0.01, 0.01)
        nn.init.zeros_(self.linear.bias)

    @property
    def w(self):
        return self.linear.weight.view(-1)

    @property
    def b(self):
        return self.linear.bias

    def u_hat(self):
        wu = self.w @ self.u
        return self.u + (F.softplus(wu) - 1 - wu) * self.w / (self.w @ self.w)

    def forward(self, z):
        u = self.u_hat()
        act = torch.tanh(self.linear(z))                   # (N, 1)
        psi = (1 - act ** 2) * self.w                       # (N, D)
        return z + act * u, torch.log(torch.abs(1 + psi @ u))


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    def forward(self, z0):
        log_p = -0.5 * (z0 ** 2).sum(-1) - 0.5 * self.dim * math.log(2 * math.pi)
        z = z0
        for layer in self.layers:
            z, ld = layer(z)
            log_p = log_p - ld
        return z, log_p

    def sample(self, n):
        return self(torch.randn(n, self.dim))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "w.u_hat = -1 + softplus(w.u) > -1", "q3a": "no closed-form inverse", "q3b": "VI"}
