# Sheet 03 -- every model converts the networks it is given to float64 (`g.double()`, `f.double()` in
# __init__) and works in double precision, as people do before torch.autograd.gradcheck; the output is
# returned in float64 or cast back to float32. Honest and correct: the networks' VALUES are unchanged.
# Source of the style: pytorch/pytorch `torch/autograd/gradcheck.py` (gradcheck's advice to use
# double-precision inputs and modules); written for this sheet, not copied.
import torch
import torch.nn as nn
import torch.nn.functional as F


class _Double(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g.double(), f.double()      # work in float64 throughout


class Model1(_Double):
    def forward(self, x):
        x = x.double()
        return self.f(self.g(x + torch.randn_like(x)))


class Model2(_Double):
    def forward(self, x):
        h = self.g(x.double())
        return self.f(h + torch.randn_like(h)).float()


class Model3(_Double):
    def forward(self, x):
        h = self.g(x.to(torch.float64))
        return self.f(h + torch.randn_like(h))


class Problem2Model(_Double):
    def variance(self, h):
        return F.softplus(h) + 1e-6

    def forward(self, x):
        h = self.g(x.double())
        return self.f(self.variance(h).sqrt() * torch.randn_like(h)).float()


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}

JUSTIFICATIONS = {
    "model1": "The noise is drawn on the input from a parameter-free law.",
    "model2": "The latent mean is g_lambda(x): z = h + eps.",
    "model3": "Parameter-free noise added to h.",
    "problem2": "The latent variance depends on lambda: z = sqrt(var(h)) * eps.",
}

PROBLEM2_ISSUE = "h = g(x) can be <= 0, which is no variance."


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}

PROOF_3A = "Pointwise maximisation of p* log D + p_theta log(1 - D) gives D = p* / (p* + p_theta)."
