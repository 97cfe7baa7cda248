# Sheet 03 -- D* built with `functools.partial` from a general helper, the edge written as
# `torch.where(p + q > 0, p / (p + q), 0.5)` on `torch.as_tensor` inputs (floats back with `.item()`);
# the models' noise from a helper `sample_like(h, std)`.
# Source of the style: NeuromatchAcademy/course-content-dl `tutorials/W2D5_GenerativeModels/solutions/`
# (`ratio_disc`), Python's `functools.partial`; written for this sheet, not copied.
import functools
import numbers

import torch
import torch.nn as nn
import torch.nn.functional as F


def sample_like(h, std=1.0):
    return std * torch.randn_like(h)


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        return self.f(self.g(x + sample_like(x)))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        h = self.g(x)
        return self.f(h + sample_like(h))


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        h = self.g(x)
        return self.f(h + sample_like(h).detach())


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def variance(self, h):
        return F.softplus(h, beta=1.0, threshold=20.0) + 1e-6

    def forward(self, x):
        h = self.g(x)
        return self.f(sample_like(h, self.variance(h).sqrt()))


def density_ratio_discriminator(p_star, p_theta, *, tie=0.5, dtype=torch.float64):
    """D = p / (p + q) elementwise; `tie` where both densities vanish."""
    both_numbers = isinstance(p_star, numbers.Real) and isinstance(p_theta, numbers.Real)
    p = torch.as_tensor(p_star, dtype=dtype if both_numbers else None)
    q = torch.as_tensor(p_theta, dtype=dtype if both_numbers else None)
    total = p + q
    d = torch.where(total > 0, p / total, tie)
    return d.item() if both_numbers else d


optimal_discriminator = functools.partial(density_ratio_discriminator, tie=0.5)

D_STAR_CASES = {
    "optimal_generator": optimal_discriminator(1.0, 1.0),
    "generator_misses": optimal_discriminator(0.3, 0.0),
    "generator_hallucinates": optimal_discriminator(0.0, 0.3),
}


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}
JUSTIFICATIONS = {
    "model1": "The noise enters before the encoder and its law has no parameters.",
    "model2": "z ~ N(g(x), I) depends on lambda: write z = g(x) + eps.",
    "model3": "N(0, I) has no parameters; h enters f directly.",
    "problem2": "The variance depends on lambda: z = sqrt(var(h)) * eps.",
}
PROBLEM2_ISSUE = "The encoder output can be negative or zero, but it is used as a variance."
PROOF_3A = "For each x maximise p* log D + p_theta log(1 - D): the maximum is at D = p* / (p* + p_theta)."
