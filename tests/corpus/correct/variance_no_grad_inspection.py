# Sheet 03 -- Problem 2's `variance(h)` written as an inspection method under `@torch.no_grad()` (used for plots;
# forward computes its own std = exp(h / 2) from h with autograd on), as public VAE code wraps its inspection and
# sampling code in no_grad (pytorch/examples `vae/main.py`: `with torch.no_grad():` around sampling and test).
# Written for this sheet, not copied.
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

    @torch.no_grad()
    def variance(self, h):
        """The variance the model samples with, exp(h) (for plots and checks; forward computes its std itself)."""
        return torch.exp(h)

    def forward(self, x):
        h = self.g(x)
        std = torch.exp(0.5 * h)
        return self.f(std * torch.randn_like(std))


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}
JUSTIFICATIONS = {
    "model1": "No: the noise law does not depend on lambda or psi.",
    "model2": "Yes: the mean of z is g(x).",
    "model3": "No: z ~ N(0, I) is fixed, h enters additively.",
    "problem2": "Yes: the variance depends on lambda.",
}
PROBLEM2_ISSUE = "diag(h) needs h > 0, but the encoder's linear output can be negative or zero."


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}
PROOF_3A = "Pointwise: a log y + b log(1 - y) is maximal at y = a / (a + b), a = p*(x), b = p_theta(x)."
