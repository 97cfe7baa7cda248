# Sheet 03 -- every model keeps its OWN copy of the networks it is given (`copy.deepcopy(g)`,
# `copy.deepcopy(f)` in a base class), so that Model1/2/3 built from one g and f in the notebook below do not
# share (and co-train) their weights; the copies hold exactly lambda and psi when the model is built.
# Source of the style: lucidrains/byol-pytorch `byol_pytorch/byol_pytorch.py` (`copy.deepcopy(self.online_encoder)`
# for a network of its own); written for this sheet, not copied.
import copy

import torch
import torch.nn as nn
import torch.nn.functional as F


class IndependentNets(nn.Module):
    """Holds private copies of g and f: two models made from the same g, f train independently."""

    def __init__(self, g, f):
        super().__init__()
        self.g = copy.deepcopy(g)
        self.f = copy.deepcopy(f)


class Model1(IndependentNets):
    def forward(self, x):
        return self.f(self.g(x + torch.randn_like(x)))


class Model2(IndependentNets):
    def forward(self, x):
        h = self.g(x)
        return self.f(h + torch.randn_like(h))


class Model3(IndependentNets):
    def forward(self, x):
        h = self.g(x)
        return self.f(h + torch.randn_like(h))


class Problem2Model(IndependentNets):
    def variance(self, h):
        return F.softplus(h) + 1e-5

    def forward(self, x):
        h = self.g(x)
        return self.f(self.variance(h).sqrt() * torch.randn_like(h))


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}
JUSTIFICATIONS = {
    "model1": "The noise law N(x, I) is parameter-free.",
    "model2": "The latent law N(g(x), I) depends on lambda: z = g(x) + eps.",
    "model3": "N(0, I) is parameter-free, h is added to the sample.",
    "problem2": "The variance depends on lambda: z = sqrt(v(h)) * eps.",
}
PROBLEM2_ISSUE = "diag(h) is no covariance when some h_j <= 0, which a linear output allows."


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}
PROOF_3A = "D maximises p* log D + p_theta log(1 - D) pointwise at p* / (p* + p_theta)."

if __name__ == "__main__":
    g = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 3))
    f = nn.Sequential(nn.Linear(3, 16), nn.Tanh(), nn.Linear(16, 4))
    models = [Model1(g, f), Model2(g, f), Model3(g, f)]     # three independent copies of lambda, psi
    print([sum(p.numel() for p in m.parameters()) for m in models])
