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
        # YOUR CODE HERE
        raise NotImplementedError()


class Model2(nn.Module):
    """h = g(x), z ~ N(h, I_L), x_tilde = f(z)"""

    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        # YOUR CODE HERE
        raise NotImplementedError()


class Model3(nn.Module):
    """h = g(x), z ~ N(0, I_L), x_tilde = f(h + z)"""

    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        # YOUR CODE HERE
        raise NotImplementedError()


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
REPARAM_NEEDED = {"model1": None, "model2": None, "model3": None, "problem2": None}

JUSTIFICATIONS = {"model1": "", "model2": "", "model3": "", "problem2": ""}

PROBLEM2_ISSUE = ""


# ---------------------------------------------------------------- Problem 3

def optimal_discriminator(p_star, p_theta):
    # YOUR CODE HERE
    raise NotImplementedError()


D_STAR_CASES = {"optimal_generator": None, "generator_misses": None, "generator_hallucinates": None}

PROOF_3A = ""
