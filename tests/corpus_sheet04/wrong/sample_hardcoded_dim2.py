# Style: IkumaOka/vm (norm_flow/normalizig_flow.py: h, h_prime held as lambdas); ONE mistake: sample draws torch.randn(n, 2) (dim hard-coded).
import math
import torch
import torch.nn.functional as F
from torch import nn


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.dim = dim
        self.u = nn.Parameter(torch.empty(dim).normal_(0, 0.1))
        self.w = nn.Parameter(torch.empty(dim).normal_(0, 0.1))
        self.b = nn.Parameter(torch.zeros(1))
        self.h = torch.tanh
        self.h_prime = lambda x: 1 - torch.tanh(x) ** 2

    def u_hat(self):
        wu = self.w @ self.u
        return self.u + (F.softplus(wu) - 1 - wu) * self.w / (self.w @ self.w)

    def forward(self, z):
        u = self.u_hat()
        lin = F.linear(z, self.w) + self.b  # 1-D weight: (N,)
        f = z + self.h(lin).unsqueeze(1) * u
        psi = self.h_prime(lin).unsqueeze(1) * self.w
        return f, torch.log(torch.abs(1 + psi @ u))


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    def forward(self, z0):
        logdets, z = [], z0
        for layer in self.layers:
            z, ld = layer(z)
            logdets.append(ld)
        base = torch.distributions.Normal(torch.zeros(self.dim), torch.ones(self.dim))
        return z, base.log_prob(z0).sum(-1) - sum(logdets)

    def sample(self, n):
        return self(torch.randn(n, 2))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "softplus > 0 so w.u_hat > -1", "q3a": "no inverse", "q3b": "VI"}
