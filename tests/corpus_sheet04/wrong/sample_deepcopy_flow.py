# ONE mistake: sample() runs a deep copy of the flow (copy.deepcopy(self).eval(), the habit of EMA /
# target-network code, e.g. the `ema_model = copy.deepcopy(model)` of huggingface/diffusers training
# scripts, used here "so that sampling does not disturb training"): x and log p are right, but their
# gradients reach the copy's parameters, never the flow's, so VI through sample() cannot train it.
# Written for this corpus.
import copy
import math

import torch
import torch.nn.functional as F
from torch import nn


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(0.1 * torch.randn(dim))
        self.w = nn.Parameter(0.1 * torch.randn(dim))
        self.b = nn.Parameter(torch.zeros(1))

    def u_hat(self):
        wu = self.w @ self.u
        return self.u + (F.softplus(wu) - 1 - wu) * self.w / (self.w @ self.w)

    def forward(self, z):
        uh = self.u_hat()
        t = torch.tanh(z @ self.w + self.b)
        return z + t[:, None] * uh, torch.log(torch.abs(1 + (1 - t ** 2) * (self.w @ uh)))


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    def forward(self, z0):
        x, log_p = z0, -0.5 * (z0 ** 2).sum(1) - 0.5 * self.dim * math.log(2 * math.pi)
        for layer in self.layers:
            x, ld = layer(x)
            log_p = log_p - ld
        return x, log_p

    def sample(self, n):
        frozen = copy.deepcopy(self).eval()
        return frozen(torch.randn(n, self.dim))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "m(a) = -1 + softplus(a) > -1, so w^T u_hat > -1", "q3a": "no: f has no closed-form inverse", "q3b": "VI needs samples and their densities"}
