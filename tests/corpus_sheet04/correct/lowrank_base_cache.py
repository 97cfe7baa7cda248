# Style of karpathy/pytorch-normalizing-flows (nflib notebooks: the prior built once at module level and handed to
# the model), one base per size kept in a module-level dict: N(0, I) as a LowRankMultivariateNormal with a zero
# factor; a shape check at the end of the file builds and samples Flow(2, 8), so the dim-2 base is made in float32
# at import. w^T z by (z * w).sum(-1, keepdim=True). Written for this corpus.
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
        a = (z * self.w).sum(-1, keepdim=True) + self.b       # (N, 1)
        f = z + u_hat * torch.tanh(a)
        det = 1 + (1 - torch.tanh(a).squeeze(-1) ** 2) * torch.dot(self.w, u_hat)
        return f, torch.log(torch.abs(det) + 1e-8)


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
        return self.forward(standard_normal(self.dim).rsample((n,)))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "m(a) > -1", "q3a": "no inverse", "q3b": "VI"}

# quick check that the shapes fit
_x, _log_q = Flow(2, 8).sample(5)
assert _x.shape == (5, 2) and _log_q.shape == (5,)
