# Style of pyro's normalizing-flow examples (pyro-ppl/pyro, tutorial/source/normalizing_flows_i.ipynb:
# `T.Planar` transforms composed into one flow) written with torch.distributions alone: each layer is a
# Transform in pyro's TransformModule order (class PlanarFlow(Transform, nn.Module)); the Flow composes
# its layers with torch.distributions.transforms.ComposeTransform and reads the log-determinant from
# ComposeTransform.log_abs_det_jacobian(z0, x). Layer parameters are rows of one nn.Parameter (2, D).
# The Flow builds its TransformedDistribution once, in __init__ (the tutorial's `flow_dist`), and samples from it:
# it holds the layer objects themselves, not self.layers.
import math

import torch
import torch.nn.functional as F
from torch import nn
from torch.distributions import Independent, Normal, TransformedDistribution, constraints
from torch.distributions.transforms import ComposeTransform, Transform


class PlanarFlow(Transform, nn.Module):
    domain = constraints.real_vector
    codomain = constraints.real_vector
    bijective = True

    def __init__(self, dim):
        Transform.__init__(self, cache_size=1)
        nn.Module.__init__(self)
        self.uw = nn.Parameter(torch.randn(2, dim) / math.sqrt(dim))
        self.b = nn.Parameter(torch.zeros(()))

    __hash__ = nn.Module.__hash__

    @property
    def u(self):
        return self.uw[0]

    @property
    def w(self):
        return self.uw[1]

    def u_hat(self):
        wu = self.w @ self.u
        return self.u + (F.softplus(wu) - 1 - wu) * self.w / self.w.square().sum()

    def _call(self, z):
        return z + self.u_hat() * torch.tanh(z @ self.w + self.b)[..., None]

    def log_abs_det_jacobian(self, z, y):
        h_prime = 1 - torch.tanh(z @ self.w + self.b) ** 2
        return torch.log(torch.abs(1 + h_prime * (self.w @ self.u_hat())))

    def forward(self, z):
        return self._call(z), self.log_abs_det_jacobian(z, None)


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])
        base = Independent(Normal(torch.zeros(dim), torch.ones(dim)), 1)
        self.flow_dist = TransformedDistribution(base, list(self.layers))

    def forward(self, z0):
        transform = ComposeTransform(list(self.layers))
        x = transform(z0)
        log_base = -0.5 * z0.pow(2).sum(-1) - 0.5 * self.dim * math.log(2 * math.pi)
        return x, log_base - transform.log_abs_det_jacobian(z0, x)

    def sample(self, n):
        x = self.flow_dist.rsample((n,))
        return x, self.flow_dist.log_prob(x)


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "w.u_hat = -1 + softplus(w.u) > -1",
                  "q3a": "no analytic inverse",
                  "q3b": "variational inference: the flow's own samples and densities"}
