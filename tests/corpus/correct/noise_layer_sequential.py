# Sheet 03 -- the noise as a layer: every model IS an nn.Sequential (g, noise layer, f) and inherits its
# forward. `GaussianNoise` adds `torch.randn(x.size()) * sigma` while training; `Noise` refills one reused
# buffer in place each call (`buffer.data.resize_(size).normal_()`); Problem 2's `ScaledNoise` samples
# sqrt(variance(h)) * eps from such a buffer.
# Source of the style: lrhm/facial-expression-recognition `dl/base_torch_modules/gaussian_noise.py` and
# xuanqing94/BayesianDefense `models/layers/feat_noise.py` (noise layers); written for this sheet, not copied.
import torch
import torch.nn as nn
import torch.nn.functional as F


class GaussianNoise(nn.Module):
    """x + sigma * N(0, I) in training mode, x in eval mode."""

    def __init__(self, sigma=1.0):
        super().__init__()
        self.sigma = sigma

    def forward(self, x):
        if self.training:
            return x + torch.randn(x.size()) * self.sigma
        return x


class Noise(nn.Module):
    """x + N(0, std^2 I), drawn into one buffer that is reused (and refilled) on every call."""

    def __init__(self, std=1.0):
        super().__init__()
        self.std = std
        self.buffer = None

    def forward(self, x):
        if self.buffer is None:
            self.buffer = torch.empty(x.size()).normal_(0, self.std)
        else:
            self.buffer.data.resize_(x.size()).normal_(0, self.std)
        return x + self.buffer


def positive_variance(h):
    return F.softplus(h) + 1e-6


class ScaledNoise(Noise):
    """z ~ N(0, diag(positive_variance(h))), reparametrized."""

    def forward(self, h):
        if self.buffer is None:
            self.buffer = torch.empty(h.size()).normal_()
        else:
            self.buffer.data.resize_(h.size()).normal_()
        return torch.sqrt(positive_variance(h)) * self.buffer


class Model1(nn.Sequential):
    def __init__(self, g, f):
        super().__init__(GaussianNoise(1.0), g, f)


class Model2(nn.Sequential):
    def __init__(self, g, f):
        super().__init__(g, Noise(1.0), f)


class Model3(nn.Sequential):
    def __init__(self, g, f):
        super().__init__(g, GaussianNoise(1.0), f)


class Problem2Model(nn.Sequential):
    def __init__(self, g, f):
        super().__init__(g, ScaledNoise(), f)

    def variance(self, h):
        return positive_variance(h)


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}
JUSTIFICATIONS = {
    "model1": "the noise layer's law has no parameter",
    "model2": "z ~ N(g(x), I): written as g(x) + eps, a differentiable layer",
    "model3": "the noise layer's law has no parameter",
    "problem2": "the variance depends on lambda: z = sqrt(v(h)) * eps",
}
PROBLEM2_ISSUE = "the encoder output is unconstrained, a variance is not"


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}
PROOF_3A = "maximise p* log D + p_theta log(1 - D) for each x: D* = p* / (p* + p_theta)"
