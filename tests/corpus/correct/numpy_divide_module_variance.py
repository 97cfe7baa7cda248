# Sheet 03 -- numpy written over torch tensors: D* as np.divide(p_star, p_star + p_theta) (a ufunc on
# tensors returns a tensor through __array_wrap__, on floats a numpy float), a numpy-style epsilon in
# the denominator nowhere; the variance map an nn.Softplus() module assigned to `self.variance`
# (callable like the method the contract names); Model 3's latent size from the decoder's weight.
# Source of the style: mustafa-abdool/cs236g_project `utils.py` (numpy helpers next to torch
# models); written for this sheet, not copied.
import numpy as np
import torch
import torch.nn as nn


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        noise = torch.randn(*x.shape)
        return self.f(self.g(x + noise))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        return self.f(h + torch.randn(h.shape[0], h.shape[1]))


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f
        self.latent_dim = f[0].weight.shape[1]

    def forward(self, x):
        eps = torch.randn(len(x), self.latent_dim)
        return self.f(self.g(x) + eps)


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f
        self.variance = nn.Softplus(beta=1.0, threshold=20.0)

    def forward(self, x):
        h = self.g(x)
        std = torch.sqrt(self.variance(h) + 1e-8)
        return self.f(std * torch.randn_like(std))


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}

JUSTIFICATIONS = {
    "model1": "Input noise with a fixed law: no parameter inside the expectation's measure.",
    "model2": "Latent mean depends on lambda; reparametrize z = mu + eps.",
    "model3": "Fixed N(0, I) noise added to h.",
    "problem2": "Latent variance depends on lambda; reparametrize z = sigma * eps.",
}

PROBLEM2_ISSUE = "Nothing keeps the encoder output positive, so diag(h) may be no covariance matrix."


def optimal_discriminator(p_star, p_theta):
    return np.divide(p_star, p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}

PROOF_3A = "For each x maximise a log y + b log(1 - y): y = a / (a + b), with a = p*(x), b = p_theta(x)."
