# Sheet 03 -- D* with the edge cases spelt out by torch.where; ONE mistake: torch.where and
# torch.ones_like need tensors, so the function raises for plain Python floats (which the contract allows).
# Source of the style: pytorch/pytorch `torch/_refs/__init__.py` (torch.where for masked special cases);
# written for this sheet, not copied.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        return self.f(self.g(x + torch.randn_like(x)))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        return self.f(h + torch.randn_like(h))


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        return self.f(h + torch.randn_like(h))


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def variance(self, h):
        return torch.exp(h)

    def forward(self, x):
        h = self.g(x)
        return self.f(torch.exp(0.5 * h) * torch.randn_like(h))


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}

JUSTIFICATIONS = {
    "model1": "Noise on the input with a fixed law.",
    "model2": "Latent mean depends on lambda.",
    "model3": "Fixed-law noise added to h.",
    "problem2": "Latent variance depends on lambda.",
}

PROBLEM2_ISSUE = "The variance h may be negative."


def optimal_discriminator(p_star, p_theta):
    ratio = p_star / (p_star + p_theta)
    ratio = torch.where(p_theta == 0, torch.ones_like(ratio), ratio)       # generator misses: D* = 1
    return torch.where(p_star == 0, torch.zeros_like(ratio), ratio)        # generator hallucinates: D* = 0


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}

PROOF_3A = "a log y + b log(1 - y) is maximised at y = a / (a + b); take a = p*(x), b = p_theta(x) for each x."
