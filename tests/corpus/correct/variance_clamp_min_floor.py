# Sheet 03 -- Problem 2's variance is the encoder output itself, floored: `variance(h) = h.clamp(min=1e-6)`
# (h where h > 1e-6, else 1e-6), the "clamp the variance to a minimum" line of many Gaussian heads. Positive and
# finite for every h, so the contract accepts it; for h below the floor the variance (and its gradient) is
# constant. Sampling with `torch.distributions.Normal(0.0, var.sqrt()).rsample()`.
# Source of the style: the variance floor `var = var.clamp(min=eps)` of pytorch/pytorch `torch/nn/functional.py`
# (`gaussian_nll_loss`, used there without no_grad as a plain clamp) and of public Gaussian policy heads;
# written for this sheet, not copied.
import torch
import torch.nn as nn
from torch.distributions import Normal

MIN_VARIANCE = 1e-6


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        return self.f(self.g(Normal(x, 1.0).rsample()))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        h = self.g(x)
        return self.f(Normal(h, 1.0).rsample())


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
        return h.clamp(min=MIN_VARIANCE)

    def forward(self, x):
        h = self.g(x)
        var = self.variance(h)
        return self.f(Normal(0.0, var.sqrt()).rsample())


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}
JUSTIFICATIONS = {
    "model1": "Sampling z around x involves no parameter.",
    "model2": "The mean h = g(x) of z depends on lambda; rsample writes z = h + eps.",
    "model3": "z ~ N(0, I) is parameter free; h enters outside the sample.",
    "problem2": "The variance depends on lambda; rsample writes z = sqrt(var) * eps.",
}
PROBLEM2_ISSUE = "h = g(x) can be <= 0, and a normal distribution with a variance <= 0 does not exist."


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}
PROOF_3A = "Pointwise, a log D + b log(1 - D) is maximal at D = a / (a + b), a = p*(x), b = p_theta(x)."
