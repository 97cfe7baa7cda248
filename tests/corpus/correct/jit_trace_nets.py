# Sheet 03 -- the given networks traced with `torch.jit.trace` in __init__ (an example batch of the encoder's
# input width), the sampling step traced too (`torch.jit.trace` records randn_like as an op, so every call draws
# anew); traced modules share the networks' parameters.
# Source of the style: pytorch/tutorials `advanced_source/cpp_export.rst` and `beginner_source/Intro_to_TorchScript_tutorial.py`
# (`traced = torch.jit.trace(module, example_input)`); written for this sheet, not copied.
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)


def _in_features(net):
    return next(m for m in net.modules() if isinstance(m, nn.Linear)).in_features


def add_unit_noise(t):
    return t + torch.randn_like(t)


def scaled_noise(var):
    return torch.sqrt(var) * torch.randn_like(var)


class Traced(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        d_in = _in_features(g)
        example = torch.zeros(2, d_in)
        self.g = torch.jit.trace(g, example)
        latent = g(example)
        self.f = torch.jit.trace(f, latent.detach())
        self.noise = torch.jit.trace(add_unit_noise, latent.detach())


class Model1(Traced):
    def forward(self, x):
        return self.f(self.g(add_unit_noise(x)))


class Model2(Traced):
    def forward(self, x):
        return self.f(self.noise(self.g(x)))


class Model3(Traced):
    def forward(self, x):
        h = self.g(x)
        return self.f(h + torch.randn_like(h))


class Problem2Model(Traced):
    def __init__(self, g, f):
        super().__init__(g, f)
        self.sample = torch.jit.trace(scaled_noise, torch.ones(2, _in_features(f)))

    def variance(self, h):
        return F.softplus(h) + 1e-6

    def forward(self, x):
        return self.f(self.sample(self.variance(self.g(x))))

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
