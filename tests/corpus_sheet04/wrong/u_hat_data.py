# ffjord-style make_invertible (rtqichen/ffjord, lib/layers/... planar) turned into u_hat(): computed on .data, so
# f(z) and log|det| have the right values but u gets no gradient at all (w only through tanh(w^T z + b)).
import math

import torch
import torch.nn.functional as F
from torch import nn


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(torch.randn(dim) * 0.1)
        self.w = nn.Parameter(torch.randn(dim) * 0.1)
        self.b = nn.Parameter(torch.zeros(1))

    def u_hat(self):
        u, w = self.u.data, self.w.data
        dot = torch.dot(u, w)
        return u + (-1 + F.softplus(dot) - dot) * w / torch.dot(w, w)

    def forward(self, z):
        u = self.u_hat()
        a = z @ self.w + self.b
        y = z + u * torch.tanh(a)[:, None]
        log_det = torch.log(torch.abs(1 + (1 - torch.tanh(a) ** 2) * (self.w @ u)))
        return y, log_det


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
