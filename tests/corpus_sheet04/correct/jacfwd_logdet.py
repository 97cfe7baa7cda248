# Style of the torch.func ("functorch") Jacobian recipes (pytorch/pytorch, docs/source/func.whirlwind_tour.md /
# the jacobians-hessians tutorial): the layer's log |det J| computed from its own map with
# torch.func.vmap(torch.func.jacfwd(...)) and torch.logdet, O(D^3) but exact; u_hat via torch.inner.
import math

import torch
import torch.nn.functional as F
from torch import nn
from torch.func import jacfwd, vmap


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(torch.randn(dim) / math.sqrt(dim))
        self.w = nn.Parameter(torch.randn(dim) / math.sqrt(dim))
        self.b = nn.Parameter(torch.zeros(1))

    def u_hat(self):
        wu = torch.inner(self.w, self.u)
        return self.u + (F.softplus(wu) - 1 - wu) * self.w / torch.inner(self.w, self.w)

    def _f(self, z_row, u_hat):
        return z_row + u_hat * torch.tanh(torch.inner(self.w, z_row) + self.b)

    def forward(self, z):
        u_hat = self.u_hat()
        y = z + u_hat * torch.tanh(z @ self.w + self.b).unsqueeze(1)
        jac = vmap(jacfwd(self._f), in_dims=(0, None))(z, u_hat)  # (N, D, D)
        return y, torch.logdet(jac)


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim, self.K = dim, K
        self.layers = nn.ModuleList(PlanarFlow(dim) for _ in range(K))
        self.register_buffer("loc", torch.zeros(dim))
        self.register_buffer("cov", torch.eye(dim))

    def forward(self, z0):
        base = torch.distributions.MultivariateNormal(self.loc, self.cov)
        log_prob, z = base.log_prob(z0), z0
        for layer, _ in zip(self.layers, range(self.K)):
            z, ld = layer(z)
            log_prob = log_prob - ld
        return z, log_prob

    def sample(self, n, device=None, dtype=None):
        return self(torch.randn(n, self.dim, device=device, dtype=dtype))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "w.u_hat = -1 + softplus(w.u) > -1",
                  "q3a": "no closed-form inverse, so no z0 for a given x",
                  "q3b": "VI: samples and their densities come together"}
