# Sheet 03 -- extra calls of g and f for logging WITHOUT torch.no_grad(): the results are detached or
# turned into floats with .item(), so they never reach the loss (common in research code that logs metrics).
# Source of the style: arkrp/vae-lab, src/Model/TrainingVAE.py (forward also returns/keeps encoder and decoder stats)
import torch
import torch.nn as nn
import torch.nn.functional as F


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f
        self.stats = {}

    def forward(self, x):
        self.stats["clean_code_norm"] = self.g(x).norm(dim=1).mean().item()
        z = x + torch.randn_like(x)
        h = self.g(z)
        self.stats["clean_recon"] = self.f(self.g(x)).detach()
        return self.f(h)


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f
        self.stats = {}

    def forward(self, x):
        h = self.g(x)
        z = h + torch.randn_like(h)
        x_mean = self.f(h)                       # decode of the mean, for the log only
        self.stats["mean_vs_sample"] = (self.f(z) - x_mean).pow(2).mean().item()
        return self.f(z)


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f
        self.stats = {}

    def forward(self, x):
        h = self.g(x)
        eps = torch.randn_like(h)
        self.stats["eps_decode"] = self.f(eps).detach()      # what pure noise decodes to
        x_tilde = self.f(h + eps)
        self.stats["err"] = float(((x_tilde - x) ** 2).sum(dim=1).mean())
        return x_tilde


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f
        self.stats = {}

    def variance(self, h):
        return F.softplus(h) + 1e-6

    def forward(self, x):
        h = self.g(x)
        z = torch.sqrt(self.variance(h)) * torch.randn_like(h)
        self.stats["z_norm"] = self.g(x).detach().abs().mean().item()
        self.stats["decoded_again"] = self.f(z).detach()
        return self.f(z)


REPARAM_NEEDED = {
    "model1": False,  # noise on the data, not on a parameterised distribution
    "model2": True,
    "model3": False,  # already reparametrized
    "problem2": True,
}

JUSTIFICATIONS = {
    "model1": "Not necessary, the sampled z does not depend on lambda or psi.",
    "model2": "Necessary, the mean of the sampling distribution is g_lambda(x); use h + eps.",
    "model3": "Not necessary, z ~ N(0, I) is independent of the parameters and enters additively.",
    "problem2": "Necessary, the variance is a function of lambda; use sqrt(var) * eps.",
}

PROBLEM2_ISSUE = "h = g(x) may be negative or 0, then diag(h) is not a valid (positive definite) covariance."


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}

PROOF_3A = """L(theta, phi) = E_{p*}[log D(x)] + E_{p_theta}[log(1 - D(x))]
           = int p*(x) log D(x) + p_theta(x) log(1 - D(x)) dx   (x = f_theta(z) in the second term).
For every x the integrand is a log y + b log(1 - y) with a = p*(x), b = p_theta(x), y = D(x),
maximal at y = a / (a + b) by the hint. D_phi* attains this for every x at once, so it maximises L."""
