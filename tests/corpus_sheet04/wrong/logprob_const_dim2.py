# Style of the 2-D planar-flow tutorials that write the standard normal's log-density for the
# plane (e.g. the "Normalizing flows in PyTorch" notebooks on 2-D toy targets, -0.5 |z|^2 - log 2 pi):
# everything right but the base density's constant, which is the one of D = 2 whatever self.dim is.
import math

import torch
import torch.nn.functional as F
from torch import nn


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(torch.randn(dim) * 0.01)
        self.w = nn.Parameter(torch.randn(dim) * 0.01)
        self.b = nn.Parameter(torch.zeros(1))

    def u_hat(self):
        wu = self.w @ self.u
        return self.u + (-1 + F.softplus(wu) - wu) * self.w / (self.w @ self.w)

    def forward(self, z):
        u_hat = self.u_hat()
        a = z @ self.w + self.b
        y = z + torch.tanh(a)[:, None] * u_hat
        log_det = torch.log(torch.abs(1 + (1 - torch.tanh(a) ** 2) * (self.w @ u_hat)))
        return y, log_det


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    def forward(self, z0):
        log_prob = -0.5 * (z0 ** 2).sum(dim=1) - math.log(2 * math.pi)
        z = z0
        for layer in self.layers:
            z, log_det = layer(z)
            log_prob = log_prob - log_det
        return z, log_prob

    def sample(self, n):
        return self.forward(torch.randn(n, self.dim))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "m(x) = -1 + softplus(x) > -1",
                  "q3a": "f has no closed-form inverse",
                  "q3b": "VI evaluates log q at its own samples only"}
