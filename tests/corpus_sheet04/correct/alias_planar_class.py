# Style of normflows' early flow hierarchy (VincentStimper/normalizing-flows, normflows/flows.py:
# a generic base class with forward/inverse, `class Planar(...)` with h and u-hat as in Rezende &
# Mohamed, a NormalizingFlow model on a base distribution). The student keeps the library's class
# names and binds the contract's names to them: `PlanarFlow = Planar`, `Flow = NormalizingFlow`.
# Written for this corpus.
import numpy as np
import torch
from torch import nn


class Transform(nn.Module):
    """Generic invertible map: forward returns (output, log |det J|)."""

    def forward(self, z):
        raise NotImplementedError("forward pass has not been implemented")

    def inverse(self, z):
        raise NotImplementedError("this flow has no algebraic inverse")


class Planar(Transform):
    """f(z) = z + u_hat h(w^T z + b) with h = tanh."""

    def __init__(self, dim, h=torch.tanh):
        super().__init__()
        bound = np.sqrt(1.0 / dim)
        self.u = nn.Parameter(torch.empty(dim).uniform_(-bound, bound))
        self.w = nn.Parameter(torch.empty(dim).uniform_(-bound, bound))
        self.b = nn.Parameter(torch.zeros(1))
        self.h = h

    def u_hat(self):
        wu = torch.dot(self.w, self.u)
        m = -1 + torch.nn.functional.softplus(wu)
        return self.u + (m - wu) * self.w / torch.dot(self.w, self.w)

    def forward(self, z):
        u = self.u_hat()
        lin = z @ self.w + self.b
        out = z + u[None, :] * self.h(lin)[:, None]
        h_prime = 1 - self.h(lin) ** 2
        log_det = torch.log(torch.abs(1 + h_prime * torch.dot(self.w, u)))
        return out, log_det


class NormalizingFlow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList([Planar(dim) for _ in range(K)])

    def forward(self, z0):
        log_q = -0.5 * self.dim * np.log(2 * np.pi) - 0.5 * torch.sum(z0 ** 2, dim=1)
        z = z0
        for layer in self.layers:
            z, log_det = layer(z)
            log_q = log_q - log_det
        return z, log_q

    def sample(self, num_samples=1):
        return self.forward(torch.randn(num_samples, self.dim))


# the sheet's names for the classes above
PlanarFlow = Planar
Flow = NormalizingFlow

CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "w^T u_hat = m(w^T u) = -1 + softplus(w^T u) > -1",
                  "q3a": "no: inverting a planar layer needs a root search",
                  "q3b": "VI: only samples and their own densities are needed"}
