# Sheet 03 -- torch.distributions.LowRankMultivariateNormal(loc, cov_factor, cov_diag).rsample(), the
# low-rank-plus-diagonal posterior of Pyro's AutoLowRankMultivariateNormal guide, here with a zero factor
# (rank 1) so that the covariance is the diagonal the sheet asks for.
# Source of the style: iEdzel7/Code `buggy_dataset/.../5a7f8db0..._after_merge.py` (pyro's
# AutoLowRankMultivariateNormal.get_posterior); written for this sheet, not copied.
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import LowRankMultivariateNormal


def diagonal_gaussian(loc, cov_diag):
    factor = torch.zeros(*loc.shape, 1, dtype=loc.dtype)        # rank-1 factor, all zero
    return LowRankMultivariateNormal(loc, cov_factor=factor, cov_diag=cov_diag)


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        z = diagonal_gaussian(x, torch.ones_like(x)).sample()     # N(x, I): nothing to differentiate
        return self.f(self.g(z))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        return self.f(diagonal_gaussian(h, torch.ones_like(h)).rsample())


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        eps = diagonal_gaussian(torch.zeros_like(h), torch.ones_like(h)).sample()
        return self.f(h + eps)


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def variance(self, h):
        return F.softplus(h) + 1e-5

    def forward(self, x):
        h = self.g(x)
        q = diagonal_gaussian(torch.zeros_like(h), self.variance(h))
        return self.f(q.rsample())


REPARAM_NEEDED = dict(model1=False, model2=True, model3=False, problem2=True)

JUSTIFICATIONS = dict(
    model1="No. The sample is taken from N(x, I) before g, whose law has no parameters.",
    model2="Yes. The mean of q(z|x) is g_lambda(x); rsample writes z = mu + eps so lambda gets a gradient.",
    model3="No. The added noise N(0, I) has no parameters.",
    problem2="Yes. The covariance diag(var(h)) depends on lambda; rsample uses z = sqrt(var) * eps.",
)

PROBLEM2_ISSUE = "diag(h) is only a covariance if every h_i > 0, which a linear output layer does not guarantee."


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}

PROOF_3A = "Pointwise maximisation of a log y + b log(1 - y) gives y = a / (a + b) with a = p*, b = p_theta."
