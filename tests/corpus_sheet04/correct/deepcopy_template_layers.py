# Style of flows built from one prototype layer cloned K times with copy.deepcopy (the `_get_clones`
# helper of pytorch/pytorch, torch/nn/modules/transformer.py, reused by many flow repos), re-initialised
# after copying so the clones differ; the base is a MultivariateNormal built from registered buffers.
# Written for this corpus.
import copy
import math

import torch
import torch.nn.functional as F
from torch import nn


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(torch.empty(dim))
        self.w = nn.Parameter(torch.empty(dim))
        self.b = nn.Parameter(torch.empty(1))
        self.reset_parameters()

    def reset_parameters(self):
        bound = 1 / math.sqrt(self.u.numel())
        for p in (self.u, self.w, self.b):
            nn.init.uniform_(p, -bound, bound)

    def u_hat(self):
        wu = torch.dot(self.w, self.u)
        return self.u + (-1 + F.softplus(wu) - wu) * self.w / torch.dot(self.w, self.w)

    def forward(self, z):
        u_hat = self.u_hat()
        h = torch.tanh(z @ self.w + self.b)
        return z + torch.outer(h, u_hat), torch.log(torch.abs(1 + (1 - h ** 2) * torch.dot(self.w, u_hat)))


def _get_clones(module, n):
    clones = nn.ModuleList([copy.deepcopy(module) for _ in range(n)])
    for c in clones:
        c.reset_parameters()
    return clones


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.layers = _get_clones(PlanarFlow(dim), K)
        self.register_buffer("loc", torch.zeros(dim))
        self.register_buffer("cov", torch.eye(dim))

    @property
    def base(self):
        return torch.distributions.MultivariateNormal(self.loc, covariance_matrix=self.cov)

    def forward(self, z0):
        log_prob = self.base.log_prob(z0)
        for layer in self.layers:
            z0, ld = layer(z0)
            log_prob = log_prob - ld
        return z0, log_prob

    def sample(self, n):
        return self(self.base.rsample((n,)))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "m(a) = -1 + softplus(a) > -1, so w^T u_hat > -1", "q3a": "no: f has no closed-form inverse", "q3b": "VI needs samples and their densities"}

