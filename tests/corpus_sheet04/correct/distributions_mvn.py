# Style of flows built on torch.distributions (e.g. the "normalizing flows in PyTorch" tutorials
# using MultivariateNormal as the base): base mean/cov as buffers, base.log_prob, rsample.
import torch
import torch.nn.functional as F
from torch import nn
from torch.distributions import MultivariateNormal


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(torch.randn(dim) / dim)
        self.w = nn.Parameter(torch.randn(dim) / dim)
        self.b = nn.Parameter(torch.zeros(1))

    def u_hat(self):
        wu = self.w.dot(self.u)
        return self.u + (F.softplus(wu) - 1 - wu) * self.w / self.w.dot(self.w)

    def forward(self, z):
        u = self.u_hat()
        h = torch.tanh(F.linear(z, self.w[None], self.b)).squeeze(-1)
        x = z + h[:, None] * u[None, :]
        log_det = torch.log1p((1 - h ** 2) * self.w.dot(u))   # 1 + w.u_hat h' > 0 once fixed
        return x, log_det


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.register_buffer("loc", torch.zeros(dim))
        self.register_buffer("cov", torch.eye(dim))
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    @property
    def base(self):
        return MultivariateNormal(self.loc, self.cov)

    def forward(self, z0):
        log_prob = self.base.log_prob(z0)
        for layer in self.layers:
            z0, ld = layer(z0)
            log_prob = log_prob - ld
        return z0, log_prob

    def sample(self, n):
        return self(self.base.rsample((n,)))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "w.u_hat = softplus(w.u) - 1", "q3a": "f^-1 not closed form", "q3b": "VI"}
