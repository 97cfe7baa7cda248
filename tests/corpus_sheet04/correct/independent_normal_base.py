# Style of flows on a torch.distributions base (as in pyro's TransformedDistribution examples and
# the nflows/normflows tutorials that wrap Normal in Independent(., 1)): loc/scale buffers, the base
# built on demand, base.sample((n,)), keepdim dot products and a stacked list of log-dets.
# Written for this corpus.
import torch
import torch.nn.functional as F
from torch import nn
from torch.distributions import Independent, Normal


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(torch.randn(dim) * 0.01)
        self.w = nn.Parameter(torch.randn(dim) * 0.01)
        self.b = nn.Parameter(torch.randn(1) * 0.01)

    def u_hat(self):
        wtu = (self.w * self.u).sum(-1, keepdim=True)           # (1,)
        m_wtu = -1 + F.softplus(wtu)
        return self.u + (m_wtu - wtu) * self.w / (self.w ** 2).sum(-1, keepdim=True)

    def forward(self, z):
        u_hat = self.u_hat()
        lin = (z * self.w).sum(-1, keepdim=True) + self.b       # (N, 1)
        out = z + u_hat * torch.tanh(lin)
        psi = (1 - torch.tanh(lin) ** 2) * self.w                # (N, D)
        det = 1 + (psi * u_hat).sum(-1)                          # (N,)
        return out, det.abs().log()


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.register_buffer("loc", torch.zeros(dim))
        self.register_buffer("scale", torch.ones(dim))
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    def base(self):
        return Independent(Normal(self.loc, self.scale), 1)

    def forward(self, z0):
        log_dets = []
        z = z0
        for layer in self.layers:
            z, ld = layer(z)
            log_dets.append(ld)
        return z, self.base().log_prob(z0) - torch.stack(log_dets).sum(0)

    def sample(self, n):
        z0 = self.base().sample((n,))
        return self(z0)


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "w^T u_hat = -1 + softplus(w^T u), softplus > 0",
                  "q3a": "No: f^-1 has no closed form",
                  "q3b": "VI: we only evaluate densities of our own samples"}
