# Sheet 03 -- "reproducibility": torch.manual_seed(0) called inside Model1.forward, so every call draws
# the same noise (a seed line meant for the top of a script, moved into the model).
# Source of the style: mustafa-abdool/cs236g_project, utils.py (torch.manual_seed(0) "Set for testing purposes")
import torch
import torch.nn as nn
import torch.nn.functional as F


class Model1(nn.Module):
    def __init__(self, g, f, seed=0):
        super().__init__()
        self.g = g
        self.f = f
        self.seed = seed

    def forward(self, x):
        torch.manual_seed(self.seed)   # make the noise reproducible
        z = x + torch.randn_like(x)
        return self.f(self.g(z))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        z = h + torch.randn_like(h)
        return self.f(z)


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        z = torch.randn_like(h)
        return self.f(h + z)


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def variance(self, h):
        return F.softplus(h)

    def forward(self, x):
        h = self.g(x)
        std = torch.sqrt(self.variance(h))
        return self.f(std * torch.randn_like(std))


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}

JUSTIFICATIONS = {
    "model1": "No. The noise z ~ N(x, I) only depends on the data; lambda and psi enter after the "
              "sampling, so for the drawn z the loss is a differentiable function of both.",
    "model2": "Yes. z ~ N(g(x), I) has a mean that depends on lambda, and we cannot backpropagate "
              "through a sampling step. Write z = h + eps with eps ~ N(0, I).",
    "model3": "No. z ~ N(0, I) is parameter free and is added to h, so the model is already in the "
              "reparametrized form; gradients flow through h + z.",
    "problem2": "Yes. The variance depends on lambda through h, so we draw eps ~ N(0, I) and set "
                "z = sqrt(var(h)) * eps.",
}

PROBLEM2_ISSUE = ("diag(h_i) is used as a covariance matrix, but h_i = g(x_i) comes out of a linear layer and "
                  "can be zero or negative; variances must be strictly positive, so N(0, diag(h_i)) is not "
                  "defined. Map h_i through a positive function first.")


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}

PROOF_3A = """L(theta, phi) = E_{p*}[log D(x)] + E_{p_theta}[log(1 - D(x))]
           = int p*(x) log D(x) + p_theta(x) log(1 - D(x)) dx   (x = f_theta(z) in the second term).
For every x the integrand is a log y + b log(1 - y) with a = p*(x), b = p_theta(x), y = D(x),
maximal at y = a / (a + b) by the hint. D_phi* attains this for every x at once, so it maximises L."""
