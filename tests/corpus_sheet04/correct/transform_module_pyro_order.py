# Style of pyro's TransformModule (pyro-ppl/pyro, pyro/distributions/torch_transform.py: class
# TransformModule(torch.distributions.Transform, torch.nn.Module), and transforms/planar.py): the layer is a
# torch.distributions.Transform first and an nn.Module second, with domain/codomain constraints,
# bijective = True, _call, log_abs_det_jacobian(x, y) and the Module's hash restored. In that order calling
# the layer is Transform.__call__ (it returns _call(z) alone), so the student writes the contract's
# forward(z) -> (f(z), log|det|) beside it and the flow calls layer.forward(z). Written for this corpus.
import math

import torch
import torch.nn.functional as F
from torch import nn
from torch.distributions import Transform, constraints


class PlanarFlow(Transform, nn.Module):
    domain = constraints.real_vector
    codomain = constraints.real_vector
    bijective = True

    def __init__(self, dim):
        super().__init__(cache_size=0)  # Transform.__init__, which calls nn.Module.__init__
        self.u = nn.Parameter(torch.empty(dim).uniform_(-0.05, 0.05))
        self.w = nn.Parameter(torch.empty(dim).uniform_(-0.05, 0.05))
        self.b = nn.Parameter(torch.zeros(1))

    __hash__ = nn.Module.__hash__  # Transform's __eq__ leaves the class unhashable otherwise

    def u_hat(self):
        alpha = torch.dot(self.u, self.w)
        return self.u + (-1 + F.softplus(alpha) - alpha) * self.w / self.w.pow(2).sum()

    def _call(self, x):
        return x + self.u_hat() * torch.tanh(x @ self.w + self.b).unsqueeze(-1)

    def log_abs_det_jacobian(self, x, y):
        psi = (1 - torch.tanh(x @ self.w + self.b) ** 2).unsqueeze(-1) * self.w
        return torch.log(torch.abs(1 + psi @ self.u_hat()))

    def forward(self, z):
        y = self._call(z)
        return y, self.log_abs_det_jacobian(z, y)


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    def forward(self, z0):
        log_prob = -0.5 * z0.pow(2).sum(-1) - 0.5 * self.dim * math.log(2 * math.pi)
        z = z0
        for t in self.layers:
            z, ldj = t.forward(z)  # t(z) would be Transform.__call__: f(z) alone
            log_prob = log_prob - ldj
        return z, log_prob

    def sample(self, n):
        return self(torch.randn(n, self.dim))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "w^T u_hat = -1 + softplus(w^T u) > -1",
                  "q3a": "no closed-form inverse of a planar layer",
                  "q3b": "VI needs only samples and their own log-densities"}
