# Style of AurelienNioche/ProbHealth (inference/flows/flow_types/plannar.py) and IkumaOka/vm
# (norm_flow/normalizig_flow.py): a `safe_log(x) = log(x + eps)` helper for the log-determinant,
# parameters initialised with nn.init.uniform_, the activation held as an nn.Tanh() submodule.
# Written for this corpus; the u_hat fix added as the sheet asks.
import math

import torch
import torch.nn.functional as F
from torch import nn


def safe_log(x, eps=1e-7):
    return torch.log(x + eps)


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(torch.empty(dim))
        self.w = nn.Parameter(torch.empty(dim))
        self.b = nn.Parameter(torch.empty(1))
        self.tanh = nn.Tanh()
        self.reset_parameters()

    def reset_parameters(self):
        nn.init.uniform_(self.u, -0.01, 0.01)
        nn.init.uniform_(self.w, -0.01, 0.01)
        nn.init.uniform_(self.b, -0.01, 0.01)

    def u_hat(self):
        wu = self.w @ self.u
        return self.u + (F.softplus(wu) - 1 - wu) * self.w / torch.sum(self.w ** 2)

    def forward(self, z):
        u = self.u_hat()
        activation = self.tanh(z @ self.w + self.b)
        f = z + u * activation.unsqueeze(1)
        psi = (1 - activation ** 2).unsqueeze(1) * self.w
        det_grad = 1 + psi @ u
        return f, safe_log(det_grad.abs())


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    def forward(self, z0):
        sum_ld = torch.zeros(z0.shape[0])
        z = z0
        for layer in self.layers:
            z, ld = layer(z)
            sum_ld = sum_ld + ld
        log_base = -0.5 * (z0 ** 2).sum(-1) - 0.5 * self.dim * math.log(2 * math.pi)
        return z, log_base - sum_ld

    def sample(self, n):
        return self(torch.randn(n, self.dim))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "w^T u_hat = -1 + softplus(w^T u) > -1",
                  "q3a": "a planar layer has no closed-form inverse",
                  "q3b": "VI needs only samples and their own densities"}
