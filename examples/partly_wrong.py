"""A plausible partly-wrong submission: Model2 samples without the reparametrization trick,
the Problem 2 variance can reach zero, and one yes/no answer is wrong."""
import torch
import torch.nn.functional as F
from torch import nn
from torch.distributions import Normal

REPARAM_NEEDED = {"model1": False, "model2": True, "model3": True, "problem2": True}
JUSTIFICATIONS = {
    "model1": "Noise is on the input only, so no parameters are involved in the sampling.",
    "model2": "z depends on g(x), so we need the trick.",
    "model3": "There is sampling, so we need it.",
    "problem2": "The variance depends on lambda.",
}
PROBLEM2_ISSUE = "h can be negative, and a variance cannot be negative."
PROOF_3A = "Maximise the integrand pointwise with a = p*(x), b = p_theta(x) and use the hint."
D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        return self.f(self.g(Normal(x, 1.0).sample()))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        h = self.g(x)
        z = Normal(h, 1.0).sample()  # no gradient reaches g
        return self.f(z)


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
        return F.relu(h)  # zero for every h <= 0

    def forward(self, x):
        h = self.g(x)
        return self.f(torch.sqrt(self.variance(h)) * torch.randn_like(h))


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)
