# Sheet 03 -- correct models; the yes/no answers and the D* values kept in `collections.OrderedDict`s
# (insertion order spelled out, a pre-3.7 habit), the same keys and values as the contract's dicts.
# Source of the style: pytorch/pytorch `torch/nn/modules/container.py` (`Sequential(OrderedDict([...]))`)
# and configuration dicts of older PyTorch repositories; written for this sheet, not copied.
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        return self.f(self.g(x + torch.randn_like(x)))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        h = self.g(x)
        return self.f(h + torch.randn_like(h))


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        h = self.g(x)
        return self.f(h + torch.randn_like(h))


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def variance(self, h):
        return F.softplus(h) + 1e-6

    def forward(self, x):
        h = self.g(x)
        return self.f(self.variance(h).sqrt() * torch.randn_like(h))


REPARAM_NEEDED = OrderedDict([("model1", False), ("model2", True), ("model3", False), ("problem2", True)])
JUSTIFICATIONS = OrderedDict([
    ("model1", "no parameter in the input noise's law"),
    ("model2", "the latent mean depends on lambda"),
    ("model3", "the latent noise law is fixed"),
    ("problem2", "the latent variance depends on lambda"),
])
PROBLEM2_ISSUE = "h may be <= 0 and cannot be a variance"


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = OrderedDict([("optimal_generator", 0.5), ("generator_misses", 1.0), ("generator_hallucinates", 0.0)])
PROOF_3A = "pointwise maximisation of p* log D + p_theta log(1 - D)"
