# Sheet 03 -- the models are just g and f with a noise layer in between, so I built them
# with nn.Sequential and small noise modules.
import torch
import torch.nn as nn
import torch.nn.functional as F


class AddGaussianNoise(nn.Module):
    """x -> x + eps, eps ~ N(0, I)."""

    def forward(self, x):
        return x + torch.randn_like(x)


class Model1(nn.Sequential):
    def __init__(self, g, f):
        super().__init__(AddGaussianNoise(), g, f)


class Model2(nn.Sequential):
    def __init__(self, g, f):
        super().__init__(g, AddGaussianNoise(), f)


class Model3(nn.Sequential):
    def __init__(self, g, f):
        super().__init__(g, AddGaussianNoise(), f)


class Softplus2Var(nn.Module):
    def forward(self, h):
        return F.softplus(h)


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f
        self.to_var = Softplus2Var()

    def variance(self, h):
        return self.to_var(h)

    def forward(self, x):
        h = self.g(x)
        eps = torch.randn_like(h)
        z = self.variance(h).sqrt() * eps
        return self.f(z)


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}

JUSTIFICATIONS = {
    "model1": "No: the noise layer comes first and has no parameters, backprop is unaffected.",
    "model2": "Yes: sampling from N(h, I) with h = g(x) blocks the gradient to lambda, "
              "so the noise layer must compute h + eps with eps ~ N(0, I).",
    "model3": "No: the model is already h + eps with eps ~ N(0, I).",
    "problem2": "Yes: z = sqrt(softplus(h)) * eps keeps z differentiable in lambda.",
}

PROBLEM2_ISSUE = "Covariance diag(h) is invalid for h <= 0; the encoder output must be made positive (softplus)."


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}

PROOF_3A = "Change variables in the second term to get L = int p* log D + p_theta log(1 - D) dx; the hint maximises the integrand pointwise at p*/(p* + p_theta), hence D_phi* is optimal."
