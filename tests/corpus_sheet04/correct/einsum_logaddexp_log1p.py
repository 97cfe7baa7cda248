# Jax-to-torch port style (ericmjl/fundl, fundl/bijectors.py and fundl/layers/normalizing_flow.py: w^T z by a named
# contraction, the layers' log-Jacobians collected in a list and stacked at the end): 1-D u, w and a 0-d b, every
# product an einsum, m(a) = logaddexp(0, a) - 1, log|det| as log1p(psi . u_hat) without abs (1 + psi . u_hat > 0 once
# the fix holds), the base a MultivariateNormal with scale_tril. Written for this corpus.
import math
import torch
from torch import nn
from torch.distributions import MultivariateNormal


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(torch.randn(dim) * 0.1)
        self.w = nn.Parameter(torch.randn(dim) * 0.1)
        self.b = nn.Parameter(torch.tensor(0.0))

    def u_hat(self):
        wu = torch.einsum("d,d->", self.w, self.u)
        m = torch.logaddexp(torch.zeros_like(wu), wu) - 1
        return self.u + (m - wu) * self.w / torch.einsum("d,d->", self.w, self.w)

    def forward(self, z):
        u_hat = self.u_hat()
        a = torch.einsum("bd,d->b", z, self.w) + self.b
        f = z + torch.einsum("d,b->bd", u_hat, torch.tanh(a))
        psi = torch.einsum("b,d->bd", 1 - torch.tanh(a) ** 2, self.w)
        return f, torch.log1p(torch.einsum("bd,d->b", psi, u_hat))


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])
        self.base = MultivariateNormal(torch.zeros(dim), scale_tril=torch.eye(dim))

    def forward(self, z0):
        z, logdets = z0, []
        for layer in self.layers:
            z, ld = layer(z)
            logdets.append(ld)
        return z, self.base.log_prob(z0) - torch.stack(logdets).sum(0)

    def sample(self, n):
        return self.forward(self.base.rsample((n,)))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "w.u_hat = m(w.u) = softplus(w.u) - 1 > -1",
                  "q3a": "f has no closed-form inverse, so z0 of a data point is unknown",
                  "q3b": "VI needs only samples and their own densities"}
