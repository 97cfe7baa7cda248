# Style of pyro's Planar transform (pyro-ppl/pyro, pyro/distributions/transforms/planar.py): _call(x) caches
# tanh(w^T x + b), log_abs_det_jacobian(x, y) reads the cache, and the flow drives each transform as
# TransformedDistribution does (y = t._call(x), then t.log_abs_det_jacobian(x, y)); forward returns both as the
# contract asks. Written for this corpus.
import math

import torch
import torch.nn.functional as F
from torch import nn


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(torch.empty(dim).uniform_(-0.1, 0.1))
        self.w = nn.Parameter(torch.empty(dim).uniform_(-0.1, 0.1))
        self.b = nn.Parameter(torch.zeros(1))
        self._cached_act = None

    def u_hat(self):
        alpha = torch.dot(self.u, self.w)
        a_prime = -1 + F.softplus(alpha)
        return self.u + (a_prime - alpha) * self.w.div(self.w.pow(2).sum())

    def _call(self, x):
        act = torch.tanh(torch.matmul(x, self.w) + self.b)
        self._cached_act = act
        return x + self.u_hat() * act.unsqueeze(-1)

    def log_abs_det_jacobian(self, x, y):
        psi = (1 - self._cached_act.pow(2)).unsqueeze(-1) * self.w
        return torch.log(torch.abs(1 + torch.matmul(psi, self.u_hat())))

    def forward(self, z):
        y = self._call(z)
        return y, self.log_abs_det_jacobian(z, y)


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList(PlanarFlow(dim) for _ in range(K))

    def base_log_prob(self, z):
        return -0.5 * z.pow(2).sum(-1) - 0.5 * self.dim * math.log(2 * math.pi)

    def forward(self, z0):
        log_prob, z = self.base_log_prob(z0), z0
        for t in self.layers:
            y = t._call(z)
            log_prob = log_prob - t.log_abs_det_jacobian(z, y)
            z = y
        return z, log_prob

    def sample(self, n):
        return self.forward(torch.randn(n, self.dim))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "w.u_hat = m(w.u) = -1 + softplus(.) > -1",
                  "q3a": "no analytic inverse of a planar layer",
                  "q3b": "VI only needs samples and their own densities"}
