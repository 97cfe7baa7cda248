# Style of JAX code ported to PyTorch (the per-example function + jax.vmap idiom of JAX flow
# libraries such as the flax.linen planar flow the code search finds, or distrax examples): the
# planar map is written for ONE vector z of shape (D,) and batched with torch.func.vmap.
# Written for this corpus.
import math

import torch
import torch.nn.functional as F
from torch import nn
from torch.func import vmap


def planar_single(z, u_hat, w, b):
    """One row: f(z) = z + u_hat tanh(w.z + b) and log |1 + u_hat . psi(z)|."""
    a = torch.dot(w, z) + b.sum()
    y = z + u_hat * torch.tanh(a)
    log_det = torch.log(torch.abs(1 + (1 - torch.tanh(a) ** 2) * torch.dot(w, u_hat)))
    return y, log_det


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(torch.randn(dim) * 0.05)
        self.w = nn.Parameter(torch.randn(dim) * 0.05)
        self.b = nn.Parameter(torch.zeros(1))

    def u_hat(self):
        wu = torch.dot(self.w, self.u)
        return self.u + (F.softplus(wu) - 1 - wu) * self.w / torch.dot(self.w, self.w)

    def forward(self, z):
        return vmap(planar_single, in_dims=(0, None, None, None))(z, self.u_hat(), self.w, self.b)


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
        return self(torch.randn(n, self.dim))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "w.u_hat = -1 + softplus(w.u) > -1", "q3a": "no closed-form inverse", "q3b": "VI"}
