# Style of numpy-first flow code ported from TensorFlow 1 (e.g. the PlanarFlow classes the code
# search finds that draw with np.random.normal and enforce reversibility in a
# `reversible_constraint(u, w)` helper, as in the TF1 planar-flow repos after Rezende & Mohamed):
# base noise drawn by numpy and wrapped with torch.from_numpy(...).float(), the constraint as a
# module-level function, the base log-density written out. Written for this corpus.
import math

import numpy as np
import torch
from torch import nn


def reversible_constraint(u, w):
    """u_hat with w^T u_hat = -1 + log(1 + exp(w^T u)) > -1 (Rezende & Mohamed, appendix A.1)."""
    wu = torch.sum(w * u)
    m_wu = -1.0 + torch.nn.functional.softplus(wu)
    return u + (m_wu - wu) * w / torch.sum(w * w)


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(torch.from_numpy(np.random.normal(0.0, 0.1, dim)).float())
        self.w = nn.Parameter(torch.from_numpy(np.random.normal(0.0, 0.1, dim)).float())
        self.b = nn.Parameter(torch.zeros(1))

    def u_hat(self):
        return reversible_constraint(self.u, self.w)

    def forward(self, z):
        u_bar = self.u_hat()
        wzb = torch.sum(z * self.w, dim=1) + self.b
        f_z = z + u_bar[None, :] * torch.tanh(wzb)[:, None]
        psi = (1.0 - torch.tanh(wzb) ** 2)[:, None] * self.w[None, :]
        logdet = torch.log(torch.abs(1.0 + torch.sum(psi * u_bar[None, :], dim=1)))
        return f_z, logdet


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    def forward(self, z0):
        log_p = -0.5 * torch.sum(z0 * z0, dim=1) - 0.5 * self.dim * math.log(2.0 * math.pi)
        z = z0
        for layer in self.layers:
            z, logdet = layer(z)
            log_p = log_p - logdet
        return z, log_p

    def sample(self, n):
        z0 = torch.from_numpy(np.random.normal(0.0, 1.0, size=(n, self.dim))).float()
        return self.forward(z0)


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "w^T u_hat = -1 + softplus(w^T u) > -1",
                  "q3a": "no analytic inverse", "q3b": "variational inference"}
