# Style of karpathy/pytorch-normalizing-flows (nflib/flows.py, NormalizingFlowModel): a flows
# container plus a prior object; forward returns every intermediate zs and the log-det sum, with
# the prior's log_prob added by the model. Adapted to the contract (self.layers, (x, log_prob)).
import torch
import torch.nn.functional as F
from torch import nn
from torch.distributions import Normal


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(torch.randn(dim) * 0.1)
        self.w = nn.Parameter(torch.randn(dim) * 0.1)
        self.b = nn.Parameter(torch.randn(1) * 0.1)

    def u_hat(self):
        wtu = self.w @ self.u
        return self.u + (-1 + F.softplus(wtu) - wtu) * self.w / torch.linalg.vector_norm(self.w) ** 2

    def forward(self, x):
        u = self.u_hat()
        a = x @ self.w + self.b
        z = x + torch.outer(torch.tanh(a), u)
        log_det = torch.log(torch.abs(1 + (1 - torch.tanh(a).pow(2)) * (self.w @ u)))
        return z, log_det


class NormalizingFlow(nn.Module):
    def __init__(self, flows):
        super().__init__()
        self.flows = flows

    def forward(self, x):
        m = x.shape[0]
        log_det = torch.zeros(m)
        zs = [x]
        for flow in self.flows:
            x, ld = flow.forward(x)
            log_det += ld
            zs.append(x)
        return zs, log_det


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    def prior(self):
        return Normal(torch.zeros(self.dim), torch.ones(self.dim))

    def forward(self, z0):
        zs, log_det = NormalizingFlow(self.layers)(z0)
        prior_logprob = self.prior().log_prob(z0).view(z0.size(0), -1).sum(1)
        return zs[-1], prior_logprob - log_det

    def sample(self, num_samples):
        z = self.prior().sample((num_samples,))
        return self.forward(z)


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "softplus", "q3a": "no", "q3b": "vi"}
