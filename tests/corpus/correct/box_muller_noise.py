# Sheet 03 -- Gaussian noise made from uniforms with the Box-Muller transform (`torch.rand`, one uniform
# kept away from 0 with `1 - u`); D* written as 1 / (1 + p_theta / p*); variance h ** 2 + 1e-6.
# Source of the style: taichi-dev/taichi `python/taichi/lang/random.py` (`randn` by Box-Muller from two
# uniforms); written for this sheet in torch, not copied.
import math

import torch
import torch.nn as nn


def box_muller(shape, like):
    """Standard normal samples from two independent uniforms per element."""
    u1 = 1.0 - torch.rand(shape, dtype=like.dtype)      # in (0, 1]: log(u1) is finite
    u2 = torch.rand(shape, dtype=like.dtype)
    return torch.sqrt(-2.0 * torch.log(u1)) * torch.cos(2.0 * math.pi * u2)


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        return self.f(self.g(x + box_muller(x.shape, x)))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        h = self.g(x)
        return self.f(h + box_muller(h.shape, h))


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        h = self.g(x)
        return self.f(h + box_muller(h.shape, h))


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def variance(self, h):
        return h ** 2 + 1e-6

    def forward(self, x):
        h = self.g(x)
        return self.f(self.variance(h).sqrt() * box_muller(h.shape, h))


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}
JUSTIFICATIONS = {
    "model1": "No parameter in the noise law on x.",
    "model2": "Mean of the latent law is g_lambda(x): reparametrize.",
    "model3": "Latent noise law is standard normal, parameter-free.",
    "problem2": "Variance is a function of lambda: reparametrize.",
}
PROBLEM2_ISSUE = "h in R can be negative: N(0, h) is then undefined."


def optimal_discriminator(p_star, p_theta):
    return 1.0 / (1.0 + p_theta / p_star)     # p* = 0 gives 1 / inf = 0 on tensors


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}
PROOF_3A = "d/dy [p* log y + p_theta log(1-y)] = 0 gives y = p*/(p* + p_theta), a maximum by concavity."
