# Mistake: sample(n) calls torch.manual_seed(seed) on every call (to make its plots reproducible),
# so every call returns the same base samples and the same x; everything else is right.
# Style of tonyduan/normalizing-flows (nf/models.py, NormalizingFlowModel): a prior object
# (torch.distributions.MultivariateNormal) held by the model, log-dets accumulated into
# `torch.zeros(m)`, `sample(n_samples)` drawing `self.prior.sample((n_samples,))`; adapted to the
# contract (self.layers, forward(z0) -> (x, log_prob)). Written for this corpus.
import torch
import torch.nn.functional as F
from torch import nn
from torch.distributions import MultivariateNormal


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(torch.randn(dim) * 0.05)
        self.w = nn.Parameter(torch.randn(dim) * 0.05)
        self.b = nn.Parameter(torch.zeros(1))

    def u_hat(self):
        wu = torch.dot(self.w, self.u)
        return self.u + (-1 + F.softplus(wu) - wu) * self.w / torch.dot(self.w, self.w)

    def forward(self, x):
        u = self.u_hat()
        a = x @ self.w + self.b
        z = x + torch.outer(torch.tanh(a), u)
        log_det = torch.log(torch.abs(1 + (1 - torch.tanh(a) ** 2) * torch.dot(self.w, u)))
        return z, log_det


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.prior = MultivariateNormal(torch.zeros(dim), torch.eye(dim))
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    def forward(self, z0):
        m, _ = z0.shape
        log_det = torch.zeros(m)
        x = z0
        for flow in self.layers:
            x, ld = flow(x)
            log_det += ld
        return x, self.prior.log_prob(z0) - log_det

    def sample(self, n_samples, seed=0):
        torch.manual_seed(seed)
        z = self.prior.sample((n_samples,))
        return self.forward(z)


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "m(a) = -1 + softplus(a) > -1 and w^T u_hat = m(w^T u)",
                  "q3a": "no", "q3b": "variational inference"}
