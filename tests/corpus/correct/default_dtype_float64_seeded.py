# Sheet 03 -- a script that fixes its numerics at the top: `torch.set_default_dtype(torch.float64)`,
# `torch.manual_seed(0)`, `np.random.seed(0)`, `random.seed(0)`, a module-level 0-dim constant, and noise
# drawn with `torch.randn(h.shape)` / `torch.randn(x.size())` (default dtype, no `_like`).
# Source of the style: the seeding preamble of course notebooks and scripts, e.g. pytorch/examples
# `vae/main.py` (`torch.manual_seed(args.seed)`) and gradcheck-minded code that sets float64 globally;
# written for this sheet, not copied.
import math
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
torch.manual_seed(0)
np.random.seed(0)
random.seed(0)

HALF = torch.tensor(0.5)   # 0-dim: it does not change the dtype of what it multiplies


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        z = x + torch.randn(x.size()).to(x.dtype)
        return self.f(self.g(z))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        h = self.g(x)
        return self.f(h + torch.randn(h.shape).to(h))


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        h = self.g(x)
        z = torch.randn(h.shape, dtype=h.dtype)
        return self.f(h + z)


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def variance(self, h):
        return torch.log1p(torch.exp(h))     # softplus written out with log1p: > 0 for every finite h

    def forward(self, x):
        h = self.g(x)
        std = torch.exp(HALF * torch.log(self.variance(h)))
        return self.f(std * torch.randn(h.shape).to(h))


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}
JUSTIFICATIONS = {
    "model1": "Input noise: its law does not involve lambda or psi.",
    "model2": "z's law N(h, I) has its mean from lambda; reparametrize z = h + eps.",
    "model3": "z ~ N(0, I) has no parameters; h is added deterministically.",
    "problem2": "Variance depends on lambda; reparametrize z = sqrt(var) * eps.",
}
PROBLEM2_ISSUE = "The variance h of a linear layer may be negative."


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 1 / 2, "generator_misses": 1, "generator_hallucinates": 0}
PROOF_3A = "Maximise p* log y + p_theta log(1 - y) over y in (0, 1): y = p* / (p* + p_theta); log(2 pi) = %.3f" % math.log(2 * math.pi)
