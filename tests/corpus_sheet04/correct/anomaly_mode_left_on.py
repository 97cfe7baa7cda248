# A student who chased a NaN with autograd's anomaly mode and left it switched on at import, as the
# PyTorch forum answers to "nan in normalizing flow training" suggest (torch.autograd.set_detect_anomaly;
# see also the detect_anomaly notes in pytorch/pytorch, docs/source/autograd.rst). Anomaly mode only adds
# checks and stack traces; the maths is the sheet's. Layer in the style of karpathy/pytorch-normalizing-flows
# (nflib/flows.py), the flow a plain loop. Written for this corpus.
import math

import torch
import torch.nn.functional as F
from torch import nn

torch.autograd.set_detect_anomaly(True)


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(torch.randn(dim) * 0.1)
        self.w = nn.Parameter(torch.randn(dim) * 0.1)
        self.b = nn.Parameter(torch.randn(1) * 0.1)

    def u_hat(self):
        wu = torch.dot(self.w, self.u)
        return self.u + (F.softplus(wu) - 1 - wu) * self.w / torch.dot(self.w, self.w)

    def forward(self, z):
        u = self.u_hat()
        act = torch.tanh(z @ self.w + self.b)
        x = z + act.unsqueeze(1) * u
        log_det = torch.log(torch.abs(1 + (1 - act ** 2) * torch.dot(self.w, u)))
        return x, log_det


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    def forward(self, z0):
        log_det_sum = torch.zeros(z0.shape[0], dtype=z0.dtype)
        z = z0
        for layer in self.layers:
            z, log_det = layer(z)
            log_det_sum = log_det_sum + log_det
        log_base = -0.5 * (z0 ** 2).sum(dim=1) - 0.5 * self.dim * math.log(2 * math.pi)
        return z, log_base - log_det_sum

    def sample(self, n):
        z0 = torch.randn(n, self.dim)
        return self.forward(z0)


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "w^T u_hat = -1 + softplus(w^T u), and softplus > 0",
                  "q3a": "No: f has no closed-form inverse, so z0 for a given x needs a root search",
                  "q3b": "variational inference: samples and their own densities come from the forward pass"}
