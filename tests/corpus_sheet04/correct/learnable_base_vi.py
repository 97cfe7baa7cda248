# Style of the VI posteriors of Rezende & Mohamed (2015) as re-implemented in amortised-VI repos
# (e.g. riannevdberg/sylvester-flows, models/VAE.py: q0 = N(mu, diag sigma^2) then K planar flows):
# the base is a diagonal Gaussian with learnable mean and log-std, initialised to N(0, I), sampled by
# reparameterisation; the log-det accumulated in place. Written for this corpus.
import math

import torch
import torch.nn.functional as F
from torch import nn


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(torch.Tensor(dim).normal_(0, 0.01))
        self.w = nn.Parameter(torch.Tensor(dim).normal_(0, 0.01))
        self.b = nn.Parameter(torch.Tensor(1).zero_())

    def u_hat(self):
        wu = torch.matmul(self.w, self.u)
        return self.u + ((-1 + F.softplus(wu)) - wu) * self.w / torch.matmul(self.w, self.w)

    def forward(self, z):
        uh = self.u_hat()
        wzb = torch.matmul(z, self.w) + self.b
        z_new = z + uh.unsqueeze(0) * torch.tanh(wzb).unsqueeze(1)
        log_det = torch.log(torch.abs(1.0 + (1.0 - torch.tanh(wzb) ** 2) * torch.matmul(self.w, uh)))
        return z_new, log_det


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.q0_mean = nn.Parameter(torch.zeros(dim))
        self.q0_log_std = nn.Parameter(torch.zeros(dim))
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    def log_q0(self, z0):
        std = self.q0_log_std.exp()
        return (-0.5 * ((z0 - self.q0_mean) / std) ** 2 - self.q0_log_std - 0.5 * math.log(2 * math.pi)).sum(-1)

    def forward(self, z0):
        log_q = self.log_q0(z0)
        z = z0
        for flow in self.layers:
            z, ld = flow(z)
            log_q -= ld
        return z, log_q

    def sample(self, n):
        eps = torch.randn(n, self.dim)
        return self(self.q0_mean + self.q0_log_std.exp() * eps)


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "w.u_hat = m(w.u) > -1 since softplus > 0",
                  "q3a": "No: evaluating log p(x) needs f^-1(x), not available in closed form",
                  "q3b": "VI: ELBO needs samples from q and log q of those samples only"}
