# Style of planar layers that keep w as a column and squeeze the product back (the
# `torch.mm(z, self.w.t()).squeeze()` idiom of many Rezende & Mohamed blog ports, e.g. the
# PlanarFlowLogDetJacobian/safe_log code the search finds next to acids-ircam/pytorch_flows), with b a
# 0-d parameter as the contract allows. Written for this corpus.
import math

import torch
import torch.nn.functional as F
from torch import nn


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(torch.randn(dim) * 0.01)
        self.w = nn.Parameter(torch.randn(dim) * 0.01)
        self.b = nn.Parameter(torch.tensor(0.0))

    def u_hat(self):
        wu = torch.sum(self.w * self.u)
        return self.u + (F.softplus(wu) - 1 - wu) * self.w / torch.sum(self.w ** 2)

    def forward(self, z):
        u = self.u_hat()
        lin = torch.mm(z, self.w[:, None]).squeeze() + self.b      # (N,)
        h = torch.tanh(lin)
        f_z = z + h[:, None] * u
        psi = (1 - h ** 2)[:, None] * self.w
        log_det = torch.log(torch.abs(1 + torch.mv(psi, u)))
        return f_z, log_det


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    def forward(self, z0):
        log_p = -0.5 * (z0 ** 2).sum(-1) - 0.5 * self.dim * math.log(2 * math.pi)
        z = z0
        for layer in self.layers:
            z, ld = layer(z)
            log_p = log_p - ld
        return z, log_p

    def sample(self, n):
        return self(torch.randn(n, self.dim))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "w.u_hat = -1 + softplus(w.u) > -1", "q3a": "no closed-form inverse", "q3b": "VI"}
