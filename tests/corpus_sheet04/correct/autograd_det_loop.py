# Style of checking the closed form with torch.autograd.functional.jacobian (pytorch/pytorch,
# torch/autograd/functional.py, its docstring examples): here the layer's log-determinant IS computed that way,
# row by row with create_graph=True, as torch.log(torch.abs(torch.linalg.det(J))). Written for this corpus.
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.autograd.functional import jacobian


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.dim = dim
        self.u = nn.Parameter(torch.empty(dim).normal_(0, 0.1))
        self.w = nn.Parameter(torch.empty(dim).normal_(0, 0.1))
        self.b = nn.Parameter(torch.zeros(1))

    def u_hat(self):
        wu = torch.dot(self.w, self.u)
        m = -1 + F.softplus(wu)
        return self.u + (m - wu) * self.w / torch.norm(self.w) ** 2

    def transform(self, z):
        return z + self.u_hat() * torch.tanh(z @ self.w + self.b).unsqueeze(-1)

    def forward(self, z):
        x = self.transform(z)
        dets = []
        for row in z:
            J = jacobian(lambda r: self.transform(r[None])[0], row, create_graph=True)
            dets.append(torch.linalg.det(J))
        log_det = torch.log(torch.abs(torch.stack(dets)))
        return x, log_det


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList()
        for _ in range(K):
            self.layers.append(PlanarFlow(dim))

    def log_base(self, z):
        return -0.5 * (z ** 2).sum(dim=1) - self.dim / 2 * np.log(2 * np.pi)

    def forward(self, z0):
        x, sum_log_det = z0, 0
        for layer in self.layers:
            x, ld = layer(x)
            sum_log_det = sum_log_det + ld
        return x, self.log_base(z0) - sum_log_det

    def sample(self, n):
        return self(torch.randn(n, self.dim))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "w^T u_hat = -1 + softplus(w^T u) > -1",
                  "q3a": "no closed-form inverse of a planar layer",
                  "q3b": "VI needs only samples and their own log-densities"}
