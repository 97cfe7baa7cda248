# Mistake: m(a) = -1 + relu(a) in place of -1 + softplus(a): for w^T u <= 0 it gives
# w^T u_hat = -1 exactly, not > -1 (det df/dz = tanh^2(w^T z + b) vanishes on the hyperplane
# w^T z + b = 0). Everything else is right.
# Style of the positive-function options of a PlanarFlowParams module the code search finds
# (`positive_func` in ("relu", "exp", "softplus")), where the relu branch is not kept strictly
# above -1. Written for this corpus.
import math

import torch
import torch.nn.functional as F
from torch import nn


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(torch.randn(dim) / dim)
        self.w = nn.Parameter(torch.randn(dim) / dim)
        self.b = nn.Parameter(torch.randn(1) * 0.1)

    def u_hat(self):
        v = torch.dot(self.w, self.u)
        m = -1 + F.relu(v)
        return self.u + (m - v) * self.w / torch.dot(self.w, self.w)

    def forward(self, z):
        u = self.u_hat()
        a = z @ self.w + self.b
        y = z + torch.tanh(a).unsqueeze(-1) * u
        psi = (1 - torch.tanh(a) ** 2).unsqueeze(-1) * self.w
        return y, torch.log(torch.abs(1 + psi @ u))


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    def forward(self, z0):
        log_p = -0.5 * (z0 ** 2).sum(1) - 0.5 * self.dim * math.log(2 * math.pi)
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
JUSTIFICATIONS = {"q1b": "w^T u_hat = -1 + relu(w^T u) >= -1", "q3a": "no", "q3b": "VI"}
