# Sheet 03 -- per-example functions batched with torch.func.vmap(..., randomness="different"), so every
# example draws its own noise inside the vmapped function.
# Source of the style: pytorch/pytorch, test/test_vmap.py and the torch.func docs ("randomness" flag of vmap)
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import vmap


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def one(self, x_i):
        z_i = x_i + torch.randn_like(x_i)
        return self.f(self.g(z_i))

    def forward(self, x):
        return vmap(self.one, randomness="different")(x)


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)

        def sample_and_decode(h_i):
            return self.f(h_i + torch.randn_like(h_i))

        return vmap(sample_and_decode, randomness="different")(h)


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        def per_example(x_i):
            h_i = self.g(x_i)
            return self.f(h_i + torch.randn(h_i.shape))
        return vmap(per_example, randomness="different")(x)


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def variance(self, h):
        return F.softplus(h)

    def forward(self, x):
        def per_example(x_i):
            h_i = self.g(x_i)
            return self.f(torch.sqrt(self.variance(h_i)) * torch.randn_like(h_i))
        return vmap(per_example, randomness="different")(x)


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
