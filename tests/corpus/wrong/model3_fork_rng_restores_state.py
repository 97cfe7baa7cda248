# Sheet 03 -- Model 3 draws its noise inside `torch.random.fork_rng()` "so that the data order stays reproducible",
# without seeding or advancing anything inside: fork_rng restores the global state on exit, so every call draws the
# same noise; everything else correct.
# Source of the style: pytorch/pytorch `torch/random.py` (`fork_rng`: "the RNG state is restored when the context
# exits"), cf. tests/corpus/correct/fork_rng_step_seed.py (the correct use, a seed per step); written for this sheet,
# not copied.
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
        mu = self.g(x)
        z = mu + torch.randn_like(mu)
        return self.f(z)


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        # draw the latent noise without disturbing the global RNG (data order stays reproducible)
        with torch.random.fork_rng(devices=[]):
            z = torch.randn_like(h)
        return self.f(h + z)


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def variance(self, h):
        return F.softplus(h) + 1e-4

    def forward(self, x):
        h = self.g(x)
        std = torch.sqrt(self.variance(h))
        return self.f(std * torch.randn_like(std))


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}
JUSTIFICATIONS = {
    "model1": "The noise enters before the encoder and its law has no parameters.",
    "model2": "z ~ N(g(x), I) depends on lambda: write z = g(x) + eps.",
    "model3": "N(0, I) has no parameters; h enters f directly.",
    "problem2": "The variance depends on lambda: z = sqrt(var(h)) * eps.",
}
PROBLEM2_ISSUE = "The encoder output can be negative or zero, but it is used as a variance."
PROOF_3A = "For each x maximise p* log D + p_theta log(1 - D): the maximum is at D = p* / (p* + p_theta)."
