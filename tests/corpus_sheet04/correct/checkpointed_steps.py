# Style of memory-saving flows that run each step through torch.utils.checkpoint (use_reentrant=False,
# as the activation checkpointing in huggingface/transformers modeling code), so that a long flow keeps
# no activations in memory; the rest as a plain planar flow.
# Written for this corpus.
import math

import torch
import torch.nn.functional as F
from torch.utils.checkpoint import checkpoint
from torch import nn


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(torch.randn(dim) / math.sqrt(dim))
        self.w = nn.Parameter(torch.randn(dim) / math.sqrt(dim))
        self.b = nn.Parameter(torch.zeros(1))

    def u_hat(self):
        wtu = (self.w * self.u).sum()
        return self.u + (F.softplus(wtu) - 1 - wtu) * self.w / (self.w * self.w).sum()

    def forward(self, z):
        u = self.u_hat()
        pre = (z * self.w).sum(-1) + self.b
        y = z + u * torch.tanh(pre).unsqueeze(-1)
        psi_u = (1 - torch.tanh(pre) ** 2) * (self.w * u).sum()
        return y, torch.log(torch.abs(1 + psi_u))


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    def forward(self, z0):
        log_q = torch.distributions.Normal(0.0, 1.0).log_prob(z0).sum(-1)
        z = z0
        for step in self.layers:
            z, ld = checkpoint(step, z, use_reentrant=False)
            log_q = log_q - ld
        return z, log_q

    def sample(self, n):
        return self.forward(torch.randn(n, self.dim))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "m(a) = -1 + softplus(a) > -1, so w^T u_hat > -1", "q3a": "no: f has no closed-form inverse", "q3b": "VI needs samples and their densities"}

