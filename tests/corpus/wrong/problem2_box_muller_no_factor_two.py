# Sheet 03 -- ONE mistake: Problem 2's noise by Box-Muller with the radius written sqrt(-log u1) instead of
# sqrt(-2 log u1): eps has variance 1/2, so z has variance variance(h)/2. Everything else correct.
# Source of the style: taichi-dev/taichi `python/taichi/lang/random.py` (`randn` by Box-Muller), miscopied;
# written for this sheet, not copied.
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def gaussian_like(h):
    u1 = 1.0 - torch.rand_like(h)
    u2 = torch.rand_like(h)
    return torch.sqrt(-torch.log(u1)) * torch.cos(2 * math.pi * u2)   # mistake: the factor 2 is missing


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
        return self.f(self.variance(h).sqrt() * gaussian_like(h))


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}
JUSTIFICATIONS = {
    "model1": "parameter-free input noise",
    "model2": "mean of z depends on lambda",
    "model3": "parameter-free latent noise added to h",
    "problem2": "variance of z depends on lambda",
}
PROBLEM2_ISSUE = "h can be negative, so it is not a valid variance"


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}
PROOF_3A = "pointwise maximiser of p* log D + p_theta log(1 - D)"
