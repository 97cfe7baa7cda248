# Sheet 03 -- samples drawn with .sample() and re-attached with the straight-through estimator of VQ-VAE
# code (correct for Model 2: z = h + (z_sample - h).detach()); ONE mistake: Problem 2 re-attaches the
# same way to the standard deviation, z = std + (z_sample - std).detach(), whose derivative in std is 1
# instead of eps: the values and the noise are right, the encoder's gradient is not the pathwise one.
# Source of the style: rosinality/vq-vae-2-pytorch `vqvae.py` (`quantize = input + (quantize - input).detach()`);
# written for this sheet, not copied.
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Normal


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        return self.f(self.g(Normal(x, 1.0).sample()))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        z_sample = Normal(h, 1.0).sample()            # no graph
        z = h + (z_sample - h).detach()               # straight-through: value z_sample, dz/dh = I
        return self.f(z)


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        return self.f(h + Normal(torch.zeros_like(h), 1.0).sample())


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def variance(self, h):
        return F.softplus(h) + 1e-6

    def forward(self, x):
        h = self.g(x)
        std = self.variance(h).sqrt()
        z_sample = Normal(torch.zeros_like(std), std).sample()
        z = std + (z_sample - std).detach()           # straight-through on the scale
        return self.f(z)


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}

JUSTIFICATIONS = {
    "model1": "The sampled law N(x, I) has no learnable parameter.",
    "model2": "The mean g_lambda(x) parametrises the law; the sample must be written as h + eps (here via straight-through).",
    "model3": "N(0, I) noise added to h: no parameter in the sampled law.",
    "problem2": "The variance depends on lambda; the sample is rebuilt as std * eps.",
}

PROBLEM2_ISSUE = "A variance must be positive, but h = g(x) from a linear layer can be <= 0."


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}

PROOF_3A = "For every x, maximise p* log D + p_theta log(1 - D) over D in (0, 1): the maximiser is p* / (p* + p_theta)."
