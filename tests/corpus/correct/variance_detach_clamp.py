# Sheet 03 -- Problem 2's `variance(h)` returns `exp(clamp(h, -2, 2)).detach()` (detached "so it can be plotted"), while
# forward samples with std = exp(clamp(h, -2, 2) / 2) from h with autograd on: a log-variance clamped as in
# script-Yang/VAEVQ `taming/models/vae_utils.py` (`torch.clamp(self.logvar, -30.0, 20.0)`), tighter. Written for this sheet.
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
        return torch.exp(torch.clamp(h, -2.0, 2.0)).detach()

    def forward(self, x):
        h = self.g(x)
        std = torch.exp(0.5 * torch.clamp(h, -2.0, 2.0))
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
