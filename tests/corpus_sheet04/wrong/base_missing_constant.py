# Mistake: log N(z0; 0, I) written without its normalising constant, -0.5 * ||z0||^2 only (the
# "constants do not matter for the optimisation" shortcut of many training-loss snippets): log p(x)
# is off by -D/2 log(2 pi) on every row. Everything else is right.
# Style of VI training code on unnormalised targets (the Rezende & Mohamed U1-U4 energies, as in
# the planar-flow examples of VincentStimper/normalizing-flows), where dropping constants is right
# for the target, carried over by mistake to the flow's own base density. Written for this corpus.
import torch
import torch.nn.functional as F
from torch import nn


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(torch.randn(dim) * 0.1)
        self.w = nn.Parameter(torch.randn(dim) * 0.1)
        self.b = nn.Parameter(torch.zeros(1))

    def u_hat(self):
        wu = self.w @ self.u
        return self.u + (F.softplus(wu) - 1 - wu) * self.w / (self.w @ self.w)

    def forward(self, z):
        u = self.u_hat()
        t = torch.tanh(z @ self.w + self.b)
        return z + t[:, None] * u, torch.log(torch.abs(1 + (1 - t ** 2) * (self.w @ u)))


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    def forward(self, z0):
        log_q = -0.5 * (z0 ** 2).sum(1)  # the constant -D/2 log(2 pi) is dropped
        z = z0
        for layer in self.layers:
            z, ld = layer(z)
            log_q = log_q - ld
        return z, log_q

    def sample(self, n):
        return self(torch.randn(n, self.dim))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "m(a) = softplus(a) - 1 > -1", "q3a": "no", "q3b": "VI"}
