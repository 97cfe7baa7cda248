# Style of 4ment/torchtree, torchtree/nf/planar.py (PlanarTransform(u, w, b) is handed its Parameters
# by whoever builds it): here the Flow makes each layer's Parameters in nn.ParameterLists of its own
# and hands them to PlanarFlow(dim, u, w, b); PlanarFlow(dim) alone makes fresh ones. Each Parameter
# is then registered twice (Flow.us[k] and Flow.layers[k].u are one object). Written for this corpus.
import math

import torch
import torch.nn.functional as F
from torch import nn


class PlanarFlow(nn.Module):
    def __init__(self, dim, u=None, w=None, b=None):
        super().__init__()
        self.u = u if u is not None else nn.Parameter(0.1 * torch.randn(dim))
        self.w = w if w is not None else nn.Parameter(0.1 * torch.randn(dim))
        self.b = b if b is not None else nn.Parameter(torch.zeros(1))

    def u_hat(self):
        wu = torch.dot(self.u, self.w)
        return self.u + (-1 + F.softplus(wu) - wu) * self.w / self.w.norm() ** 2

    def forward(self, z):
        u_hat = self.u_hat()
        a = F.linear(z, self.w.unsqueeze(0), self.b).squeeze(-1)
        t = torch.tanh(a)
        y = z + t[:, None] * u_hat[None, :]
        det = 1 + (1 - t ** 2) * torch.dot(self.w, u_hat)
        return y, det.abs().log()


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.us = nn.ParameterList([nn.Parameter(0.1 * torch.randn(dim)) for _ in range(K)])
        self.ws = nn.ParameterList([nn.Parameter(0.1 * torch.randn(dim)) for _ in range(K)])
        self.bs = nn.ParameterList([nn.Parameter(torch.zeros(1)) for _ in range(K)])
        self.layers = nn.ModuleList([PlanarFlow(dim, self.us[k], self.ws[k], self.bs[k]) for k in range(K)])

    def forward(self, z0):
        base = torch.distributions.MultivariateNormal(torch.zeros(self.dim), torch.eye(self.dim))
        log_prob = base.log_prob(z0)
        x = z0
        for layer in self.layers:
            x, log_det = layer(x)
            log_prob = log_prob - log_det
        return x, log_prob

    def sample(self, n):
        base = torch.distributions.MultivariateNormal(torch.zeros(self.dim), torch.eye(self.dim))
        return self.forward(base.rsample((n,)))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "m(a) = -1 + softplus(a) > -1, so w^T u_hat > -1", "q3a": "no: f has no closed-form inverse", "q3b": "VI needs samples and their densities"}

