# Style of modules that accept numpy arrays as well as tensors and pin their input to float32 at
# the top of forward (`if not torch.is_tensor(z): z = torch.as_tensor(z, dtype=torch.float32)`
# then `z = z.to(dtype=torch.float32)`, an idiom the code search finds in many modules, e.g. the
# latent-sample handling of a DETR-VAE robot policy). Right maths in the sheet's default float32;
# u-hat with torch.linalg.vector_norm, w^T z by einsum. Written for this corpus.
import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(torch.randn(dim) * 0.1)
        self.w = nn.Parameter(torch.randn(dim) * 0.1)
        self.b = nn.Parameter(torch.zeros(1))

    def u_hat(self):
        wtu = torch.dot(self.w, self.u)
        scale = (-1 + F.softplus(wtu) - wtu) / torch.linalg.vector_norm(self.w) ** 2
        return self.u + scale * self.w

    def forward(self, z):
        if not torch.is_tensor(z):
            z = torch.as_tensor(z, dtype=torch.float32)
        z = z.to(dtype=torch.float32)
        u_hat = self.u_hat()
        lin = torch.einsum("nd,d->n", z, self.w) + self.b
        f_z = z + u_hat.unsqueeze(0) * torch.tanh(lin).unsqueeze(1)
        det = 1 + (1 - torch.tanh(lin) ** 2) * torch.dot(self.w, u_hat)
        return f_z, torch.log(det.abs())


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    def forward(self, z0):
        if isinstance(z0, np.ndarray):
            z0 = torch.from_numpy(z0).float()
        log_prob = -0.5 * (z0 ** 2).sum(dim=1) - 0.5 * self.dim * math.log(2 * math.pi)
        x = z0
        for layer in self.layers:
            x, log_det = layer(x)
            log_prob = log_prob - log_det
        return x, log_prob

    def sample(self, n):
        return self.forward(torch.randn(n, self.dim, dtype=torch.float32))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "w^T u_hat = m(w^T u) = softplus(w^T u) - 1 > -1",
                  "q3a": "no: f has no closed-form inverse",
                  "q3b": "VI: samples and their own densities only"}
