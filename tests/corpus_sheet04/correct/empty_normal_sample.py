# Style of older VAE+flow repos (e.g. riannevdberg/sylvester-flows, models/flows.py) that draw noise
# with .normal_() on a new tensor and keep the log-det accumulator as a running sum in a list;
# log-det without abs (right once the fix holds: 1 + u_hat^T psi > 0).
import math

import torch
import torch.nn.functional as F
from torch import nn


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(torch.zeros(dim).normal_(0, 0.02))
        self.w = nn.Parameter(torch.zeros(dim).normal_(0, 0.02))
        self.b = nn.Parameter(torch.zeros(1))

    def u_hat(self):
        uw = (self.w * self.u).sum()
        m_uw = -1.0 + F.softplus(uw)
        w_norm_sq = (self.w ** 2).sum()
        return self.u + ((m_uw - uw) * self.w / w_norm_sq)

    def forward(self, zk):
        u_hat = self.u_hat()
        wzb = (zk * self.w).sum(dim=1, keepdim=True) + self.b
        z = zk + u_hat * torch.tanh(wzb)
        psi = self.w * (1 - torch.tanh(wzb) ** 2)
        log_det_jacobian = torch.log(1 + (psi * u_hat).sum(dim=1))
        return z, log_det_jacobian


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.z_size = dim
        self.layers = nn.ModuleList()
        for _ in range(K):
            self.layers.append(PlanarFlow(dim))

    def forward(self, z0):
        log_dets = []
        z = [z0]
        for k, flow_k in enumerate(self.layers):
            z_k, ldj = flow_k(z[k])
            z.append(z_k)
            log_dets.append(ldj)
        log_p0 = -0.5 * z0.pow(2).sum(1) - 0.5 * self.z_size * math.log(2 * math.pi)
        return z[-1], log_p0 - torch.stack(log_dets).sum(0)

    def sample(self, n):
        eps = torch.empty(n, self.z_size).normal_()
        return self.forward(eps)


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "m(a) > -1", "q3a": "no", "q3b": "vi"}
