# Style of normflows' NormalizingFlow (VincentStimper/normalizing-flows, normflows/core.py and
# normflows/distributions/base.py): the flows kept in `self.flows` (an nn.ModuleList), a base
# distribution module q0 whose forward(num_samples) returns (z, log_q) and whose log_prob(z) sums
# over the last dim, with loc/log_scale as buffers (trainable=False). The student keeps the
# library's attribute and gives the contract's name as a read-only property: `layers` returns
# `self.flows`, the same nn.ModuleList. Written for this corpus.
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


class DiagGaussian(nn.Module):
    def __init__(self, shape, trainable=False):
        super().__init__()
        self.d = shape
        if trainable:
            self.loc = nn.Parameter(torch.zeros(1, shape))
            self.log_scale = nn.Parameter(torch.zeros(1, shape))
        else:
            self.register_buffer("loc", torch.zeros(1, shape))
            self.register_buffer("log_scale", torch.zeros(1, shape))

    def forward(self, num_samples=1):
        eps = torch.randn((num_samples, self.d), dtype=self.loc.dtype, device=self.loc.device)
        z = self.loc + torch.exp(self.log_scale) * eps
        return z, self.log_prob(z)

    def log_prob(self, z):
        return (-0.5 * self.d * np.log(2 * np.pi) - torch.sum(self.log_scale, 1)
                - torch.sum(0.5 * ((z - self.loc) / torch.exp(self.log_scale)) ** 2, 1))


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        lim_w = np.sqrt(2.0 / dim)
        self.u = nn.Parameter(torch.empty(dim).uniform_(-np.sqrt(2), np.sqrt(2)))
        self.w = nn.Parameter(torch.empty(dim).uniform_(-lim_w, lim_w))
        self.b = nn.Parameter(torch.zeros(1))

    def u_hat(self):
        inner = torch.sum(self.w * self.u)
        return self.u + (F.softplus(inner) - 1 - inner) * self.w / torch.sum(self.w ** 2)

    def forward(self, z):
        u = self.u_hat()
        lin = torch.sum(self.w * z, dim=-1) + self.b
        z_ = z + u * torch.tanh(lin).unsqueeze(-1)
        log_det = torch.log(torch.abs(1 + torch.sum(self.w * u) * (1 - torch.tanh(lin) ** 2)))
        return z_, log_det


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.q0 = DiagGaussian(dim)
        self.flows = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    @property
    def layers(self):
        """The contract's name for the planar layers (normflows calls them `flows`)."""
        return self.flows

    def forward(self, z0):
        log_q = self.q0.log_prob(z0)
        z = z0
        for flow in self.flows:
            z, log_det = flow(z)
            log_q -= log_det
        return z, log_q

    def sample(self, num_samples=1):
        z, log_q = self.q0(num_samples)
        for flow in self.flows:
            z, log_det = flow(z)
            log_q -= log_det
        return z, log_q


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "w^T u_hat = -1 + softplus(w^T u) > -1",
                  "q3a": "no closed-form inverse of f", "q3b": "reverse KL: samples + own log q"}
