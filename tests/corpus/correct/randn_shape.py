import torch
import torch.nn as nn
import torch.nn.functional as F


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        eps = torch.randn(x.shape)
        z = x + eps
        return self.f(self.g(z))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        eps = torch.randn(h.shape)
        z = h + eps
        return self.f(z)


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        z = torch.randn(h.shape)
        return self.f(h + z)


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def variance(self, h):
        return F.softplus(h) + 1e-6

    def forward(self, x):
        h = self.g(x)
        sigma = torch.sqrt(self.variance(h))
        eps = torch.randn(h.shape)
        z = sigma * eps
        return self.f(z)


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}
JUSTIFICATIONS = {
    "model1": "No. Only the input is noisy; z does not depend on lambda, psi.",
    "model2": "Yes. z depends on lambda through its mean. Reparametrize: z = h + eps.",
    "model3": "No. Already written as h + noise with parameter-free noise.",
    "problem2": "Yes. Variance depends on lambda. z = sqrt(softplus(h) + 1e-6) * eps.",
}
PROBLEM2_ISSUE = "diag(h) must be positive definite but h can be <= 0. Use softplus(h) + 1e-6."


def optimal_discriminator(p_star, p_theta):
    denominator = p_star + p_theta
    return p_star / denominator


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}

PROOF_3A = "Pointwise: L = int p* log D + p_theta log(1-D) dx; by the hint the integrand is maximal at D = p*/(p*+p_theta) for every x."
