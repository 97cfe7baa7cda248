# Style of weight-normalised flow layers (e.g. the weight_norm'ed linear maps of
# karpathy/pytorch-normalizing-flows nflib and FrEIA's coupling subnets), here on the planar layer's own w:
# torch.nn.utils.parametrizations.weight_norm(self, "w", dim=None) learns w as g * v / ||v||.
import math

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.parametrizations import weight_norm


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(0.1 * torch.randn(dim))
        self.w = nn.Parameter(0.1 * torch.randn(dim))
        self.b = nn.Parameter(torch.zeros(1))
        weight_norm(self, "w", dim=None)

    def u_hat(self):
        w = self.w
        wu = w @ self.u
        return self.u + (F.softplus(wu) - 1 - wu) * w / (w @ w)

    def forward(self, z):
        w, u_hat = self.w, self.u_hat()
        h = torch.tanh(z @ w + self.b)
        return z + h[:, None] * u_hat, torch.log(torch.abs(1 + (1 - h ** 2) * (w @ u_hat)))


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList(PlanarFlow(dim) for _ in range(K))

    def forward(self, z0):
        log_q = -0.5 * (z0 ** 2 + math.log(2 * math.pi)).sum(1)
        z = z0
        for layer in self.layers:
            z, ld = layer(z)
            log_q = log_q - ld
        return z, log_q

    def sample(self, n):
        return self.forward(torch.randn(n, self.dim))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "w.u_hat = m(w.u) with m(a) = -1 + softplus(a) > -1",
                  "q3a": "f^-1 is not available in closed form",
                  "q3b": "variational inference"}
