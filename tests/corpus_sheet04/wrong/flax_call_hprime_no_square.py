# Style of Flax linen modules ported to torch (google/flax, flax/linen/module.py: a module's maths lives in
# `__call__`): the port keeps `__call__` for the layer and the flow and defines no forward; the flow calls
# `layer(z)`. ONE mistake: h'(a) is written
# 1 - tanh(a) (not squared) in the log-determinant; f(z), the fix and the flow are right.
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

    def u_hat(self):
        wu = self.w @ self.u
        return self.u + (F.softplus(wu) - 1 - wu) * self.w / (self.w @ self.w)

    def __call__(self, z):
        u_hat = self.u_hat()
        act = torch.tanh(z @ self.w + self.b)
        y = z + act[:, None] * u_hat
        log_det = torch.log(torch.abs(1 + (1 - act) * (self.w @ u_hat)))
        return y, log_det


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    def __call__(self, z0):
        log_p = -0.5 * (z0 ** 2).sum(-1) - 0.5 * self.dim * math.log(2 * math.pi)
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
JUSTIFICATIONS = {"q1b": "w.u_hat = -1 + softplus(w.u) > -1",
                  "q3a": "no closed-form inverse of f",
                  "q3b": "VI only evaluates q at its own samples"}
