# Another map for 1b (the sheet allows "any other map with w^T u_hat > -1"): u is corrected only
# when w^T u <= -1, with a Python `if` (the code search finds a PlanarLayer, repository not named
# by the index, whose forward starts "# ensure w^Tu >= -1 as in Appedix A.1"; here the check is
# explicit), so u_hat = u wherever w^T u > -1 already. h' written as
# 1 / cosh^2; log1p for log(1 + .) without abs (1 + u_hat^T psi > 0 once w^T u_hat > -1).
# Written for this corpus.
import math

import torch
import torch.nn.functional as F
from torch import nn


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(torch.randn(dim) / math.sqrt(dim))
        self.w = nn.Parameter(torch.randn(dim) / math.sqrt(dim))
        self.b = nn.Parameter(torch.randn(1) * 0.01)

    def u_hat(self):
        wu = self.w @ self.u
        if wu > -1:
            return self.u
        return self.u + (F.softplus(wu) - 1 - wu) * self.w / (self.w @ self.w)

    def forward(self, z):
        u = self.u_hat()
        lin = z @ self.w + self.b
        f = z + u * torch.tanh(lin).unsqueeze(-1)
        psi = (1 / torch.cosh(lin) ** 2).unsqueeze(-1) * self.w
        return f, torch.log1p(psi @ u)


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList()
        for _ in range(K):
            self.layers.append(PlanarFlow(dim))

    def forward(self, z0):
        sum_log_det = torch.zeros(z0.shape[0], dtype=z0.dtype, device=z0.device)
        z = z0
        for flow in self.layers:
            z, log_det = flow(z)
            sum_log_det += log_det
        log_base = -0.5 * (z0.pow(2) + math.log(2 * math.pi)).sum(1)
        return z, log_base - sum_log_det

    def sample(self, n):
        z0 = torch.randn(n, self.dim)
        return self.forward(z0)


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "if w^T u > -1 keep u; else w^T u_hat = softplus(w^T u) - 1 > -1",
                  "q3a": "no", "q3b": "VI"}
