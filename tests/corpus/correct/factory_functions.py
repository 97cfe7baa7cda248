# Sheet 03 -- the models are factory functions, `Model1(g, f)` returns an `nn.Sequential` built around the given
# networks (a noise layer where the sheet puts the noise), as model builders return configured modules; Problem 2
# returns an instance of a small class with its `variance`.
# Source of the style: pytorch/vision `torchvision/models/resnet.py` (`def resnet18(...) -> ResNet: return
# _resnet(...)`, builders returning modules); written for this sheet, not copied.
import torch
import torch.nn as nn
import torch.nn.functional as F


class AddNoise(nn.Module):
    """z = t + eps, eps ~ N(0, I), drawn on every call."""

    def forward(self, t):
        return t + torch.randn_like(t)


class ScaledNoise(nn.Module):
    """z = sqrt(variance(h)) * eps."""

    def __init__(self, variance):
        super().__init__()
        self.variance = variance

    def forward(self, h):
        return torch.sqrt(self.variance(h)) * torch.randn_like(h)


def Model1(g, f):  # noqa: N802 - the contract's name
    return nn.Sequential(AddNoise(), g, f)


def Model2(g, f):  # noqa: N802
    return nn.Sequential(g, AddNoise(), f)


def Model3(g, f):  # noqa: N802
    return nn.Sequential(g, AddNoise(), f)


class _Problem2(nn.Sequential):
    def variance(self, h):
        return F.softplus(h) + 1e-6


def Problem2Model(g, f):  # noqa: N802
    model = _Problem2()
    model.append(g)
    model.append(ScaledNoise(model.variance))
    model.append(f)
    return model

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
