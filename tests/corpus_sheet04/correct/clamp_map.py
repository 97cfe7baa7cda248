# Another map for 1b (the sheet allows "any other map with w^T u_hat > -1"): w^T u is clamped to
# at least -1 + 1e-4 and u moved along w by the difference, as in the `relu` option
# (`m = v.clamp(min=-0.9999)`) of a PlanarFlowParams module with positive_func in
# {relu, exp, softplus} that the code search finds (repository not named by the index). Parameters
# as (1, D) rows are avoided: this one keeps the contract's (D,). Written for this corpus.
import math

import torch
from torch import nn

EPS = 1e-4


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(torch.randn(dim) / dim)
        self.w = nn.Parameter(torch.randn(dim) / dim)
        self.b = nn.Parameter(torch.randn(1))

    def u_hat(self):
        v = (self.w * self.u).sum()
        m = v.clamp(min=-1 + EPS)              # w^T u_hat = max(w^T u, -1 + EPS) > -1
        return self.u + (m - v) * self.w / self.w.pow(2).sum()

    def forward(self, z):
        u = self.u_hat()
        lin = (self.w * z).sum(dim=1, keepdim=True) + self.b        # (N, 1)
        out = z + u * torch.tanh(lin)
        psi = (1 - torch.tanh(lin).pow(2)) * self.w                  # (N, D)
        log_det = (1 + (u * psi).sum(dim=1)).abs().log()
        return out, log_det


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList(PlanarFlow(dim) for _ in range(K))

    def forward(self, z0):
        log_prob = (-0.5 * z0.pow(2) - 0.5 * math.log(2 * math.pi)).sum(dim=1)
        z = z0
        for layer in self.layers:
            z, ld = layer(z)
            log_prob = log_prob - ld
        return z, log_prob

    def sample(self, n):
        return self(torch.randn(n, self.dim))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "w^T u_hat = w^T u + (max(w^T u, -1+eps) - w^T u) = max(w^T u, -1+eps) > -1",
                  "q3a": "no: inverting needs a root search", "q3b": "VI"}
