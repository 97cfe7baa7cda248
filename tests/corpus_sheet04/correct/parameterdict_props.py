# Style of planar layers that keep their parameters in one named container and read them by key, as
# the JAX/flax ports do with a params dict (a flax `self.param` tree), here an nn.ParameterDict
# (cf. the params-dict layers of VincentStimper/normalizing-flows' normflows.flows, which take u, w, b
# as optional init values). The contract names u, w, b are read-only properties returning the dict's
# Parameters. Written for this corpus.
import math

import torch
import torch.nn.functional as F
from torch import nn


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        lim = math.sqrt(2.0 / dim)
        self.params = nn.ParameterDict({
            "u": nn.Parameter(torch.empty(dim).uniform_(-lim, lim)),
            "w": nn.Parameter(torch.empty(dim).uniform_(-lim, lim)),
            "b": nn.Parameter(torch.zeros(1)),
        })

    @property
    def u(self):
        return self.params["u"]

    @property
    def w(self):
        return self.params["w"]

    @property
    def b(self):
        return self.params["b"]

    def u_hat(self):
        p = self.params
        inner = torch.dot(p["w"], p["u"])
        return p["u"] + (F.softplus(inner) - 1 - inner) * p["w"] / torch.sum(p["w"] ** 2)

    def forward(self, z):
        p = self.params
        u = self.u_hat()
        lin = z @ p["w"] + p["b"]
        h = torch.tanh(lin)
        log_det = torch.log(torch.abs(1 + (1 - h ** 2) * torch.dot(p["w"], u)))
        return z + h.unsqueeze(-1) * u, log_det


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    def forward(self, z0):
        x, log_q = z0, -0.5 * (z0 ** 2).sum(-1) - 0.5 * self.dim * math.log(2 * math.pi)
        for layer in self.layers:
            x, ld = layer(x)
            log_q = log_q - ld
        return x, log_q

    def sample(self, n):
        return self(torch.randn(n, self.dim))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "m(a) = -1 + softplus(a) > -1, so w^T u_hat > -1", "q3a": "no: f has no closed-form inverse", "q3b": "VI needs samples and their densities"}

