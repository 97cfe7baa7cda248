# Style of karpathy/pytorch-normalizing-flows (nflib/flows.py, NormalizingFlowModel): the base (prior) kept as a
# plain attribute and sampled with .sample(), which draws without autograd (here spelled out: torch.no_grad()
# around the draw); the layers then run with autograd on. Base with a precision matrix. Written for this corpus.
import torch
import torch.nn.functional as F
from torch import nn
from torch.distributions import MultivariateNormal


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(torch.randn(dim) * 0.01)
        self.w = nn.Parameter(torch.randn(dim) * 0.01)
        self.b = nn.Parameter(torch.randn(1) * 0.01)

    def u_hat(self):
        wtu = (self.w * self.u).sum()
        return self.u + (F.softplus(wtu) - 1 - wtu) * self.w / self.w.pow(2).sum()

    def forward(self, z):
        u = self.u_hat()
        lin = z @ self.w + self.b
        f = z + torch.outer(torch.tanh(lin), u)
        log_det = torch.log(torch.abs(1 + (1 - torch.tanh(lin) ** 2) * (self.w @ u)))
        return f, log_det


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.base = MultivariateNormal(torch.zeros(dim), precision_matrix=torch.eye(dim))
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    def forward(self, z0):
        log_q = self.base.log_prob(z0)
        z = z0
        for layer in self.layers:
            z, ld = layer(z)
            log_q = log_q - ld
        return z, log_q

    def sample(self, n):
        with torch.no_grad():
            z0 = self.base.sample((n,))
        return self.forward(z0)


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "w^T u_hat = -1 + softplus(w^T u) > -1",
                  "q3a": "no closed-form inverse of a planar layer",
                  "q3b": "VI needs only samples and their own log-densities"}
