# Sheet 03 -- Problem 2 with the encoder output read as a log standard deviation, clamped as in soft actor-critic
# policies (pranz24/pytorch-soft-actor-critic `model.py`: LOG_SIG_MIN = -20, LOG_SIG_MAX = 2, `log_std.exp()`,
# `Normal(mean, std).rsample()`): variance(h) = exp(2 * clamp(h, -20, 2)), sampled as Normal(0, std).rsample();
# Models 1-3 with `torch.randn(h.size(), generator=None)`-style draws; D* with `torch.reciprocal`.
# Written for this sheet, not copied.
import torch
import torch.nn as nn
from torch.distributions import Normal

LOG_SIG_MIN, LOG_SIG_MAX = -20.0, 2.0


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        return self.f(self.g(x + torch.randn(x.size())))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        mean = self.g(x)
        return self.f(Normal(mean, torch.ones_like(mean)).rsample())


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        h = self.g(x)
        return self.f(h + torch.randn(h.size()))


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    @staticmethod
    def log_std(h):
        return torch.clamp(h, min=LOG_SIG_MIN, max=LOG_SIG_MAX)

    def variance(self, h):
        return torch.exp(2.0 * self.log_std(h))

    def forward(self, x):
        h = self.g(x)
        std = self.log_std(h).exp()
        return self.f(Normal(torch.zeros_like(std), std).rsample())


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}
JUSTIFICATIONS = {
    "model1": "No: the noise law does not depend on lambda or psi.",
    "model2": "Yes: the mean of z is g(x).",
    "model3": "No: z ~ N(0, I) is fixed, h enters additively.",
    "problem2": "Yes: the variance depends on lambda.",
}
PROBLEM2_ISSUE = "diag(h) needs h > 0, but the encoder's linear output can be negative or zero."


def optimal_discriminator(p_star, p_theta):
    p_star, p_theta = torch.as_tensor(p_star), torch.as_tensor(p_theta)
    return p_star * torch.reciprocal(p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}
PROOF_3A = "Pointwise: a log y + b log(1 - y) is maximal at y = a / (a + b), a = p*(x), b = p_theta(x)."
