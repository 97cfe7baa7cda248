# Sheet 03 -- ONE mistake: Model 3 draws its latent noise with `nn.init.trunc_normal_` (default bounds
# a=-2, b=2, i.e. a normal truncated at two standard deviations: variance 0.774, not 1). Everything else correct.
# Source of the style: the weight initialisers of huggingface/pytorch-image-models
# `timm/layers/weight_init.py` (`trunc_normal_(tensor, mean=0., std=1., a=-2., b=2.)`) reused as a noise
# sampler; written for this sheet, not copied.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        return self.f(self.g(x + torch.randn_like(x)))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        h = self.g(x)
        return self.f(h + torch.randn_like(h))


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        h = self.g(x)
        z = nn.init.trunc_normal_(torch.empty_like(h))     # mistake: truncated at +-2
        return self.f(h + z)


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def variance(self, h):
        return F.softplus(h) + 1e-6

    def forward(self, x):
        h = self.g(x)
        return self.f(torch.sqrt(self.variance(h)) * torch.randn_like(h))


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}
JUSTIFICATIONS = {
    "model1": "parameter-free input noise",
    "model2": "mean of z depends on lambda",
    "model3": "parameter-free latent noise added to h",
    "problem2": "variance of z depends on lambda",
}
PROBLEM2_ISSUE = "h can be negative, so it is not a valid variance"


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}
PROOF_3A = "pointwise maximiser of p* log D + p_theta log(1 - D)"
