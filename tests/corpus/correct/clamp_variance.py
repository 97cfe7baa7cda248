"""Sheet 03 solutions. Problem 2: exp of a clamped log-variance, so that it can neither
underflow to 0 nor overflow to inf."""
import torch
import torch.nn as nn

LOGVAR_MIN, LOGVAR_MAX = -15.0, 15.0


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
        return torch.exp(torch.clamp(h, LOGVAR_MIN, LOGVAR_MAX))

    def forward(self, x):
        h = self.g(x)
        std = self.variance(h) ** 0.5
        return self.f(std * torch.randn_like(std))


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}

JUSTIFICATIONS = {
    "model1": "No. The random draw happens on the input, which has no trainable parameters.",
    "model2": "Yes. The random draw has mean g_lambda(x); to differentiate w.r.t. lambda we write z = h + eps.",
    "model3": "No. z is independent of the parameters and enters additively.",
    "problem2": "Yes. The variance depends on lambda; z = exp(h/2) * eps.",
}

PROBLEM2_ISSUE = "h_i may contain negative entries or zeros, then diag(h_i) is not positive definite and N(0, diag(h_i)) does not exist. Interpret h as log-variance: diag(exp(h_i))."


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}

PROOF_3A = """By LOTUS, L(theta, phi) = int p*(x) log D_phi(x) dx + int p_theta(x) log(1 - D_phi(x)) dx.
For fixed x maximise a log y + b log(1-y) over y: derivative a/y - b/(1-y) = 0 gives y = a/(a+b),
and the function is concave, so it is the maximum. Thus D_phi* is optimal."""
