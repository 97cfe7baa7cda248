# Style of torch.distributions.transforms used as flow layers (pytorch/pytorch,
# torch/distributions/transforms.py, and pyro's Planar built on it): each layer is a Transform and an
# nn.Module in pyro's TransformModule order (`class PlanarFlow(Transform, nn.Module)`), with
# _call / log_abs_det_jacobian; `layer(z)` is Transform.__call__ (y alone, cached), forward(z) gives the contract's
# (y, log_det); the flow samples through TransformedDistribution(base, list(self.layers)),
# its cache_size=1 giving back z0 for log_prob of the x it just drew.
import torch
import torch.nn.functional as F
from torch import nn
from torch.distributions import Independent, Normal, TransformedDistribution, constraints
from torch.distributions.transforms import Transform


class PlanarFlow(Transform, nn.Module):
    domain = constraints.real_vector
    codomain = constraints.real_vector
    bijective = True

    def __init__(self, dim):
        Transform.__init__(self, cache_size=1)
        nn.Module.__init__(self)
        self.u = nn.Parameter(0.1 * torch.randn(dim))
        self.w = nn.Parameter(0.1 * torch.randn(dim))
        self.b = nn.Parameter(torch.zeros(1))

    def __hash__(self):
        return nn.Module.__hash__(self)

    def u_hat(self):
        wu = self.w @ self.u
        return self.u + (F.softplus(wu) - 1 - wu) * self.w / (self.w @ self.w)

    def _call(self, z):
        return z + self.u_hat() * torch.tanh(z @ self.w + self.b).unsqueeze(-1)

    def log_abs_det_jacobian(self, z, y):
        psi = (1 - torch.tanh(z @ self.w + self.b) ** 2).unsqueeze(-1) * self.w
        return torch.log(torch.abs(1 + psi @ self.u_hat()))

    def forward(self, z):
        return self._call(z), self.log_abs_det_jacobian(z, None)


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList(PlanarFlow(dim) for _ in range(K))

    def base(self, like):
        return Independent(Normal(like.new_zeros(self.dim), like.new_ones(self.dim)), 1)

    def forward(self, z0):
        log_prob, z = self.base(z0).log_prob(z0), z0
        for layer in self.layers:
            z, ld = layer.forward(z)
            log_prob = log_prob - ld
        return z, log_prob

    def sample(self, n):
        q = TransformedDistribution(self.base(self.layers[0].u), list(self.layers))
        x = q.rsample((n,))
        return x, q.log_prob(x)


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "w.u_hat = -1 + softplus(w.u) > -1",
                  "q3a": "f has no closed-form inverse",
                  "q3b": "VI only needs the density of its own samples (cached)"}
