# Style of nflows (bayesiains/nflows, nflows/transforms/base.py): transforms return
# (outputs, logabsdet), a CompositeTransform folds them, a StandardNormal base distribution has
# log_prob/sample, the flow's log_prob = base log_prob + sum of logabsdet of the inverse direction
# (here: minus the forward ones). Planar itself is written in that API's style.
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


class StandardNormal(nn.Module):
    def __init__(self, shape):
        super().__init__()
        self._shape = torch.Size(shape)
        self.register_buffer("_log_z", torch.tensor(0.5 * np.prod(shape) * np.log(2 * np.pi)), persistent=False)

    def log_prob(self, inputs):
        return -0.5 * inputs.pow(2).reshape(inputs.shape[0], -1).sum(-1) - self._log_z

    def sample(self, num_samples):
        return torch.randn(num_samples, *self._shape, device=self._log_z.device, dtype=self._log_z.dtype)


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(torch.randn(dim) * 0.1)
        self.w = nn.Parameter(torch.randn(dim) * 0.1)
        self.b = nn.Parameter(torch.zeros(1))

    def u_hat(self):
        inner = (self.u * self.w).sum()
        return self.u + (F.softplus(inner) - 1 - inner) * self.w / self.w.pow(2).sum()

    def forward(self, inputs, context=None):
        u = self.u_hat()
        pre = F.linear(inputs, self.w.unsqueeze(0), self.b).squeeze(-1)
        outputs = inputs + u * torch.tanh(pre).unsqueeze(-1)
        logabsdet = torch.log(torch.abs(1 + (1 - torch.tanh(pre) ** 2) * (self.w * u).sum()))
        return outputs, logabsdet


class CompositeTransform(nn.Module):
    @staticmethod
    def cascade(inputs, funcs):
        total = inputs.new_zeros(inputs.shape[0])
        outputs = inputs
        for func in funcs:
            outputs, logabsdet = func(outputs)
            total = total + logabsdet
        return outputs, total


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])
        self._distribution = StandardNormal([dim])

    def forward(self, z0):
        x, logabsdet = CompositeTransform.cascade(z0, self.layers)
        return x, self._distribution.log_prob(z0) - logabsdet

    def sample(self, num_samples):
        noise = self._distribution.sample(num_samples)
        return self.forward(noise)


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = "variational_inference"
LOGDET_COST = {"planar": "O(D)", "general_linear": "O(D^3)"}
JUSTIFICATIONS = {"q1b": "...", "q3a": "...", "q3b": "..."}
