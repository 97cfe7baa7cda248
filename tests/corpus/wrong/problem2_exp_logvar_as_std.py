# Sheet 03 -- log-variance parametrisation with the classic slip std = exp(logvar) instead of
# exp(0.5 * logvar): variance() says exp(h), forward samples with variance exp(2h).
# Source of the style: ChicForX/CLUB_impl, layer_utils.py (reparameterize: std = torch.exp(0.5 * logvar)), 0.5 dropped
import torch
import torch.nn as nn
import torch.nn.functional as F


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
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
    """g outputs logvar."""

    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def variance(self, h):
        return torch.exp(h)

    def reparameterize(self, mu, logvar):
        std = torch.exp(logvar)
        eps = torch.randn_like(std)
        return mu + eps * std

    def forward(self, x):
        logvar = self.g(x)
        z = self.reparameterize(torch.zeros_like(logvar), logvar)
        return self.f(z)


REPARAM_NEEDED = dict(model1=False, model2=True, model3=False, problem2=True)

JUSTIFICATIONS = dict(
    model1="No: we sample z ~ N(x, I) before any learnable function is applied, the distribution has no "
           "parameters lambda or psi, so the ordinary gradient of L(z) is fine.",
    model2="Yes: q(z|x) = N(g_lambda(x), I) depends on lambda. Reparametrize z = mu + eps, eps ~ N(0, I).",
    model3="No: eps ~ N(0, I) does not depend on the parameters, x~ = f(h + eps) is deterministic given eps.",
    problem2="Yes: the scale of q(z|x) depends on lambda; z = sigma(x) * eps with eps ~ N(0, I).",
)

PROBLEM2_ISSUE = "A covariance needs positive entries on the diagonal but h can be <= 0 (linear output layer)."


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}

PROOF_3A = """L(theta, phi) = E_{p*}[log D(x)] + E_{p_theta}[log(1 - D(x))]
           = int p*(x) log D(x) + p_theta(x) log(1 - D(x)) dx   (x = f_theta(z) in the second term).
For every x the integrand is a log y + b log(1 - y) with a = p*(x), b = p_theta(x), y = D(x),
maximal at y = a / (a + b) by the hint. D_phi* attains this for every x at once, so it maximises L."""
