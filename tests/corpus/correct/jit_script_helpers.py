# Sheet 03 -- TorchScript-compiled helper functions (@torch.jit.script) for the noise and the
# reparametrization, like the scripted `reparameterize(mu, logvar)` helpers in public VAE code.
# Source of the style: ChicForX/CLUB_impl, layer_utils.py (reparameterize: std = exp(0.5 logvar), mu + eps * std)
import torch
import torch.nn as nn


@torch.jit.script
def add_unit_noise(t: torch.Tensor) -> torch.Tensor:
    return t + torch.randn_like(t)


@torch.jit.script
def reparameterize(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """Reparameterization trick: mu + eps * exp(logvar / 2)."""
    std = torch.exp(0.5 * logvar)
    eps = torch.randn_like(std)
    return mu + eps * std


@torch.jit.script
def positive_variance(h: torch.Tensor) -> torch.Tensor:
    return torch.nn.functional.softplus(h)


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        return self.f(self.g(add_unit_noise(x)))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        mu = self.g(x)
        z = reparameterize(mu, torch.zeros_like(mu))     # unit variance: logvar = 0
        return self.f(z)


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        return self.f(add_unit_noise(h))


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def variance(self, h):
        return positive_variance(h)

    def forward(self, x):
        h = self.g(x)
        logvar = torch.log(self.variance(h))
        z = reparameterize(torch.zeros_like(h), logvar)
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
