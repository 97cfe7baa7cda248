# Sheet 03 -- reproducible noise per step: every forward draws its noise inside `torch.random.fork_rng()` after
# `torch.manual_seed(base_seed + step)`, with `step` counted per model instance (the global generator is left as
# it was; each call has its own seed, so no two calls of one model share noise).
# Source of the style: pytorch/pytorch `torch/random.py` (`fork_rng`), and per-step seeding as in
# huggingface/diffusers pipelines (`generator=torch.manual_seed(seed)` per call); written for this sheet, not copied.
import torch
import torch.nn as nn
import torch.nn.functional as F


class SeededNoise(nn.Module):
    """Standard normal noise like a given tensor, seeded by base_seed + the number of earlier calls."""

    def __init__(self, base_seed: int):
        super().__init__()
        self.base_seed = base_seed
        self.step = 0

    def forward(self, like: torch.Tensor) -> torch.Tensor:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(self.base_seed + self.step)
            eps = torch.randn(like.shape, dtype=like.dtype)
        self.step += 1
        return eps


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f
        self.noise = SeededNoise(1000)

    def forward(self, x):
        return self.f(self.g(x + self.noise(x)))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f
        self.noise = SeededNoise(2000)

    def forward(self, x):
        h = self.g(x)
        return self.f(h + self.noise(h))


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f
        self.noise = SeededNoise(3000)

    def forward(self, x):
        h = self.g(x)
        return self.f(h + self.noise(h))


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f
        self.noise = SeededNoise(4000)

    def variance(self, h):
        return F.softplus(h) + 1e-6

    def forward(self, x):
        h = self.g(x)
        return self.f(self.variance(h).sqrt() * self.noise(h))

REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}
JUSTIFICATIONS = {
    "model1": "The noise is drawn on the input and does not depend on lambda or psi; plain sampling is fine.",
    "model2": "z ~ N(g(x), I) depends on lambda through its mean: write z = g(x) + eps to pass a gradient to lambda.",
    "model3": "z ~ N(0, I) has no parameters; f(h + z) is already differentiable in lambda and psi.",
    "problem2": "The variance depends on lambda: z = sqrt(variance(h)) * eps is differentiable, sampling is not.",
}
PROBLEM2_ISSUE = "The encoder output can be zero or negative, but it is used as a variance, which must be positive."


def optimal_discriminator(p_star, p_theta):
    """D*(x) = p*(x) / (p*(x) + p_theta(x)), elementwise."""
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}
PROOF_3A = "For fixed x, a log D + b log(1 - D) with a = p*(x), b = p_theta(x) is maximal at D = a / (a + b)."
