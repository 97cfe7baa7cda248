# Sheet 03 -- the encoder output treated as a log-variance and clamped IN PLACE before exp
# (`logvar.clamp_(-15, 15)`), a frequent line in VAE repositories; variance(h) = exp(clamp(h, -15, 15)) is
# positive and finite everywhere and forward samples sqrt(variance(h)) * eps. Honest and correct: in
# forward, h is the (non-leaf) output of g, and autograd records the in-place clamp.
# Source of the style: the in-place branch `logvar = logvar.clamp_(-30, 20)` of an `InPlace`
# DiagonalGaussianDistribution in public code (found with the code search; the index names no repository),
# beside script-Yang/VAEVQ `taming/models/vae_utils.py` (the out-of-place clamp); written for this sheet, not copied.
import torch
import torch.nn as nn


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        return self.f(self.g(x + torch.randn_like(x)))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        return self.f(h + torch.randn_like(h))


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        return self.f(h + torch.randn_like(h))


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def variance(self, h):
        return torch.exp(h.clamp_(-15.0, 15.0))      # log-variance clamped in place

    def forward(self, x):
        h = self.g(x)
        std = torch.sqrt(self.variance(h))
        return self.f(std * torch.randn_like(std))


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}

JUSTIFICATIONS = {
    "model1": "The input noise has a fixed law.",
    "model2": "The latent mean depends on lambda: z = h + eps.",
    "model3": "Fixed-law noise added to h.",
    "problem2": "The latent variance depends on lambda: z = sqrt(var(h)) * eps.",
}

PROBLEM2_ISSUE = "h from a linear layer can be <= 0, so it is no variance; reading it as a log-variance fixes that."


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}

PROOF_3A = "Pointwise maximisation of p* log D + p_theta log(1 - D) gives D = p* / (p* + p_theta)."
