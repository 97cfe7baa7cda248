# Mistake: answers as words and a string bool.
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
        return self.u + (-1 + F.softplus(wu) - wu) * self.w / (self.w @ self.w)

    def forward(self, z):
        u = self.u_hat()
        a = z @ self.w + self.b
        x = z + u * torch.tanh(a)[:, None]
        psi = (1 - torch.tanh(a) ** 2)[:, None] * self.w
        log_det = torch.log(torch.abs(1 + psi @ u))
        return x, log_det


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    def forward(self, z0):
        log_prob = -0.5 * (z0 ** 2).sum(dim=1) - 0.5 * self.dim * math.log(2 * math.pi)
        z = z0
        for layer in self.layers:
            z, log_det = layer(z)
            log_prob = log_prob - log_det
        return z, log_prob

    def sample(self, n):
        z0 = torch.randn(n, self.dim)
        return self.forward(z0)


CLOSED_FORM_DENSITY = "No"
PLANAR_FLOW_USE = "VI"
LOGDET_COST = {"planar": "linear", "general_linear": "cubic"}
JUSTIFICATIONS = {"q1b": "w^T u_hat = m(w^T u) > -1", "q3a": "no closed-form inverse", "q3b": "VI needs only samples"}
