# Style of pyro's Transform API (pyro-ppl/pyro, pyro/distributions/transforms/planar.py: log_abs_det_jacobian(x, y)
# gets both the input and the output): the mistake is to evaluate psi at the output y = f(z) instead of at
# the input z. Everything else is right. Written for this corpus.
import math

import torch
import torch.nn.functional as F
from torch import nn


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(torch.randn(dim) * 0.05)
        self.w = nn.Parameter(torch.randn(dim) * 0.05)
        self.b = nn.Parameter(torch.zeros(1))

    def u_hat(self):
        alpha = self.u @ self.w
        return self.u + (F.softplus(alpha) - 1 - alpha) * self.w / (self.w ** 2).sum()

    def _call(self, x):
        return x + self.u_hat() * torch.tanh(x @ self.w + self.b)[:, None]

    def log_abs_det_jacobian(self, x, y):
        act = torch.tanh(y @ self.w + self.b)  # should be x: psi is evaluated at the layer's input
        psi = (1 - act ** 2)[:, None] * self.w
        return torch.log(torch.abs(1 + psi @ self.u_hat()))

    def forward(self, z):
        y = self._call(z)
        return y, self.log_abs_det_jacobian(z, y)


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    def forward(self, z0):
        log_prob = -0.5 * (z0 ** 2).sum(-1) - 0.5 * self.dim * math.log(2 * math.pi)
        z = z0
        for layer in self.layers:
            z, ldj = layer(z)
            log_prob = log_prob - ldj
        return z, log_prob

    def sample(self, n):
        return self(torch.randn(n, self.dim))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "w.u_hat = -1 + softplus(w.u) > -1", "q3a": "no analytic inverse", "q3b": "VI"}
