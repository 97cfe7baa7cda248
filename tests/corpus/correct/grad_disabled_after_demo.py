# Sheet 03 -- a script that ends with an inference section switching autograd off globally,
# `torch.set_grad_enabled(False)` called as a function (not a `with` block), before sampling, and
# `torch.autograd.set_detect_anomaly(True)` at the top while debugging.
# Source of the style: the function form shown in pytorch/pytorch `torch/autograd/grad_mode.py`
# (`set_grad_enabled` docstring: `_ = torch.set_grad_enabled(False)`), used at module level by inference
# scripts; written for this sheet, not copied.
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.autograd.set_detect_anomaly(True)


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        return self.f(self.g(x + torch.randn_like(x)))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        return self.f(h + torch.randn_like(h))


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        return self.f(h + torch.randn_like(h))


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def variance(self, h):
        return F.softplus(h) + 1e-6

    def forward(self, x):
        h = self.g(x)
        return self.f(self.variance(h).sqrt() * torch.randn_like(h))


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}
JUSTIFICATIONS = {
    "model1": "The noise is added to the data; its law depends on neither lambda nor psi.",
    "model2": "z ~ N(g(x), I) depends on lambda: write z = g(x) + eps to differentiate.",
    "model3": "z ~ N(0, I) is parameter-free; h enters additively.",
    "problem2": "The variance depends on lambda: z = sqrt(v(h)) * eps.",
}
PROBLEM2_ISSUE = "g's linear output can be negative or zero, which is no variance."


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}
PROOF_3A = "Pointwise, p* log D + p_theta log(1 - D) is maximised at D = p* / (p* + p_theta)."

# ---- inference: no gradients from here on --------------------------------------------------------
torch.set_grad_enabled(False)
_g = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 3))
_f = nn.Sequential(nn.Linear(3, 16), nn.Tanh(), nn.Linear(16, 4))
samples = Model3(_g, _f)(torch.randn(8, 4))
print("sample mean", samples.mean().item())
