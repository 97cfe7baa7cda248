# Sheet 03 -- a student hunting NaNs: `warnings.simplefilter("error")` (every warning raises), `np.seterr(all="raise")`
# and `torch.autograd.set_detect_anomaly(True, check_nan=True)` at import; plain-style correct models.
# Source of the style: python/cpython `Doc/library/warnings.rst` ("error" action), numpy/numpy
# `numpy/_core/_ufunc_config.py` (`seterr`), pytorch/pytorch `torch/autograd/anomaly_mode.py`; written for this sheet,
# not copied.
import warnings

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

warnings.simplefilter("error")          # every warning an exception: NaNs and deprecations stop the run
np.seterr(all="raise")                  # numpy's floating-point errors too
torch.autograd.set_detect_anomaly(True, check_nan=True)


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        z = x + torch.randn_like(x)
        return self.f(self.g(z))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        mu = self.g(x)
        z = mu + torch.randn_like(mu)
        return self.f(z)


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        z = torch.randn_like(h)
        return self.f(h + z)


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def variance(self, h):
        return F.softplus(h) + 1e-4

    def forward(self, x):
        h = self.g(x)
        std = torch.sqrt(self.variance(h))
        return self.f(std * torch.randn_like(std))


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}
JUSTIFICATIONS = {
    "model1": "The noise enters before the encoder and its law has no parameters.",
    "model2": "z ~ N(g(x), I) depends on lambda: write z = g(x) + eps.",
    "model3": "N(0, I) has no parameters; h enters f directly.",
    "problem2": "The variance depends on lambda: z = sqrt(var(h)) * eps.",
}
PROBLEM2_ISSUE = "The encoder output can be negative or zero, but it is used as a variance."
PROOF_3A = "For each x maximise p* log D + p_theta log(1 - D): the maximum is at D = p* / (p* + p_theta)."
