# Mistake: log_det of shape (N, 1) (psi @ u_hat[:, None]), not one value per row of shape (N,);
# the student's own Flow squeezes it, so only the layer's contract is broken.
# Style of the column-vector planar layers in VI blog notebooks (e.g. the `psi @ self.u.t()` layers
# of AurelienNioche/ProbHealth inference/flows/flow_types/plannar.py). Written for this corpus.
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
        wu = self.w @ self.u
        return self.u + (F.softplus(wu) - 1 - wu) * self.w / (self.w @ self.w)

    def forward(self, z):
        u = self.u_hat()
        act = torch.tanh(z @ self.w[:, None] + self.b)          # (N, 1)
        x = z + act * u
        psi = (1 - act ** 2) * self.w                            # (N, D)
        log_det = torch.log(torch.abs(1 + psi @ u[:, None]))     # (N, 1)
        return x, log_det


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    def forward(self, z0):
        log_prob = -0.5 * (z0 ** 2).sum(1) - 0.5 * self.dim * math.log(2 * math.pi)
        z = z0
        for layer in self.layers:
            z, ld = layer(z)
            log_prob = log_prob - ld.reshape(-1)
        return z, log_prob

    def sample(self, n):
        return self(torch.randn(n, self.dim))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "w.u_hat = m(w.u) > -1", "q3a": "no inverse in closed form", "q3b": "VI"}
