# Style of the functional flow compositions of the JAX flow libraries ported to torch (e.g. the
# `functools.reduce` over bijectors of google/jax-based tutorials, and zuko's ComposedTransform,
# probabilists/zuko, zuko/transforms.py): the flow folds its layers with functools.reduce over a running
# (z, log_det_sum); the base density from torch.distributions.Normal(...).log_prob summed over the event;
# K read from len(self.layers).
import functools

import torch
from torch import nn
from torch.distributions import Normal


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        bound = 1.0 / dim ** 0.5
        self.u = nn.Parameter(torch.empty(dim).uniform_(-bound, bound))
        self.w = nn.Parameter(torch.empty(dim).uniform_(-bound, bound))
        self.b = nn.Parameter(torch.empty(()).uniform_(-bound, bound))

    def u_hat(self):
        wu = torch.linalg.vecdot(self.w, self.u)
        m = torch.logaddexp(torch.zeros_like(wu), wu) - 1
        return self.u + (m - wu) * self.w / torch.linalg.vecdot(self.w, self.w)

    def forward(self, z):
        u_hat = self.u_hat()
        t = torch.tanh(torch.einsum("nd,d->n", z, self.w) + self.b)
        y = z + torch.outer(t, u_hat)
        return y, torch.log1p((1 - t ** 2) * torch.dot(self.w, u_hat))


def _step(carry, layer):
    z, total = carry
    z, ld = layer(z)
    return z, total + ld


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    def forward(self, z0):
        x, total = functools.reduce(_step, self.layers, (z0, z0.new_zeros(len(z0))))
        base = Normal(torch.zeros_like(z0), torch.ones_like(z0)).log_prob(z0).sum(-1)
        return x, base - total

    def sample(self, n):
        p = next(self.parameters())
        return self.forward(torch.randn(n, self.dim, dtype=p.dtype, device=p.device))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "-1 + log(1 + e^a) > -1",
                  "q3a": "inverting f needs a root finder",
                  "q3b": "in VI we never evaluate a density at external data"}
