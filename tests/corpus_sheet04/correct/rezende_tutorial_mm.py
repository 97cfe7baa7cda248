# Style of the Rezende & Mohamed (2015) tutorials that keep w and u as column vectors and use
# torch.mm (e.g. the Tanh/psi layout in many VI-with-normalizing-flows blog notebooks); parameters
# stay (D,) as the contract asks, reshaped to columns inside forward.
import math

import torch
from torch import nn


def m(x):
    return -1 + torch.log1p(torch.exp(-x.abs())) + torch.clamp(x, min=0)  # a stable softplus


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(torch.randn(dim) * 0.01)
        self.w = nn.Parameter(torch.randn(dim) * 0.01)
        self.b = nn.Parameter(torch.randn(1) * 0.01)

    def u_hat(self):
        wtu = (self.w * self.u).sum()
        return self.u + (m(wtu) - wtu) * self.w / self.w.norm() ** 2

    def psi(self, z):
        return (1 - torch.tanh(torch.mm(z, self.w.view(-1, 1)) + self.b) ** 2) * self.w.view(1, -1)

    def forward(self, z):
        uh = self.u_hat().view(-1, 1)
        lin = torch.mm(z, self.w.view(-1, 1)) + self.b          # (N, 1)
        f = z + torch.tanh(lin) * uh.t()
        det = 1 + torch.mm(self.psi(z), uh)                      # (N, 1), > 0 thanks to u_hat
        return f, torch.log(det).squeeze(1)


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList([PlanarFlow(dim) for k in range(K)])

    def forward(self, z0):
        sum_log_det = torch.zeros(z0.shape[0])
        z = z0
        for layer in self.layers:
            z, ld = layer(z)
            sum_log_det = sum_log_det + ld
        log_q0 = -0.5 * torch.sum(z0 * z0, 1) - self.dim / 2 * math.log(2 * math.pi)
        return z, log_q0 - sum_log_det

    def sample(self, n):
        return self(torch.randn(n, self.dim))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "m > -1", "q3a": "no", "q3b": "VI"}
