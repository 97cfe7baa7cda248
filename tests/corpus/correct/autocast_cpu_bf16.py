# Sheet 03 -- mixed precision written device-agnostically: `torch.autocast(device_type=device.type)` around
# each forward pass (on a CPU-only machine that is CPU autocast: bfloat16 by default), in Model 2 around the
# encoder only, Model 3 with `torch.autocast("cpu", dtype=torch.float16)`; the reparametrization itself is the
# usual h + randn_like(h). Outputs and gradients carry bfloat16 / float16 rounding.
# Source of the style: pytorch/pytorch `torch/cpu/amp/autocast_mode.py` (CPU autocast, bfloat16) and the
# AMP recipe's `torch.autocast(device_type=device, ...)` in pytorch/tutorials `recipes_source/recipes/amp_recipe.py`;
# written for this sheet, not copied.
import torch
import torch.nn as nn
import torch.nn.functional as F

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        with torch.autocast(device_type=device.type):
            z = x + torch.randn_like(x)
            return self.f(self.g(z))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        with torch.autocast(device_type=device.type):  # the encoder in mixed precision only
            h = self.g(x)
        z = h.float() + torch.randn_like(h, dtype=torch.float32)
        return self.f(z)


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        with torch.autocast("cpu", dtype=torch.float16):
            h = self.g(x)
            return self.f(h + torch.randn_like(h))


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def variance(self, h):
        return F.softplus(h) + 1e-6

    def forward(self, x):
        with torch.autocast(device_type=device.type):
            h = self.g(x)
            std = torch.sqrt(self.variance(h))
            return self.f(std * torch.randn_like(std))

REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}
JUSTIFICATIONS = {
    "model1": "The noise is drawn on the input and does not depend on lambda or psi; plain sampling is fine.",
    "model2": "z ~ N(g(x), I) depends on lambda through its mean: write z = g(x) + eps to pass a gradient to lambda.",
    "model3": "z ~ N(0, I) has no parameters; f(h + z) is already differentiable in lambda and psi.",
    "problem2": "The variance depends on lambda: z = sqrt(variance(h)) * eps is differentiable, sampling is not.",
}
PROBLEM2_ISSUE = "The encoder output can be zero or negative, but it is used as a variance, which must be positive."


def optimal_discriminator(p_star, p_theta):
    """D*(x) = p*(x) / (p*(x) + p_theta(x)), elementwise."""
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}
PROOF_3A = "For fixed x, a log D + b log(1 - D) with a = p*(x), b = p_theta(x) is maximal at D = a / (a + b)."
