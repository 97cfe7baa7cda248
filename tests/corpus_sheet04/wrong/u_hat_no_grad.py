# Mistake: u_hat() is computed under torch.no_grad() ("the fix is a constraint, not part of the
# model"), so no gradient of a loss on x or log p reaches u (nor w through u_hat): the flow built
# from these layers cannot learn u, against 2b ("gradients ... must reach every layer's
# parameters"). Values are all right. Style of the constraint-as-projection planar blocks the code
# search finds (`self.u.data = self.u.data + (...).detach()` inside forward), written as a
# detached u_hat. Written for this corpus.
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

    @torch.no_grad()
    def u_hat(self):
        uTw = torch.dot(self.u, self.w)
        m = torch.log(1 + torch.exp(uTw)) - 1
        return self.u + (m - uTw) * self.w / torch.dot(self.w, self.w)

    def forward(self, z):
        u = self.u_hat()
        a = z @ self.w + self.b
        y = z + u * torch.tanh(a)[:, None]
        log_det = torch.log(torch.abs(1 + (1 - torch.tanh(a) ** 2) * torch.dot(self.w, u)))
        return y, log_det


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    def forward(self, z0):
        log_p = -0.5 * (z0 ** 2).sum(1) - 0.5 * self.dim * math.log(2 * math.pi)
        z = z0
        for layer in self.layers:
            z, ld = layer(z)
            log_p = log_p - ld
        return z, log_p

    def sample(self, n):
        return self(torch.randn(n, self.dim))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "m(a) > -1", "q3a": "no", "q3b": "VI"}
