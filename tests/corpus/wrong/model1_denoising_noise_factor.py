# Sheet 03 -- one mistake: Model 1 copies the denoising-autoencoder recipe, `noisy = x + noise_factor * randn`
# with noise_factor = 0.5: z ~ N(x, 0.25 I) where the sheet asks for N(x, I). Everything else is correct.
# Source of the style: avraneel/deep-clustering `DEC_Digits/add_noise.py` (`addnoise(inputs, noise_factor=0.3)`:
# `inputs + torch.randn_like(inputs) * noise_factor`) and Udacity's "Denoising Autoencoder" notebooks
# (`noise_factor = 0.5`); written for this sheet, not copied (without their clip to [0, 1]).
import torch
import torch.nn as nn
import torch.nn.functional as F

NOISE_FACTOR = 0.5


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        noisy = x + NOISE_FACTOR * torch.randn(*x.shape)
        return self.f(self.g(noisy))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        h = self.g(x)
        return self.f(h + torch.randn(*h.shape))


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        h = self.g(x)
        return self.f(h + torch.randn_like(h))


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def variance(self, h):
        return F.softplus(h) + 1e-6

    def forward(self, x):
        h = self.g(x)
        return self.f(self.variance(h).sqrt() * torch.randn(*h.shape))


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}
JUSTIFICATIONS = {
    "model1": "The corruption noise has no parameters.",
    "model2": "The latent sample's mean depends on lambda: h + eps.",
    "model3": "N(0, I) has no parameters.",
    "problem2": "The latent variance depends on lambda: sqrt(var) * eps.",
}
PROBLEM2_ISSUE = "h can be negative, so it cannot be a variance."


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}
PROOF_3A = "Maximise p* log D + p_theta log(1 - D) for each x: D* = p* / (p* + p_theta)."
