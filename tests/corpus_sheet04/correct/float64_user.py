# Style of scientific-computing users who switch to double precision for the whole file
# (torch.set_default_dtype(torch.float64) at the top, as JAX users enable x64 first, e.g.
# rugvedpund/darkages-lusee simflows/jax.py before its flows), with explicit
# .double() parameters and float64 noise in sample(). Written for this corpus.
import math

import torch
import torch.nn.functional as F
from torch import nn

torch.set_default_dtype(torch.float64)


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(torch.randn(dim).double() * 0.1)
        self.w = nn.Parameter(torch.randn(dim).double() * 0.1)
        self.b = nn.Parameter(torch.zeros(1, dtype=torch.float64))

    def u_hat(self):
        wu = torch.einsum("d,d->", self.w, self.u)
        return self.u + (F.softplus(wu) - 1 - wu) * self.w / torch.einsum("d,d->", self.w, self.w)

    def forward(self, z):
        u = self.u_hat()
        a = torch.einsum("nd,d->n", z, self.w) + self.b
        t = torch.tanh(a)
        x = z + torch.einsum("n,d->nd", t, u)
        log_det = torch.log(torch.abs(1 + (1 - t * t) * torch.einsum("d,d->", self.w, u)))
        return x, log_det


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    def forward(self, z0):
        log_prob = -0.5 * torch.einsum("nd,nd->n", z0, z0) - 0.5 * self.dim * math.log(2 * math.pi)
        z = z0
        for layer in self.layers:
            z, log_det = layer(z)
            log_prob = log_prob - log_det
        return z, log_prob

    def sample(self, n):
        return self(torch.randn(n, self.dim, dtype=torch.float64))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "w.u_hat = -1 + softplus(w.u) > -1", "q3a": "no closed-form inverse", "q3b": "VI"}
