# Mistake: the fix divides by ||w||^2 + 1e-10 ("to avoid dividing by zero"), so
# w^T u_hat = m(w^T u) - (m(w^T u) - w^T u) * 1e-10 / (||w||^2 + 1e-10), which is below -1 as soon as
# (m - w^T u) * 1e-10 / ||w||^2 > softplus(w^T u) ~ exp(w^T u): e.g. ||w|| = 1, w^T u = -25 gives
# -1 - 2.3e-9 (not invertible). Everything else is right.
# Style of a PlanarFlow the code search finds (`u_hat = self.u + ((m - wu)/(w_sq+1e-10)) * self.w`
# inside forward, with a PlanarFlowModel container), adapted to the contract. Written for this corpus.
import math

import torch
import torch.nn.functional as F
from torch import nn


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(torch.randn(dim))
        self.w = nn.Parameter(torch.randn(dim))
        self.b = nn.Parameter(torch.randn(1))

    def u_hat(self):
        wu = torch.dot(self.w, self.u)
        m = -1 + F.softplus(wu)
        w_sq = (self.w ** 2).sum()
        return self.u + ((m - wu) / (w_sq + 1e-10)) * self.w

    def forward(self, z):
        u_hat = self.u_hat()
        lin = z @ self.w.unsqueeze(1) + self.b
        psi = (1 - torch.tanh(lin) ** 2) * self.w
        log_det = torch.log(torch.abs(1 + psi @ u_hat))
        return z + u_hat * torch.tanh(lin), log_det


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    def forward(self, z0):
        log_q = -0.5 * (z0 ** 2).sum(1) - 0.5 * self.dim * math.log(2 * math.pi)
        z = z0
        for flow in self.layers:
            z, ld = flow(z)
            log_q = log_q - ld
        return z, log_q

    def sample(self, n):
        return self.forward(torch.randn(n, self.dim))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "w^T u_hat = m(w^T u) > -1 (eps only guards w = 0)",
                  "q3a": "no", "q3b": "variational inference"}
