# Mistake: the fix divides by ||w||^2 + 1e-8, so w^T u_hat = m(w^T u) - (m(w^T u) - w^T u) eps/(||w||^2 + eps),
# which falls below -1 when w^T u is very negative (w^T u = -20, ||w|| = 1 gives -1 - 1.9e-7): not invertible there.
# Style of a Flax-to-PyTorch port of planar flows (the flax.linen planar flow with
# `_u_constrained(u, w, eps=1e-8)` and `_h_and_hprime(activation)` helpers, found by the code search
# without a repository name): the constraint divides by ||w||^2 + eps, h and h' come as a pair,
# dot products spelled as sums of products. Written for this corpus.
import math

import torch
import torch.nn.functional as F
from torch import nn


def u_constrained(u, w, eps=1e-8):
    """u_hat = u + ((softplus(w.u) - 1) - w.u) w / (||w||^2 + eps)."""
    wu = torch.sum(w * u)
    scale = (F.softplus(wu) - 1.0 - wu) / (torch.sum(w * w) + eps)
    return u + scale * w


def h_and_hprime():
    return torch.tanh, (lambda x: 1.0 - torch.tanh(x) ** 2)


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(torch.randn(dim) * 0.01)
        self.w = nn.Parameter(torch.randn(dim) * 0.01)
        self.b = nn.Parameter(torch.zeros(()))
        self.h, self.h_prime = h_and_hprime()

    def u_hat(self):
        return u_constrained(self.u, self.w)

    def forward(self, z):
        u = self.u_hat()
        lin = torch.sum(z * self.w, dim=-1) + self.b        # (N,)
        y = z + self.h(lin)[..., None] * u
        psi = self.h_prime(lin)[..., None] * self.w          # (N, D)
        log_det = torch.log(torch.abs(1.0 + torch.sum(psi * u, dim=-1)))
        return y, log_det


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    def forward(self, z0):
        log_q = torch.sum(-0.5 * z0 ** 2 - 0.5 * math.log(2 * math.pi), dim=-1)
        z = z0
        for layer in self.layers:
            z, ld = layer(z)
            log_q = log_q - ld
        return z, log_q

    def sample(self, n):
        eps = torch.randn(n, self.dim)
        return self.forward(eps)


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "w.u_hat = m(w.u) = -1 + softplus(w.u) > -1 (eps only for stability)",
                  "q3a": "inverting a planar layer needs a root search",
                  "q3b": "variational inference: samples and their own log q"}
