# Sheet 03 -- the reparametrization as a torch.autograd.Function with a hand-written backward; ONE
# mistake: Problem 2's backward returns grad * eps, the derivative with respect to the standard deviation,
# although the Function's input is the variance (d sqrt(v) eps / dv = eps / (2 sqrt(v))).
# Source of the style: pytorch/tutorials `beginner_source/examples_autograd/polynomial_custom_function.py`
# (a Function with static forward/backward); written for this sheet, not copied.
import torch
import torch.nn as nn
import torch.nn.functional as F


class ShiftByNoise(torch.autograd.Function):
    """z = mu + eps with eps ~ N(0, I); dz/dmu = I."""

    @staticmethod
    def forward(ctx, mu):
        eps = torch.randn_like(mu)
        return mu + eps

    @staticmethod
    def backward(ctx, grad_z):
        return grad_z


class ScaleNoise(torch.autograd.Function):
    """z = sqrt(var) * eps with eps ~ N(0, I)."""

    @staticmethod
    def forward(ctx, var):
        eps = torch.randn_like(var)
        std = var.sqrt()
        ctx.save_for_backward(eps, std)
        return std * eps

    @staticmethod
    def backward(ctx, grad_z):
        eps, std = ctx.saved_tensors
        return grad_z * eps              # d(std * eps)/d(std), but the input is the variance


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        z = torch.normal(x, torch.ones_like(x))     # z ~ N(x, I_D): x carries no parameter
        return self.f(self.g(z))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        return self.f(ShiftByNoise.apply(self.g(x)))


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f
        self.latent = f[0].in_features

    def forward(self, x):
        eps = torch.randn(x.size(0), self.latent)
        return self.f(self.g(x) + eps)


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def variance(self, h):
        return F.softplus(h) + 1e-6

    def forward(self, x):
        return self.f(ScaleNoise.apply(self.variance(self.g(x))))


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}

JUSTIFICATIONS = {
    "model1": "The noise is added to the data before g; its law has no learnable parameter, so L is a plain function of (lambda, psi) for each draw.",
    "model2": "z ~ N(g(x), I) depends on lambda: write z = g(x) + eps so the gradient can pass to lambda.",
    "model3": "eps ~ N(0, I) is parameter-free and simply added to h; no trick is needed.",
    "problem2": "The variance of z depends on lambda through h: z = sqrt(var(h)) * eps makes the sample differentiable.",
}

PROBLEM2_ISSUE = "h = g(x) comes from a linear layer and can be zero or negative, which is no valid variance."


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}

PROOF_3A = ("For fixed x the integrand p*(x) log D + p_theta(x) log(1 - D) is maximal at D = p*/(p* + p_theta) "
            "(derivative a/y - b/(1-y) = 0); D* reaches this maximum pointwise, hence maximises the integral.")
