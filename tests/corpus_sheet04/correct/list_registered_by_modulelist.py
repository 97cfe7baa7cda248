# Style of flow code that keeps its layers in a plain Python list and registers them with a module container
# built from that list (e.g. `self.flows = [...]; self.flow_model = nn.Sequential(*self.flows)` in MAF/RealNVP
# homework code, and `self.phi = nn.Sequential(*self.flows)` in normalizing-flow dynamical-system repos found by
# code search): here self.layers = nn.ModuleList(self.flows), as the contract asks, while forward loops over the
# Python list, which names the same layer objects. Written for this corpus.
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
        wu = torch.dot(self.w, self.u)
        return self.u + (F.softplus(wu) - 1 - wu) * self.w / torch.dot(self.w, self.w)

    def forward(self, z):
        u = self.u_hat()
        h = torch.tanh(z @ self.w + self.b)
        x = z + h.unsqueeze(1) * u
        log_det = torch.log(torch.abs(1 + (1 - h ** 2) * torch.dot(self.w, u)))
        return x, log_det


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.flows = [PlanarFlow(dim) for _ in range(K)]
        self.layers = nn.ModuleList(self.flows)  # registers the parameters

    def forward(self, z0):
        batch_size = z0.shape[0]
        sum_log_det = torch.zeros(batch_size, dtype=z0.dtype)
        z = z0
        for flow in self.flows:
            z, log_det = flow(z)
            sum_log_det += log_det
        log_base = -0.5 * (z0 ** 2).sum(1) - 0.5 * self.dim * math.log(2 * math.pi)
        return z, log_base - sum_log_det

    def sample(self, n):
        return self.forward(torch.randn(n, self.dim))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "w^T u_hat = -1 + softplus(w^T u) > -1",
                  "q3a": "No: inverting a planar layer needs a root search",
                  "q3b": "variational inference: only samples and their own densities are needed"}
