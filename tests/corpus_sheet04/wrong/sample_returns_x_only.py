# Style of torch.distributions / pyro sampling (TransformedDistribution.rsample returns the samples alone;
# pyro-ppl/pyro, pyro/distributions/transforms/planar.py with dist.TransformedDistribution): sample(n)
# returns x only, while the contract asks for (x, log_prob). Everything else is right. Written for this corpus.
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
        wu = torch.dot(self.w, self.u)
        return self.u + (F.softplus(wu) - 1 - wu) * self.w / torch.dot(self.w, self.w)

    def forward(self, z):
        u = self.u_hat()
        a = z @ self.w + self.b
        return z + torch.tanh(a)[:, None] * u, torch.log(torch.abs(1 + (1 - torch.tanh(a) ** 2) * torch.dot(self.w, u)))


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    def forward(self, z0):
        log_q = -0.5 * (z0 ** 2).sum(-1) - 0.5 * self.dim * math.log(2 * math.pi)
        z = z0
        for layer in self.layers:
            z, ld = layer(z)
            log_q = log_q - ld
        return z, log_q

    def sample(self, n):
        x, _ = self.forward(torch.randn(n, self.dim))
        return x


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "m(a) = softplus(a) - 1 > -1", "q3a": "f^-1 has no closed form", "q3b": "VI"}
