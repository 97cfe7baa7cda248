# Style of the pytorch planar-flow tutorial code whose NormalizingFlow pairs each PlanarFlow with a
# PlanarFlowLogDetJacobian(t) that reads the layer's own parts (t.weight, t.bias, t.scale, t.tanh) to compute the
# log-det (a widely copied tutorial; e.g. AurelienNioche/ProbHealth inference/flows keeps the same layer): here the
# Flow computes each log-det itself from layer.w, layer.b, layer.u_hat() and the layer's activation attributes
# layer.h / layer.h_prime, and takes x from layer(z). Written for this corpus.
import math

import torch
import torch.nn.functional as F
from torch import nn


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(torch.empty(dim).uniform_(-0.01, 0.01))
        self.w = nn.Parameter(torch.empty(dim).uniform_(-0.01, 0.01))
        self.b = nn.Parameter(torch.empty(1).uniform_(-0.01, 0.01))
        self.h = torch.tanh
        self.h_prime = lambda a: 1 - torch.tanh(a) ** 2

    def u_hat(self):
        wu = torch.dot(self.w, self.u)
        return self.u + (-1 + F.softplus(wu) - wu) * self.w / torch.dot(self.w, self.w)

    def forward(self, z):
        a = z @ self.w + self.b
        u = self.u_hat()
        return z + self.h(a)[:, None] * u, torch.log(torch.abs(1 + self.h_prime(a) * torch.dot(self.w, u)))


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    @staticmethod
    def log_det_jacobian(layer, z):
        psi = layer.h_prime(z @ layer.w + layer.b)[:, None] * layer.w
        return torch.log(torch.abs(1 + psi @ layer.u_hat()))

    def forward(self, z0):
        log_q = -0.5 * (z0 ** 2).sum(-1) - 0.5 * self.dim * math.log(2 * math.pi)
        z = z0
        for layer in self.layers:
            log_q = log_q - self.log_det_jacobian(layer, z)
            z, _ = layer(z)
        return z, log_q

    def sample(self, n):
        return self.forward(torch.randn(n, self.dim))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "w.u_hat = m(w.u) = -1 + softplus(w.u), and softplus > 0",
                  "q3a": "No: p(x) needs f^{-1}(x), which a planar flow lacks in closed form",
                  "q3b": "VI: we score only our own samples, whose z0 we know"}
