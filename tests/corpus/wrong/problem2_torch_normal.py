# Sheet 03 -- z = torch.normal(mean, std) with tensor mean and std: right distribution, but autograd
# gives torch.normal an all-zero gradient w.r.t. mean and std, so the encoder learns nothing.
# Source of the style: SumFunction/VAE-ACGAN, train.py (reparameterize via std.data.new(...).normal_()), here as torch.normal
import torch
import torch.nn as nn
import torch.nn.functional as F


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        z = x + torch.randn_like(x)
        return self.f(self.g(z))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        z = h + torch.randn_like(h)
        return self.f(z)


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        z = torch.randn_like(h)
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
        std = self.variance(h).sqrt()
        z = torch.normal(torch.zeros_like(h), std)     # z ~ N(0, diag(var))
        return self.f(z)


REPARAM_NEEDED = {
    "model1": False,  # noise on the data, not on a parameterised distribution
    "model2": True,
    "model3": False,  # already reparametrized
    "problem2": True,
}

JUSTIFICATIONS = {
    "model1": "Not necessary, the sampled z does not depend on lambda or psi.",
    "model2": "Necessary, the mean of the sampling distribution is g_lambda(x); use h + eps.",
    "model3": "Not necessary, z ~ N(0, I) is independent of the parameters and enters additively.",
    "problem2": "Necessary, the variance is a function of lambda; use sqrt(var) * eps.",
}

PROBLEM2_ISSUE = "h = g(x) may be negative or 0, then diag(h) is not a valid (positive definite) covariance."


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}

PROOF_3A = """L(theta, phi) = E_{p*}[log D(x)] + E_{p_theta}[log(1 - D(x))]
           = int p*(x) log D(x) + p_theta(x) log(1 - D(x)) dx   (x = f_theta(z) in the second term).
For every x the integrand is a log y + b log(1 - y) with a = p*(x), b = p_theta(x), y = D(x),
maximal at y = a / (a + b) by the hint. D_phi* attains this for every x at once, so it maximises L."""
