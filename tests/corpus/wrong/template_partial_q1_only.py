"""Exercise sheet 03 -- VAE & GAN.

Fill in the parts marked YOUR CODE HERE. Do not rename the classes, functions or variables.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


# ---------------------------------------------------------------- Problem 1

class Model1(nn.Module):
    """z ~ N(x, I_D), h = g(z), x_tilde = f(h)"""

    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        z = x + torch.randn_like(x)
        h = self.g(z)
        return self.f(h)


class Model2(nn.Module):
    """h = g(x), z ~ N(h, I_L), x_tilde = f(z)"""

    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        z = h + torch.randn_like(h)
        return self.f(z)


class Model3(nn.Module):
    """h = g(x), z ~ N(0, I_L), x_tilde = f(h + z)"""

    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        z = torch.randn_like(h)
        return self.f(h + z)


# ---------------------------------------------------------------- Problem 2

class Problem2Model(nn.Module):
    """The fixed model of Problem 2."""

    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def variance(self, h):
        # YOUR CODE HERE
        raise NotImplementedError()

    def forward(self, x):
        # YOUR CODE HERE
        raise NotImplementedError()


# True or False
REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": None}

JUSTIFICATIONS = {
    "model1": "No, the noise is independent of the parameters and is added before g.",
    "model2": "Yes, z depends on lambda via h; z = h + eps with eps ~ N(0, I).",
    "model3": "No, the noise is parameter free and added to h.",
    "problem2": "",
}

PROBLEM2_ISSUE = ""


# ---------------------------------------------------------------- Problem 3

def optimal_discriminator(p_star, p_theta):
    # YOUR CODE HERE
    raise NotImplementedError()


D_STAR_CASES = {"optimal_generator": None, "generator_misses": None, "generator_hallucinates": None}

PROOF_3A = ""
