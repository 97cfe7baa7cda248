"""Exercise sheet 03 (VAE & GAN) -- Problems 1-3.

Written along the lines of the VAE in pytorch/examples (reparameterize() helper).
"""
import torch
from torch import nn
from torch.nn import functional as F


class Model1(nn.Module):
    def __init__(self, g, f):
        super(Model1, self).__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        # z ~ N(x, I_D): sampling happens before any parameter is involved
        z = x + torch.randn_like(x)
        h = self.g(z)
        return self.f(h)


class Model2(nn.Module):
    def __init__(self, g, f):
        super(Model2, self).__init__()
        self.g = g
        self.f = f

    def reparameterize(self, mu):
        eps = torch.randn_like(mu)
        return mu + eps

    def forward(self, x):
        h = self.g(x)
        z = self.reparameterize(h)
        return self.f(z)


class Model3(nn.Module):
    def __init__(self, g, f):
        super(Model3, self).__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        z = torch.randn_like(h)
        return self.f(h + z)


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super(Problem2Model, self).__init__()
        self.g = g
        self.f = f

    def variance(self, h):
        # softplus(h) = log(1 + e^h) > 0 for every h
        return F.softplus(h)

    def reparameterize(self, var):
        std = torch.sqrt(var)
        eps = torch.randn_like(std)
        return eps * std

    def forward(self, x):
        h = self.g(x)
        z = self.reparameterize(self.variance(h))
        return self.f(z)


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}

JUSTIFICATIONS = {
    "model1": "No. The sampling z ~ N(x, I) does not depend on lambda or psi, so z is just "
              "a (random) input to g and f; L is a differentiable function of lambda and psi.",
    "model2": "Yes. z ~ N(h, I) depends on lambda through h = g(x), and we cannot backprop "
              "through a sampling step. Writing z = h + eps, eps ~ N(0, I), fixes this.",
    "model3": "No. The noise z ~ N(0, I) has no parameters; h + z is differentiable in h, "
              "so this model is already reparametrized.",
    "problem2": "Yes. The variance depends on lambda, so we write z = sqrt(var(h)) * eps with "
                "eps ~ N(0, I) to get gradients w.r.t. lambda.",
}

PROBLEM2_ISSUE = ("diag(h) is a covariance matrix only if every entry of h is positive, but h is "
                  "the linear output of g and can be zero or negative. Fix: use a positive map "
                  "such as softplus(h) for the variance.")


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}

PROOF_3A = r"""
L(theta, phi) = int p*(x) log D(x) dx + int p_theta(x) log(1 - D(x)) dx
(second term: change of variables x = f_theta(z)).
For fixed theta we can maximise the integrand pointwise in y = D(x):
a log y + b log(1 - y) with a = p*(x), b = p_theta(x) is maximised at a / (a + b)
(hint), so D*(x) = p*(x) / (p*(x) + p_theta(x)) maximises L, i.e. phi* is optimal.
"""
