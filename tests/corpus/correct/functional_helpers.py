import torch
import torch.nn as nn
import torch.nn.functional as F


def sample_gaussian(mean, var):
    """Reparametrized sample from N(mean, diag(var))."""
    eps = torch.randn_like(var)
    return mean + torch.sqrt(var) * eps


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        z = sample_gaussian(x, torch.ones_like(x))
        return self.f(self.g(z))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        z = sample_gaussian(h, torch.ones_like(h))
        return self.f(z)


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        z = sample_gaussian(torch.zeros_like(h), torch.ones_like(h))
        return self.f(h + z)


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def variance(self, h):
        return F.softplus(h) + 1e-6

    def forward(self, x):
        h = self.g(x)
        z = sample_gaussian(torch.zeros_like(h), self.variance(h))
        return self.f(z)


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}

JUSTIFICATIONS = {
    "model1": "No -- nothing random depends on the parameters.",
    "model2": "Yes -- the mean of z is g_lambda(x); we need z = h + 1 * eps.",
    "model3": "No -- z is parameter free, model 3 is the reparametrized version of model 2.",
    "problem2": "Yes -- the variance depends on lambda; z = 0 + sqrt(var) * eps.",
}

PROBLEM2_ISSUE = "A variance cannot be <= 0 but h (linear output) can. Use var = softplus(h) + 1e-6."


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


# 1/2, 1 and 0 -- written as fractions on paper
D_STAR_CASES = {"optimal_generator": 1 / 2, "generator_misses": 1, "generator_hallucinates": 0}

PROOF_3A = "See paper: pointwise maximisation of p*(x) log D(x) + p_theta(x) log(1 - D(x)) with the hint (a = p*(x), b = p_theta(x)) gives D*(x) = p*(x) / (p*(x) + p_theta(x))."
