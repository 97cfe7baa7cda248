# torch 2.x style: the layer's maths in a function compiled with torch.compile (as PyTorch 2 tutorials
# suggest for small hot functions). Written for this corpus.
import math

import torch
import torch.nn.functional as F
from torch import nn


@torch.compile
def planar_step(z, u_hat, w, b):
    a = z @ w + b
    t = torch.tanh(a)
    y = z + t[:, None] * u_hat
    log_det = torch.log(torch.abs(1 + (1 - t ** 2) * (w @ u_hat)))
    return y, log_det


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
        return planar_step(z, self.u_hat(), self.w, self.b)


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    def forward(self, z0):
        log_prob = -0.5 * (z0 ** 2).sum(-1) - 0.5 * self.dim * math.log(2 * math.pi)
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
JUSTIFICATIONS = {"q1b": "w^T u_hat = -1 + softplus(w^T u) > -1",
                  "q3a": "no closed-form inverse of a planar layer",
                  "q3b": "VI needs only samples and their own log-densities"}
