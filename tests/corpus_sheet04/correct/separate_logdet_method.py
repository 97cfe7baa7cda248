# Style of drawcodeboy/Normalizing-Flow (models/flow.py): the activation an nn.Tanh() submodule, a
# separate log_abs_det_jacobian(z) that recomputes w^T z + b, a diff_tanh helper (written here as
# sech^2 = 1 / cosh^2), softplus spelled log1p(exp(.)). Written for this corpus; fix as the sheet asks.
import math

import torch
from torch import nn


class PlanarFlow(nn.Module):
    def __init__(self, latent_dim: int):
        super().__init__()
        self.u = nn.Parameter(torch.randn(latent_dim))
        self.w = nn.Parameter(torch.randn(latent_dim))
        self.b = nn.Parameter(torch.randn(1))
        self.h = nn.Tanh()

    def u_hat(self):
        wu = self.w @ self.u
        m = -1 + torch.log1p(torch.exp(wu))
        return self.u + (m - wu) * self.w / torch.linalg.vector_norm(self.w) ** 2

    @staticmethod
    def diff_tanh(x):
        return 1 / torch.cosh(x) ** 2

    def transform(self, z):
        return z + self.u_hat() * self.h(z @ self.w + self.b).unsqueeze(-1)

    def log_abs_det_jacobian(self, z):
        psi_z = self.diff_tanh(z @ self.w + self.b).unsqueeze(-1) * self.w   # (B, D)
        return torch.log(torch.abs(1 + psi_z @ self.u_hat()))

    def forward(self, z):
        return self.transform(z), self.log_abs_det_jacobian(z)


class Flow(nn.Module):
    def __init__(self, dim: int, K: int):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    def forward(self, z0):
        z, sum_log_det = z0, 0
        for flow in self.layers:
            z, log_det = flow(z)
            sum_log_det = sum_log_det + log_det
        log_base = -0.5 * torch.sum(z0 * z0, dim=-1) - self.dim / 2 * math.log(2 * math.pi)
        return z, log_base - sum_log_det

    def sample(self, n):
        return self(torch.randn(n, self.dim))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "w.u_hat = -1 + log(1 + e^{w.u}) > -1", "q3a": "no", "q3b": "VI"}
