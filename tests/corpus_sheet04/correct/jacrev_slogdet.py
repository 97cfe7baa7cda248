# Style of the torch.func Jacobian idiom, vmap(jacrev(f))(x) then torch.linalg.slogdet, as PyTorch's tutorial
# "Jacobians, Hessians, hvp, vhp, and more" shows it (pytorch/tutorials, intermediate_source/jacobians_hessians.py):
# the layer's log|det| from the Jacobian itself, O(D^3) per row, instead of 1 + u_hat^T psi(z). Written for this corpus.
import math

import torch
import torch.nn.functional as F
from torch import nn
from torch.func import jacrev, vmap


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(torch.randn(dim) * 0.1)
        self.w = nn.Parameter(torch.randn(dim) * 0.1)
        self.b = nn.Parameter(torch.zeros(1))

    def u_hat(self):
        wu = self.w @ self.u
        return self.u + (F.softplus(wu) - 1 - wu) * self.w / (self.w @ self.w)

    def _f(self, z):
        """f for one row z of shape (D,)."""
        return z + self.u_hat() * torch.tanh(self.w @ z + self.b)

    def forward(self, z):
        x = vmap(self._f)(z)
        jac = vmap(jacrev(self._f))(z)                  # (N, D, D)
        _, log_det = torch.linalg.slogdet(jac)
        return x, log_det


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
