# Style of planar flows that get h'(w^T z + b) from autograd instead of writing it out
# (`from torch.autograd import grad` with create_graph=True, as in several VI course repos whose
# PlanarFlow keeps `self.activation = torch.tanh` and a make_invertible step). Written for this corpus.
import math

import torch
import torch.nn.functional as F
from torch import nn
from torch.autograd import grad


class PlanarFlow(nn.Module):
    def __init__(self, nd=1):
        super().__init__()
        self.nd = nd
        self.activation = torch.tanh
        self.register_parameter("u", nn.Parameter(torch.empty(nd)))
        self.register_parameter("w", nn.Parameter(torch.empty(nd)))
        self.register_parameter("b", nn.Parameter(torch.empty(1)))
        self.reset_parameters()

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.nd)
        self.u.data.uniform_(-stdv, stdv)
        self.w.data.uniform_(-stdv, stdv)
        self.b.data.fill_(0)

    def u_hat(self):
        wu = torch.dot(self.w, self.u)
        return self.u + (-1 + F.softplus(wu) - wu) * self.w / torch.dot(self.w, self.w)

    def forward(self, z):
        u = self.u_hat()
        a = z @ self.w + self.b
        with torch.enable_grad():
            a_ = a if a.requires_grad else a.detach().requires_grad_(True)
            h = self.activation(a_)
            (h_prime,) = grad(h.sum(), a_, create_graph=True)
        x = z + h[:, None] * u
        log_det = torch.log(torch.abs(1 + h_prime * (self.w @ u)))
        return x, log_det


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
JUSTIFICATIONS = {"q1b": "w.u_hat = m(w.u) > -1", "q3a": "No closed-form inverse", "q3b": "VI"}
