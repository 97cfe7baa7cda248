# Style of pyro's ComposeTransformModule (pyro-ppl/pyro, pyro/distributions/torch_transform.py:
# `class ComposeTransformModule(torch.distributions.ComposeTransform, torch.nn.ModuleList)`), a
# container that is an nn.ModuleList and also composes its parts: here `PlanarChain(nn.ModuleList)`
# whose forward runs the layers in order and sums their log-determinants; Flow keeps one in
# self.layers. Written for this corpus.
import math

import torch
import torch.nn.functional as F
from torch import nn


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(torch.empty(dim).normal_(0, 0.1))
        self.w = nn.Parameter(torch.empty(dim).normal_(0, 0.1))
        self.b = nn.Parameter(torch.zeros(1))

    def u_hat(self):
        alpha = self.w @ self.u
        return self.u + (-1 + F.softplus(alpha) - alpha) * self.w / (self.w @ self.w)

    def forward(self, x):
        u = self.u_hat()
        act = torch.tanh(x @ self.w + self.b)
        y = x + act[:, None] * u[None, :]
        return y, torch.log(torch.abs(1 + (1 - act ** 2) * (self.w @ u)))


class PlanarChain(nn.ModuleList):
    """An nn.ModuleList of layers that is also their composition."""

    def forward(self, x):
        total = torch.zeros(x.shape[0], dtype=x.dtype, device=x.device)
        for part in self:
            x, ldj = part(x)
            total = total + ldj
        return x, total


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = PlanarChain(PlanarFlow(dim) for _ in range(K))

    def forward(self, z0):
        x, sum_ldj = self.layers(z0)
        base = -0.5 * (z0 ** 2).sum(-1) - 0.5 * self.dim * math.log(2 * math.pi)
        return x, base - sum_ldj

    def sample(self, n):
        return self(torch.randn(n, self.dim))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "w^T u_hat = -1 + softplus(w^T u) > -1", "q3a": "no", "q3b": "VI"}
