import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def std_normal(shape):
    """N(0, I) noise drawn with numpy, returned as a float32 tensor."""
    return torch.from_numpy(np.random.standard_normal(tuple(shape)).astype(np.float32))


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        z = x + std_normal(x.shape)
        h = self.g(z)
        return self.f(h)


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        z = h + std_normal(h.shape)
        return self.f(z)


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        z = std_normal(h.shape)
        return self.f(h + z)


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def variance(self, h):
        return F.softplus(h)

    def forward(self, x):
        h = self.g(x)
        eps = std_normal(h.shape)
        z = torch.sqrt(self.variance(h)) * eps
        return self.f(z)


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}

JUSTIFICATIONS = {
    "model1": "No, because z is drawn from N(x, I) which contains no learnable parameters.",
    "model2": "Yes, because the mean of the Gaussian is g(x). We use z = h + eps, eps from N(0, I).",
    "model3": "No, the random part is parameter free and h enters additively and deterministically.",
    "problem2": "Yes, because the variance is a function of lambda. z = sqrt(softplus(h)) * eps.",
}

PROBLEM2_ISSUE = "h can be negative or zero, so diag(h) is not a covariance matrix (variances must be > 0). We pass h through softplus."


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}

PROOF_3A = """Rewrite L as an integral over x with the generator density p_theta:
L = int p*(x) log D(x) + p_theta(x) log(1 - D(x)) dx.
Maximize pointwise; by the hint the maximum of a log y + b log(1 - y) is at y = a / (a + b),
so D*(x) = p*(x) / (p*(x) + p_theta(x))."""
