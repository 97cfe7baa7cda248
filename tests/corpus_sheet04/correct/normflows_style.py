# Style of normflows' Planar flow (VincentStimper/normalizing-flows, normflows/flows/planar.py):
# sums over explicit dims instead of matmul, log(1 + exp(.)) for softplus, h and h' as attributes,
# and a NormalizingFlow-like model whose forward_kld/sample pattern is adapted to the contract.
import numpy as np
import torch
from torch import nn


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        lim_w = np.sqrt(2.0 / dim)
        lim_u = np.sqrt(2)
        self.u = nn.Parameter(torch.empty(dim).uniform_(-lim_u, lim_u))
        self.w = nn.Parameter(torch.empty(dim).uniform_(-lim_w, lim_w))
        self.b = nn.Parameter(torch.zeros(1))
        self.h = torch.tanh

    def u_hat(self):
        inner = torch.sum(self.w * self.u)
        return self.u + (torch.log(1 + torch.exp(inner)) - 1 - inner) * self.w / torch.sum(self.w ** 2)

    def forward(self, z):
        u = self.u_hat()
        lin = torch.sum(self.w * z, dim=1) + self.b
        z_ = z + u * self.h(lin.unsqueeze(1))
        log_det = torch.log(torch.abs(1 + torch.sum(self.w * u) * (1 - self.h(lin) ** 2)))
        return z_, log_det


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.d = dim
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    def forward(self, z0):
        log_q = -0.5 * self.d * np.log(2 * np.pi) - torch.sum(0.5 * z0 ** 2, dim=1)
        z = z0
        for flow in self.layers:
            z, log_det = flow(z)
            log_q -= log_det
        return z, log_q

    def sample(self, num_samples=1):
        z0 = torch.randn((num_samples, self.d))
        return self.forward(z0)


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "w^T u_hat = -1 + log(1 + e^{w^T u})", "q3a": "inverse needs root finding", "q3b": "reverse KL"}
