# Sheet 03 -- D* on tensors with torch, on plain floats with numpy's zero-division guard
# `np.divide(a, b, out=np.zeros_like(b), where=b != 0)` (the usual numpy answer to 'return 0 on division by zero',
# e.g. in numpy/numpy's `np.divide` documentation of `where=`); returns a 0-d ndarray for floats. Written for this sheet.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        return self.f(self.g(x + torch.randn_like(x)))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        h = self.g(x)
        return self.f(h + torch.randn_like(h))


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
        return self.f(torch.sqrt(self.variance(h)) * torch.randn_like(h))


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}
JUSTIFICATIONS = {
    "model1": "No: the noise law does not depend on lambda or psi.",
    "model2": "Yes: the mean of z is g(x).",
    "model3": "No: z ~ N(0, I) is fixed, h enters additively.",
    "problem2": "Yes: the variance depends on lambda.",
}
PROBLEM2_ISSUE = "diag(h) needs h > 0, but the encoder's linear output can be negative or zero."


def optimal_discriminator(p_star, p_theta):
    """p* / (p* + p_theta); 0 where both densities vanish (np.divide's `where=`, the usual numpy guard)."""
    if torch.is_tensor(p_star) or torch.is_tensor(p_theta):
        p_star, p_theta = torch.as_tensor(p_star), torch.as_tensor(p_theta)
        return p_star / (p_star + p_theta)
    p_star, p_theta = np.asarray(p_star, dtype=float), np.asarray(p_theta, dtype=float)
    total = p_star + p_theta
    return np.divide(p_star, total, out=np.zeros_like(total), where=total != 0)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}
PROOF_3A = "Pointwise: a log y + b log(1 - y) is maximal at y = a / (a + b), a = p*(x), b = p_theta(x)."
