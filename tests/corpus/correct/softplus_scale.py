# Sheet 03 -- "scale" parametrisation: the encoder output goes through softplus to give a STANDARD
# DEVIATION (plus a small floor), z = loc + scale * eps; variance() consistently returns scale ** 2.
# Source of the style: hukaidong/OctLearn, octLearn/polices/encoder.py (scale = softplus(scale_arg); loc + scale * eps)
import torch
import torch.nn as nn


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        eps = torch.randn(x.shape, device=x.device)
        return self.f(self.g(x + eps))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        loc = self.g(x)
        scale = 1.0
        eps = torch.randn(loc.shape, device=loc.device)
        z = loc + scale * eps  # Reparameterization
        return self.f(z)


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        return self.f(h + torch.randn(h.shape, device=h.device))


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f
        self.softplus = nn.Softplus()
        self.min_scale = 1e-4

    def scale(self, h):
        return self.softplus(h) + self.min_scale

    def variance(self, h):
        return self.scale(h) ** 2

    def forward(self, x):
        h = self.g(x)
        eps = torch.randn(h.shape, device=h.device)
        z = self.scale(h) * eps  # Reparameterization, loc = 0
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
