# Sheet 03 -- I use my own random generator so that my experiments are reproducible.
import torch
import torch.nn as nn
import torch.nn.functional as F

rng = torch.Generator().manual_seed(42)


def gaussian_like(t):
    return torch.randn(t.shape, generator=rng, dtype=t.dtype)


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        z = x + gaussian_like(x)
        return self.f(self.g(z))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        z = h + gaussian_like(h)
        return self.f(z)


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        return self.f(h + gaussian_like(h))


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def variance(self, h):
        return F.softplus(h) + 1e-5

    def forward(self, x):
        h = self.g(x)
        z = self.variance(h).sqrt() * gaussian_like(h)
        return self.f(z)


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}

JUSTIFICATIONS = {
    "model1": "No. The sampled z only depends on x. Given z, L is a deterministic differentiable function of lambda and psi.",
    "model2": "Yes. z ~ N(g(x), I) depends on lambda, we rewrite z = g(x) + eps with eps ~ N(0, I).",
    "model3": "No. h + z with z ~ N(0, I) is the same as Model 2 after reparametrization.",
    "problem2": "Yes. The noise scale depends on lambda; z = sqrt(var(h)) * eps, eps ~ N(0, I).",
}

PROBLEM2_ISSUE = "Variances must be positive, but h = g(x) is any real vector (linear output). N(0, diag(h)) is undefined when some h_j <= 0. Fix: variance = softplus(h) + 1e-5."


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}

PROOF_3A = "E_{p(z)} log(1 - D(f(z))) = E_{p_theta(x)} log(1 - D(x)), so L = int p* log D + p_theta log(1 - D) dx, maximized pointwise by the hint with a = p*(x), b = p_theta(x): D = p*/(p* + p_theta)."
