# Style of the batched planar flows in amortized VI code (e.g. the "Planar" module of Bayes-PFL /
# Sylvester-flows repos): parameters expanded to (B, D, 1) / (B, 1, D) and combined with torch.bmm.
import math

import torch
import torch.nn.functional as F
from torch import nn


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(torch.randn(dim) * 0.05)
        self.w = nn.Parameter(torch.randn(dim) * 0.05)
        self.b = nn.Parameter(torch.zeros(()))
        self.h = nn.Tanh()

    def der_h(self, x):
        return 1 - self.h(x) ** 2

    def u_hat(self):
        uw = torch.sum(self.u * self.w)
        m_uw = -1.0 + F.softplus(uw)
        return self.u + ((m_uw - uw) / torch.sum(self.w ** 2)) * self.w

    def forward(self, z):
        B, D = z.shape
        u = self.u_hat().view(1, D, 1).expand(B, D, 1)
        w = self.w.view(1, 1, D).expand(B, 1, D)
        z3 = z.unsqueeze(2)
        prod = torch.bmm(w, z3) + self.b
        f_z = (z3 + u * self.h(prod)).squeeze(2)
        psi = w * self.der_h(prod)
        log_det_j = torch.log(torch.abs(1 + torch.bmm(psi, u))).squeeze(2).squeeze(1)
        return f_z, log_det_j


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim, self.K = dim, K
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    def forward(self, z0):
        log_det_j = 0.0
        z = [z0]
        for k in range(self.K):
            z_k, ldj = self.layers[k](z[k])
            z.append(z_k)
            log_det_j = log_det_j + ldj
        log_q0 = (-0.5 * (z0 ** 2) - 0.5 * math.log(2 * math.pi)).sum(dim=1)
        return z[-1], log_q0 - log_det_j

    def sample(self, n):
        eps = torch.randn(n, self.dim)
        return self.forward(eps)


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "...", "q3a": "...", "q3b": "..."}
