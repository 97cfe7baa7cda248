# ML for Graphs and Sequential Data - sheet 03
# The sheet writes the noise with identity covariances, so I used MultivariateNormal directly.
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions.multivariate_normal import MultivariateNormal


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        D = x.shape[-1]
        z = MultivariateNormal(x, torch.eye(D)).sample()
        h = self.g(z)
        return self.f(h)


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        L = h.shape[-1]
        z = MultivariateNormal(h, torch.eye(L)).rsample()
        return self.f(z)


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        L = h.shape[-1]
        z = MultivariateNormal(torch.zeros(L), torch.eye(L)).sample((h.shape[0],))
        return self.f(h + z)


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def variance(self, h):
        return torch.exp(h)

    def forward(self, x):
        h = self.g(x)
        cov = torch.diag_embed(self.variance(h))
        z = MultivariateNormal(torch.zeros_like(h), covariance_matrix=cov).rsample()
        return self.f(z)


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}

JUSTIFICATIONS = {
    "model1": "No, z ~ N(x, I) is independent of lambda and psi, the gradient of L w.r.t. both can be computed with normal backprop for the sampled z.",
    "model2": "Yes, the mean of z is h = g(x) which depends on lambda. Sampling is not differentiable, so we sample eps ~ N(0, I) and set z = h + eps (rsample does exactly this).",
    "model3": "No, here the noise is sampled from a fixed N(0, I) and then added, which is already the reparametrization trick.",
    "problem2": "Yes, the covariance depends on lambda. rsample of MultivariateNormal computes z = chol(Sigma) eps = sqrt(var) * eps.",
}

PROBLEM2_ISSUE = "diag(h_i) is not a valid covariance matrix when h_i has non-positive entries (g has a linear output layer). Use diag(exp(h_i)) instead, i.e. treat h as the log-variance."


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}

PROOF_3A = """
For fixed theta, L(theta, phi) = int p*(x) log D_phi(x) + p_theta(x) log(1 - D_phi(x)) dx.
Maximising the integrand for every x separately maximises the integral. For each x this is
a log(y) + b log(1 - y) with a = p*(x), b = p_theta(x), maximised by y = a / (a + b).
So D_phi*(x) = p*(x) / (p*(x) + p_theta(x)) is optimal.
"""
