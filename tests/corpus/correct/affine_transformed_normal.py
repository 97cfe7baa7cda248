# Sheet 03 -- samples as TransformedDistribution(Normal(0, 1), AffineTransform(loc, scale)).rsample(),
# the "base distribution plus bijector" idiom of normalizing-flow code; D* as a sigmoid of the log
# density ratio, sigmoid(log p* - log p_theta), the form of the density-ratio trick.
# Source of the style: pyro-ppl/pyro `examples/vae/vae.py` and torch.distributions' own
# `TransformedDistribution` docstring (base + AffineTransform); written for this sheet, not copied.
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Normal, TransformedDistribution
from torch.distributions.transforms import AffineTransform


def gaussian(loc, scale):
    base = Normal(torch.zeros_like(loc), torch.ones_like(loc))
    return TransformedDistribution(base, [AffineTransform(loc=loc, scale=scale)])


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        z = gaussian(x, 1.0).sample()
        return self.f(self.g(z))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        return self.f(gaussian(self.g(x), 1.0).rsample())


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        return self.f(h + gaussian(torch.zeros_like(h), 1.0).sample())


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def variance(self, h):
        return F.softplus(h) + 1e-6

    def forward(self, x):
        h = self.g(x)
        q = gaussian(torch.zeros_like(h), self.variance(h).sqrt())
        return self.f(q.rsample())


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}

JUSTIFICATIONS = {
    "model1": "The sampled law N(x, I) has no learnable parameter.",
    "model2": "The location of the sampled law is g_lambda(x); rsample pushes eps through the affine map.",
    "model3": "The noise law N(0, I) is fixed; f(h + eps) is differentiable in h.",
    "problem2": "The scale sqrt(var(h)) depends on lambda: z = scale * eps.",
}

PROBLEM2_ISSUE = "h can be negative or zero, so it cannot serve as the diagonal of a covariance matrix."


def optimal_discriminator(p_star, p_theta):
    log_ratio = torch.log(torch.as_tensor(p_star)) - torch.log(torch.as_tensor(p_theta))
    return torch.sigmoid(log_ratio)        # p*/(p* + p_theta) = 1 / (1 + p_theta/p*)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}

PROOF_3A = "Maximise the integrand pointwise: p* / D - p_theta / (1 - D) = 0 gives D = p* / (p* + p_theta)."
