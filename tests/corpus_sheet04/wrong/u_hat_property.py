# Mistake: u_hat is a @property, not the method u_hat() of the contract (so `layer.u_hat()` calls a
# tensor); everything else is right. Style of pyro's Planar transform
# (pyro-ppl/pyro, pyro/distributions/transforms/planar.py), where such derived quantities are
# computed on access. Written for this corpus.
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

    @property
    def u_hat(self):
        alpha = self.w @ self.u
        return self.u + (-1 + F.softplus(alpha) - alpha) * self.w / (self.w @ self.w)

    def forward(self, z):
        u = self.u_hat
        act = torch.tanh(z @ self.w + self.b)
        psi = (1 - act ** 2)[:, None] * self.w
        return z + u * act[:, None], torch.log(torch.abs(1 + psi @ u))


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
            log_prob = log_prob - ld
        return z, log_prob

    def sample(self, n):
        return self(torch.randn(n, self.dim))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "w.u_hat = m(w.u) > -1", "q3a": "no closed-form inverse", "q3b": "VI"}
