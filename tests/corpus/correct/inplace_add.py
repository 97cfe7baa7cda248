# sheet 03 -- VAE & GAN
import torch
import torch.nn as nn
import torch.nn.functional as F


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        z = x.clone()
        z += torch.randn_like(z)      # don't modify the caller's x
        return self.f(self.g(z))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        z = self.g(x)
        z += torch.randn_like(z)      # in place: z = h + eps
        return self.f(z)


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        h = h + torch.randn_like(h)
        return self.f(h)


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def variance(self, h):
        return F.softplus(h)

    def forward(self, x):
        h = self.g(x)
        z = torch.randn_like(h)
        z *= self.variance(h).sqrt()
        return self.f(z)


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}

JUSTIFICATIONS = {
    "model1": "No: sampling only involves x; g and f are applied afterwards.",
    "model2": "Yes: the sample depends on lambda, so write it as h plus standard normal noise.",
    "model3": "No: standard normal noise is added to h, gradients flow through the addition.",
    "problem2": "Yes: scale the standard normal noise by the std sqrt(softplus(h)).",
}

PROBLEM2_ISSUE = "diag(h) with h <= 0 is not a covariance matrix; h is unconstrained."


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}

PROOF_3A = "L = int p* log D + p_theta log(1 - D) dx, maximise pointwise with the hint: D = p*/(p* + p_theta)."
