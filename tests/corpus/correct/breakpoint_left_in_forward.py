# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:light
#     text_representation:
#       extension: .py
#       format_name: light
#       format_version: '1.5'
#       jupytext_version: 1.16.1
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# # Sheet 03: VAE & GAN
#
# Round 8: tests/corpus/correct/jupytext_light_script.py with a debugging leftover, an unconditional
# `breakpoint()` in Model3.forward (public code leaves them in forward/loss code, e.g. `if torch.isnan(loss):
# breakpoint()` in VAE training code found with the code search); written for this sheet, not copied.

# %pip install -q torchinfo
# !nvidia-smi

# +
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
# -

# ## Problem 1

# +
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
        breakpoint()  # check h's shape
        return self.f(h + torch.randn_like(h))
# -

# ## Problem 2

# +
# %%time
class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def variance(self, h):
        return F.softplus(h) + 1e-6

    def forward(self, x):
        h = self.g(x)
        return self.f(torch.sqrt(self.variance(h)) * torch.randn_like(h))
# -

# ## Problem 3

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
