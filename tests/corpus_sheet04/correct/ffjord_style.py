# Style of the PlanarFlow in rtqichen/ffjord (lib/layers/norm_flows.py): PlanarFlow(nd), parameters
# made with register_parameter and reset with uniform(-1/sqrt(nd), 1/sqrt(nd)), w used as a column
# through torch.mm, a _detgrad(z) helper and log(detgrad + 1e-8) without abs (the fix keeps
# detgrad > 0). Written for this corpus; the fix is applied in forward, as the sheet asks.
import math

import torch
import torch.nn.functional as F
from torch import nn


class PlanarFlow(nn.Module):
    def __init__(self, nd=1):
        super().__init__()
        self.nd = nd
        self.activation = torch.tanh
        self.register_parameter("u", nn.Parameter(torch.randn(self.nd)))
        self.register_parameter("w", nn.Parameter(torch.randn(self.nd)))
        self.register_parameter("b", nn.Parameter(torch.randn(1)))
        self.reset_parameters()

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.nd)
        self.u.data.uniform_(-stdv, stdv)
        self.w.data.uniform_(-stdv, stdv)
        self.b.data.fill_(0)

    def u_hat(self):
        dot = torch.dot(self.u, self.w)
        m = -1 + F.softplus(dot)
        return self.u + (m - dot) / torch.norm(self.w) ** 2 * self.w

    def _detgrad(self, z, u):
        h = self.activation(torch.mm(z, self.w.view(self.nd, 1)) + self.b)
        psi = (1 - h ** 2) * self.w.view(1, self.nd)                     # (N, nd)
        return 1 + torch.mm(psi, u.view(self.nd, 1)).squeeze(1)          # (N,)

    def forward(self, z):
        u = self.u_hat()
        h = self.activation(torch.mm(z, self.w.view(self.nd, 1)) + self.b)
        z_new = z + u.view(1, self.nd) * h
        return z_new, torch.log(self._detgrad(z, u) + 1e-8)


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    def forward(self, z0):
        logp = -0.5 * z0.pow(2).sum(1) - 0.5 * self.dim * math.log(2 * math.pi)
        z = z0
        for layer in self.layers:
            z, logdet = layer(z)
            logp = logp - logdet
        return z, logp

    def sample(self, n):
        return self.forward(torch.randn(n, self.dim))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "w.u_hat = -1 + softplus(w.u) > -1, so detgrad > 0",
                  "q3a": "No, the planar map has no analytic inverse",
                  "q3b": "variational inference"}
