# Style of flow code that scripts its small tensor helpers with TorchScript, as NVIDIA/waveglow
# (glow.py: `@torch.jit.script def fused_add_tanh_sigmoid_multiply(...)`) does: here the planar
# u-hat and the layer step are annotated module-level functions under @torch.jit.script, the
# module only holds u, w, b. Written for this corpus.
import math

import torch
import torch.nn.functional as F
from torch import nn


@torch.jit.script
def planar_u_hat(u: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    wu = torch.dot(w, u)
    return u + (F.softplus(wu) - 1.0 - wu) * w / torch.dot(w, w)


@torch.jit.script
def planar_step(z: torch.Tensor, u_hat: torch.Tensor, w: torch.Tensor, b: torch.Tensor):
    a = torch.mv(z, w) + b
    h = torch.tanh(a)
    out = z + h.unsqueeze(1) * u_hat.unsqueeze(0)
    log_det = torch.log(torch.abs(1.0 + (1.0 - h * h) * torch.dot(w, u_hat)))
    return out, log_det


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(torch.randn(dim) * 0.1)
        self.w = nn.Parameter(torch.randn(dim) * 0.1)
        self.b = nn.Parameter(torch.zeros(1))

    def u_hat(self):
        return planar_u_hat(self.u, self.w)

    def forward(self, z):
        return planar_step(z, self.u_hat(), self.w, self.b)


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    def forward(self, z0):
        log_q = -0.5 * (z0 * z0).sum(1) - 0.5 * self.dim * math.log(2 * math.pi)
        z = z0
        for layer in self.layers:
            z, log_det = layer(z)
            log_q = log_q - log_det
        return z, log_q

    def sample(self, n):
        return self(torch.randn(n, self.dim))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "w^T u_hat = softplus(w^T u) - 1 > -1", "q3a": "no", "q3b": "VI"}
