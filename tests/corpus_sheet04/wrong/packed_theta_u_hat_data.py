# ONE mistake: u_hat() reads theta.data. Style of a JAX port that keeps a layer's parameters as one flat vector (jax.flatten_util.ravel_pytree,
# as blackjax / numpyro's flows hand an optimiser one array): theta = [u, w, b] in one nn.Parameter of
# 2D + 1 values; the contract names u, w, b are properties returning views (slices) of theta, so setting
# them sets theta. Written for this corpus.
import math

import torch
import torch.nn.functional as F
from torch import nn


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.dim = dim
        self.theta = nn.Parameter(0.1 * torch.randn(2 * dim + 1))

    @property
    def u(self):
        return self.theta[: self.dim]

    @property
    def w(self):
        return self.theta[self.dim: 2 * self.dim]

    @property
    def b(self):
        return self.theta[2 * self.dim:]

    def u_hat(self):
        u, w = self.theta.data[: self.dim], self.theta.data[self.dim: 2 * self.dim]  # "no grad through the fix"
        wu = w @ u
        return u + (F.softplus(wu) - 1 - wu) * w / (w @ w)

    def forward(self, z):
        w, b, uh = self.w, self.b, self.u_hat()
        act = torch.tanh(z @ w + b)
        return z + act[:, None] * uh, torch.log(torch.abs(1 + (1 - act ** 2) * (w @ uh)))


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    def forward(self, z0):
        x, total = z0, torch.zeros(z0.shape[0])
        for layer in self.layers:
            x, ld = layer(x)
            total = total + ld
        base = torch.distributions.Normal(0.0, 1.0).log_prob(z0).sum(-1)
        return x, base - total

    def sample(self, n):
        return self(torch.randn(n, self.dim))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "m(a) = -1 + softplus(a) > -1, so w^T u_hat > -1", "q3a": "no: f has no closed-form inverse", "q3b": "VI needs samples and their densities"}

