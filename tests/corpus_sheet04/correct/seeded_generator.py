# Style of sampling code that owns its random stream (a torch.Generator seeded once in __init__ and
# passed as `generator=` to every draw, as diffusers' `randn_tensor(..., generator=generator)` and
# reproducible-research flow code do): every call draws fresh noise from the same stream.
# Parameters made with a `reset_parameters()` that uses nn.init.normal_; the layer written with
# torch.mv and torch.outer. Written for this corpus.
import math

import torch
import torch.nn.functional as F
from torch import nn


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(torch.empty(dim))
        self.w = nn.Parameter(torch.empty(dim))
        self.b = nn.Parameter(torch.empty(1))
        self.reset_parameters()

    def reset_parameters(self):
        nn.init.normal_(self.u, std=0.01)
        nn.init.normal_(self.w, std=0.01)
        nn.init.zeros_(self.b)

    def u_hat(self):
        wtu = torch.dot(self.w, self.u)
        m_wtu = -1.0 + F.softplus(wtu)
        return self.u + (m_wtu - wtu) * self.w / torch.norm(self.w) ** 2

    def forward(self, z):
        u_hat = self.u_hat()
        pre = torch.mv(z, self.w) + self.b
        f_z = z + torch.outer(torch.tanh(pre), u_hat)
        psi = torch.cosh(pre).pow(-2).unsqueeze(1) * self.w  # h'(a) = sech^2(a)
        log_det = torch.log(torch.abs(1.0 + torch.mv(psi, u_hat)))
        return f_z, log_det


class Flow(nn.Module):
    def __init__(self, dim, K, seed=1234):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])
        self.generator = torch.Generator().manual_seed(seed)

    def forward(self, z0):
        log_prob = -0.5 * torch.einsum("nd,nd->n", z0, z0) - 0.5 * self.dim * math.log(2 * math.pi)
        z = z0
        for layer in self.layers:
            z, log_det = layer(z)
            log_prob = log_prob - log_det
        return z, log_prob

    @torch.no_grad()
    def _noise(self, n):
        return torch.randn(n, self.dim, generator=self.generator)

    def sample(self, n):
        return self(self._noise(n))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "w^T u_hat = m(w^T u) and softplus > 0",
                  "q3a": "f^-1 has no closed form", "q3b": "VI: reverse KL needs samples + own log q"}
