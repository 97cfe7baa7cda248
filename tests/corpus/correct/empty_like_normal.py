"""
Sheet 03: VAE & GAN
"""
import torch
import torch.nn as nn


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        noise = torch.empty_like(x).normal_()
        return self.f(self.g(x + noise))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        noise = torch.empty_like(h).normal_(mean=0.0, std=1.0)
        return self.f(h + noise)


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        z = torch.empty_like(h).normal_()
        return self.f(h + z)


class Problem2Model(nn.Module):
    """h is interpreted as log sigma^2: variance = exp(h), std = exp(h / 2)."""

    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def variance(self, h):
        return torch.exp(h)

    def forward(self, x):
        h = self.g(x)
        std = torch.exp(h / 2)
        eps = torch.empty_like(std).normal_()
        z = std * eps
        return self.f(z)


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}

JUSTIFICATIONS = {
    "model1": "No - the stochastic node is before g, its distribution has no parameters we learn.",
    "model2": "Yes - stochastic node z has parameter-dependent mean h = g_lambda(x); gradient w.r.t. lambda "
              "needs z = h + eps.",
    "model3": "No - equivalent to the reparametrized Model 2, the noise is independent of lambda.",
    "problem2": "Yes - the variance depends on lambda; z = exp(h/2) * eps with eps ~ N(0, I).",
}

PROBLEM2_ISSUE = (
    "The covariance diag(h_i) has to be positive definite, i.e. all h_ij > 0, but g_lambda has a "
    "linear output layer and produces arbitrary real numbers. We use diag(exp(h_i)) instead."
)


def optimal_discriminator(p_star, p_theta):
    if isinstance(p_star, torch.Tensor) or isinstance(p_theta, torch.Tensor):
        p_star = torch.as_tensor(p_star)
        p_theta = torch.as_tensor(p_theta)
        return torch.where(p_theta == 0, torch.ones_like(p_star), p_star / (p_star + p_theta))
    return p_star / (p_star + p_theta)


D_STAR_CASES = {
    "optimal_generator": 0.5,     # p*/(2 p*)
    "generator_misses": 1.0,      # p*/(p* + 0)
    "generator_hallucinates": 0.0,  # 0/(0 + p_theta)
}

PROOF_3A = """The second expectation is E_{p_theta(x)}[log(1 - D(x))] since x = f_theta(z), z ~ p(z).
So L(theta, phi) = int [p*(x) log D_phi(x) + p_theta(x) log(1 - D_phi(x))] dx.
For each x the integrand is a log y + b log(1 - y) with y = D_phi(x) in (0, 1), a = p*(x), b = p_theta(x),
and its maximum is at y = a/(a+b). D_phi* reaches that value at every x, hence no discriminator can do
better and phi* = argmax_phi L(theta, phi)."""
