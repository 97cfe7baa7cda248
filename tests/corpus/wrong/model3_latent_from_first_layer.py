# Sheet 03 -- shapes read from the modules; ONE mistake: Model 3 takes the latent size from the
# encoder's FIRST layer (`g[0].out_features`, the hidden width of an MLP) instead of its output, so
# eps = torch.randn(x.size(0), L) has the wrong width whenever g has a hidden layer.
# Source of the style: pytorch/examples `vae/main.py` (eps drawn with an explicit size); written for
# this sheet, not copied.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        return self.f(self.g(x + torch.randn(x.size(0), x.size(1))))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f
        self.latent = f[0].in_features

    def forward(self, x):
        return self.f(self.g(x) + torch.randn(x.size(0), self.latent))


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f
        self.latent = g[0].out_features          # the first layer's width, not the encoder's output

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
        h = self.g(x)
        return self.f(torch.sqrt(self.variance(h)) * torch.randn(h.size(0), h.size(1)))


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}

JUSTIFICATIONS = {
    "model1": "The noise is on x, its law has no parameter.",
    "model2": "The latent mean is g_lambda(x): z = h + eps.",
    "model3": "The noise law is fixed.",
    "problem2": "The latent variance depends on lambda: z = sqrt(var) * eps.",
}

PROBLEM2_ISSUE = "h = g(x) may be <= 0, so diag(h) need not be a covariance."


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}

PROOF_3A = "Pointwise maximisation of p* log D + p_theta log(1 - D) gives D = p* / (p* + p_theta)."
