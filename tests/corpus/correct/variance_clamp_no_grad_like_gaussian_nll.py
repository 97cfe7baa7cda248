# Sheet 03 -- Problem 2 fixed the way torch's Gaussian NLL loss keeps a predicted variance usable: clone h and
# clamp the clone in place under no_grad to at least 1e-6 (values clamped, gradient passed straight through);
# the three models use the same `Normal(...).rsample()` helper, Model 1 via `.sample()` on the input.
# Source of the style: pytorch/pytorch `torch/nn/functional.py` (`gaussian_nll_loss`: `var = var.clone();
# with torch.no_grad(): var.clamp_(min=eps)`); written for this sheet, not copied.
import torch
import torch.nn as nn
from torch.distributions import Normal

VAR_EPS = 1e-6


def clamp_variance(v, eps=VAR_EPS):
    """v with every entry below eps raised to eps; the gradient passes through unchanged."""
    v = v.clone()
    with torch.no_grad():
        v.clamp_(min=eps)
    return v


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        z = Normal(x, torch.ones_like(x)).sample()      # no parameter in this law: no reparametrization needed
        return self.f(self.g(z))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        h = self.g(x)
        return self.f(Normal(h, torch.ones_like(h)).rsample())


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        h = self.g(x)
        z = Normal(torch.zeros_like(h), torch.ones_like(h)).sample()
        return self.f(h + z)


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def variance(self, h):
        return clamp_variance(h)

    def forward(self, x):
        h = self.g(x)
        return self.f(Normal(torch.zeros_like(h), self.variance(h).sqrt()).rsample())


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}
JUSTIFICATIONS = {
    "model1": "The sampled law N(x, I) involves no parameter.",
    "model2": "The latent law's mean is g(x): rsample gives h + eps.",
    "model3": "N(0, I) is fixed; the sum h + z is differentiable in h.",
    "problem2": "The variance comes from g: rsample gives sqrt(v) * eps.",
}
PROBLEM2_ISSUE = "diag(h) needs h > 0, but g's linear output layer gives any real number."


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}
PROOF_3A = "For each x, D -> p* log D + p_theta log(1 - D) is concave with its maximum at p* / (p* + p_theta)."
