# As correct/flow_calls_logdet_method.py (ericmjl/fundl style: the flow calls each layer's transform and its
# log-det-Jacobian separately), with the layers kept in a Python list registered through nn.ModuleList(that list)
# and the loop over the Python list (the list + ModuleList registration idiom of karpathy/pytorch-normalizing-flows,
# nflib/flows.py NormalizingFlow: self.flows = nn.ModuleList(flows)). Written for this corpus.
import math

import torch
import torch.nn.functional as F
from torch import nn


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(torch.randn(dim) * 0.1)
        self.w = nn.Parameter(torch.randn(dim) * 0.1)
        self.b = nn.Parameter(torch.zeros(1))
        self.h = nn.Tanh()
        self.h_prime = lambda a: 1 - torch.tanh(a) ** 2

    def u_hat(self):
        wu = self.w @ self.u
        return self.u + (F.softplus(wu) - 1 - wu) * self.w / (self.w @ self.w)

    def psi(self, z):
        return self.h_prime(z @ self.w + self.b)[:, None] * self.w

    def transform(self, z):
        return z + self.h(z @ self.w + self.b)[:, None] * self.u_hat()

    def log_abs_det_jacobian(self, z):
        return torch.log(torch.abs(1 + self.psi(z) @ self.u_hat()))

    def forward(self, z):
        return self.transform(z), self.log_abs_det_jacobian(z)


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.flows = [PlanarFlow(dim) for _ in range(K)]
        self.layers = nn.ModuleList(self.flows)

    def forward(self, z0):
        z, log_p = z0, -0.5 * (z0 ** 2).sum(1) - 0.5 * self.dim * math.log(2 * math.pi)
        for layer in self.flows:
            log_p = log_p - layer.log_abs_det_jacobian(z)
            z = layer.transform(z)
        return z, log_p

    def sample(self, n):
        return self(torch.randn(n, self.dim))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "w.u_hat = -1 + softplus(w.u) > -1",
                  "q3a": "a planar layer has no closed-form inverse, so z0 of a data point is not available",
                  "q3b": "variational inference: only densities of the flow's own samples are needed"}
