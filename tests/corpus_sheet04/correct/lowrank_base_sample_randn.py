# As lowrank_base_cache.py (karpathy/pytorch-normalizing-flows style: the base made once at module level, here one
# LowRankMultivariateNormal per size in a dict, the dim-2 one made in float32 by the shape check at the end of the
# file), but sample() draws torch.randn(n, dim) itself and the base only scores z0; w^T z by torch.mv.
# Written for this corpus.
import torch
import torch.nn.functional as F
from torch import nn
from torch.distributions import LowRankMultivariateNormal

_BASES = {}


def standard_normal(dim):
    """N(0, I_dim), built once per size (a LowRankMultivariateNormal with a zero factor is N(0, I))."""
    if dim not in _BASES:
        _BASES[dim] = LowRankMultivariateNormal(torch.zeros(dim), cov_factor=torch.zeros(dim, 1), cov_diag=torch.ones(dim))
    return _BASES[dim]


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(0.1 * torch.randn(dim))
        self.w = nn.Parameter(0.1 * torch.randn(dim))
        self.b = nn.Parameter(torch.zeros(1))

    def u_hat(self):
        wu = torch.dot(self.w, self.u)
        return self.u + (-1 + F.softplus(wu) - wu) * self.w / self.w.pow(2).sum()

    def forward(self, z):
        u_hat = self.u_hat()
        a = torch.mv(z, self.w) + self.b
        f = z + u_hat * torch.tanh(a)[:, None]
        det = 1 + (1 - torch.tanh(a) ** 2) * torch.dot(self.w, u_hat)
        return f, torch.log(det.abs())


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList(PlanarFlow(dim) for _ in range(K))

    def forward(self, z0):
        log_q, z = standard_normal(self.dim).log_prob(z0), z0
        for layer in self.layers:
            z, ld = layer(z)
            log_q = log_q - ld
        return z, log_q

    def sample(self, n):
        return self.forward(torch.randn(n, self.dim))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "m(a) > -1", "q3a": "no inverse", "q3b": "VI"}

# quick check that the shapes fit
_x, _log_q = Flow(2, 8).sample(5)
assert _x.shape == (5, 2) and _log_q.shape == (5,)
