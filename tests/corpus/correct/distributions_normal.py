# Sheet 03 -- solution using torch.distributions
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Normal


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        # x has no parameters in it, so a plain .sample() is fine here
        z = Normal(x, 1.0).sample()
        return self.f(self.g(z))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        h = self.g(x)
        z = Normal(h, 1.0).rsample()   # rsample = reparametrized sample
        return self.f(z)


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        h = self.g(x)
        z = Normal(torch.zeros_like(h), torch.ones_like(h)).sample()
        return self.f(h + z)


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def variance(self, h):
        return F.softplus(h)

    def forward(self, x):
        h = self.g(x)
        std = self.variance(h).sqrt()
        z = Normal(torch.zeros_like(std), std).rsample()
        return self.f(z)


REPARAM_NEEDED = {
    "model1": False,
    "model2": True,
    "model3": False,
    "problem2": True,
}

JUSTIFICATIONS = {
    "model1": "No: the random variable z only depends on the data x, not on lambda or psi. "
              "The gradient flows through g and f deterministically given z.",
    "model2": "Yes: z is sampled from a distribution whose mean is g(x), so the sample depends on "
              "lambda. With rsample(), z = h + eps and the gradient reaches g.",
    "model3": "No: z ~ N(0, I) is parameter-free and is simply added to h, which already is the "
              "reparametrized form.",
    "problem2": "Yes: the scale of the distribution depends on g(x); we sample eps ~ N(0, I) and "
                "set z = sqrt(softplus(h)) * eps.",
}

PROBLEM2_ISSUE = "A covariance matrix must be positive (semi)definite. diag(h_i) is not when some " \
                 "entry of h_i <= 0, which can happen because g has a linear output layer."


def optimal_discriminator(p_star, p_theta):
    if not torch.is_tensor(p_star) and not torch.is_tensor(p_theta):
        return p_star / (p_star + p_theta)
    p_star = torch.as_tensor(p_star)
    p_theta = torch.as_tensor(p_theta)
    total = p_star + p_theta
    return torch.where(total > 0, p_star / total, torch.zeros_like(total))


D_STAR_CASES = {
    "optimal_generator": 0.5,
    "generator_misses": 1.0,
    "generator_hallucinates": 0.0,
}

PROOF_3A = """Write the expectation over the generator as an expectation over p_theta(x):
L = E_{p*}[log D(x)] + E_{p_theta}[log(1 - D(x))] = int p*(x) log D(x) + p_theta(x) log(1 - D(x)) dx.
The integral is maximised if the integrand is maximised for every x. With a = p*(x), b = p_theta(x)
the hint gives argmax_y a log y + b log(1-y) = a/(a+b) = D_phi*(x). Hence phi* maximises L."""
