# Style of the (z_dim, 1) column-vector planar layers with xavier_normal_ init seen in many blog and
# course ports (self.u = nn.init.xavier_normal_(nn.Parameter(torch.empty([z_dim, 1]))), torch.mm
# throughout, b of shape (1, 1)); u_hat() is returned flattened to the contract's (D,). Written for
# this corpus.
import math

import torch
from torch import nn


class PlanarFlow(nn.Module):
    def __init__(self, z_dim=2):
        super().__init__()
        self.h = nn.Tanh()
        self.m = nn.Softplus()
        self.u = nn.init.xavier_normal_(nn.Parameter(torch.empty([z_dim, 1])))
        self.w = nn.init.xavier_normal_(nn.Parameter(torch.empty([z_dim, 1])))
        self.b = nn.init.xavier_normal_(nn.Parameter(torch.empty([1, 1])))

    def _u_hat_col(self):
        x = self.w.T.mm(self.u)                      # (1, 1)
        m = -1 + self.m(x)
        return self.u + (m - x) * self.w / (self.w.T.mm(self.w))

    def u_hat(self):
        return self._u_hat_col().flatten()

    def forward(self, z):
        u_h = self._u_hat_col()                      # (D, 1)
        a = self.h(torch.mm(z, self.w) + self.b)     # (N, 1)
        dt = (1 - a ** 2).mm(self.w.T)               # (N, D)
        ld = torch.log(torch.abs(1 + dt.mm(u_h))).squeeze(1)
        return z + a.mm(u_h.T), ld


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    def forward(self, z0):
        logp = -0.5 * z0.pow(2).sum(1) - self.dim / 2 * math.log(2 * math.pi)
        z = z0
        for flow in self.layers:
            z, ld = flow(z)
            logp = logp - ld
        return z, logp

    def sample(self, n):
        z0 = torch.randn(n, self.dim)
        return self.forward(z0)


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "m(a) = -1 + softplus(a) > -1, so w^T u_hat > -1", "q3a": "no: f has no closed-form inverse", "q3b": "VI needs samples and their densities"}

