# Sheet 03 -- the encoder output treated as a variance that is turned into a log-variance and back
# (logvar = torch.log(variance); std = torch.exp(0.5 * logvar)), the noise drawn in float64 (`.double()`
# of the noise only) and the sum cast back to the networks' float32; variance(h) = exp(h).clamp(min=1e-6).
# Source of the style: ChicForX/CLUB_impl `layer_utils.py` (reparameterize(mu, logvar) with
# std = exp(0.5 * logvar)); written for this sheet, not copied.
import torch
import torch.nn as nn


def reparameterize(mu, logvar):
    std = torch.exp(0.5 * logvar)
    eps = torch.randn(mu.shape).double()          # noise in double precision
    return (mu.double() + eps * std.double()).to(mu.dtype)


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        z = (x.double() + torch.randn_like(x).double()).float()
        return self.f(self.g(z))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        mu = self.g(x)
        return self.f(reparameterize(mu, torch.zeros_like(mu)))       # log 1 = 0


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        eps = torch.randn(h.size(), dtype=torch.float64)
        return self.f(h + eps.float())


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def variance(self, h):
        return torch.exp(h).clamp(min=1e-6)

    def forward(self, x):
        h = self.g(x)
        logvar = torch.log(self.variance(h))
        return self.f(reparameterize(torch.zeros_like(h), logvar))


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}

JUSTIFICATIONS = {
    "model1": "No: noise on the data, independent of all parameters.",
    "model2": "Yes: the mean of the latent Gaussian is g_lambda(x).",
    "model3": "No: h + eps with eps ~ N(0, I) is differentiable in h as it is.",
    "problem2": "Yes: sigma(x) depends on lambda; z = sigma * eps.",
}

PROBLEM2_ISSUE = "The variances h_i can be negative or zero, so N(0, diag(h)) does not exist for all x."


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}

PROOF_3A = "For each x, D -> p* log D + p_theta log(1 - D) is concave with maximiser p*/(p* + p_theta)."
