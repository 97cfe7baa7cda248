# Sheet 03 -- torch.distributions.Normal(..., validate_args=True) drawn with rsample((1,)).squeeze(0)
# (one sample with an explicit sample shape), the sampler kept as its own nn.Module as in a Keras-style
# `Sampling` layer, and the variance map an nn.Softplus() module stored on the model.
# Source of the style: julyfun/how-to `notes/julyfun/大四上/机器学习/VAE.md` (class Sampling(nn.Module));
# written for this sheet, not copied.
import torch
import torch.nn as nn
from torch.distributions import Normal


class Sampling(nn.Module):
    """One reparametrized draw from N(loc, scale^2), elementwise."""

    def forward(self, loc, scale):
        return Normal(loc, scale, validate_args=True).rsample((1,)).squeeze(0)


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f, self.sampling = g, f, Sampling()

    def forward(self, x):
        z = self.sampling(x, torch.ones_like(x))
        return self.f(self.g(z))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f, self.sampling = g, f, Sampling()

    def forward(self, x):
        mu = self.g(x)
        return self.f(self.sampling(mu, torch.ones_like(mu)))


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f, self.sampling = g, f, Sampling()

    def forward(self, x):
        h = self.g(x)
        eps = self.sampling(torch.zeros_like(h), torch.ones_like(h))
        return self.f(h + eps)


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f, self.sampling = g, f, Sampling()
        self.positive = nn.Softplus()

    def variance(self, h):
        return self.positive(h)

    def forward(self, x):
        h = self.g(x)
        return self.f(self.sampling(torch.zeros_like(h), self.variance(h).sqrt()))


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}

JUSTIFICATIONS = {
    "model1": "Sampling happens on the input, before any parameter is involved.",
    "model2": "The sampling distribution's mean is g_lambda(x), so we need z = mu + eps (rsample).",
    "model3": "Standard normal noise added to h: no parameter in the sampling distribution.",
    "problem2": "The variance depends on lambda, so z = sigma * eps with sigma = sqrt(var(h)).",
}

PROBLEM2_ISSUE = "N(0, diag(h)) needs h > 0 but h = g(x) is unconstrained (linear output)."


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}

PROOF_3A = "Maximise pointwise: d/dD [p* log D + p_theta log(1-D)] = 0 gives D = p*/(p* + p_theta)."
