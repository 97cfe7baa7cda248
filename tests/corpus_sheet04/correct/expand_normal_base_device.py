# Style of pyro's normalizing-flow tutorial (pyro-ppl/pyro, tutorial/source/normalizing_flows_i.ipynb:
# dist.Normal(0, 1).expand([D]).to_event(1) as the base), in torch: Independent(Normal(0., 1.).expand([dim]), 1);
# the usual `device = cuda if available else cpu` with the flow moved there in __init__, a 0-d b, an outer product
# for u_hat h(a), log-dets added in place into a zeros buffer, softplus as log1p(exp). Written for this corpus.
import torch
import torch.nn.functional as F
from torch import nn
from torch.distributions import Independent, Normal

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.n_dims = dim
        self.u = nn.Parameter(torch.randn(dim) * 0.1)
        self.w = nn.Parameter(torch.randn(dim) * 0.1)
        self.b = nn.Parameter(torch.zeros(()))

    def u_hat(self):
        wu = torch.sum(self.w * self.u)
        return self.u + (-1 + torch.log1p(torch.exp(wu)) - wu) * self.w / torch.sum(self.w ** 2)

    def forward(self, z):
        u_hat = self.u_hat()
        lin = z @ self.w + self.b
        f = z + torch.outer(torch.tanh(lin), u_hat)
        log_det = torch.log(torch.abs(1 + (1 - torch.tanh(lin) ** 2) * (self.w @ u_hat)))
        return f, log_det


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])
        self.base = Independent(Normal(0.0, 1.0).expand([dim]), 1)
        self.to(device)

    def forward(self, z0):
        z0 = z0.to(device)
        total, z = torch.zeros(z0.shape[0], device=device), z0
        for layer in self.layers:
            z, ld = layer(z)
            total += ld
        return z, self.base.log_prob(z0) - total

    def sample(self, n):
        return self.forward(self.base.rsample((n,)))


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "w.u_hat = -1 + log(1 + e^(w.u)) > -1", "q3a": "No.", "q3b": "VI"}
