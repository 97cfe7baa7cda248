# -*- coding: cp1252 -*-
# Übungsblatt 03 – Lösung. Saved by a Windows editor in cp1252, with the PEP 263 declaration above,
# so Python reads it. Models as in tests/corpus/correct/module_dict_nets.py.
import torch
import torch.nn as nn
import torch.nn.functional as F


class _Wrapped(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.nets = nn.ModuleDict({"encoder": g, "decoder": f})


class Model1(_Wrapped):
    def forward(self, x):
        z = torch.normal(mean=x, std=1.0)
        return self.nets["decoder"](self.nets["encoder"](z))


class Model2(_Wrapped):
    def forward(self, x):
        enc, dec = self.nets.values()
        h = enc(x)
        return dec(h + torch.randn_like(h))


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f
        self.stack = nn.ModuleList([g, f])

    def forward(self, x):
        h = self._modules["g"](x)
        z = h + torch.randn(h.shape, dtype=h.dtype)
        return self.stack[-1](z)


class Problem2Model(_Wrapped):
    def variance(self, h):
        return F.softplus(h, beta=2) + 1e-6

    def forward(self, x):
        h = self.nets["encoder"](x)
        sigma = self.variance(h).sqrt()
        return self.nets["decoder"](sigma * torch.randn_like(sigma))


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}

JUSTIFICATIONS = {
    "model1": "The randomness enters on x, before the parameters, so E[L] can be differentiated inside.",
    "model2": "z ~ N(g(x), I) depends on lambda, hence z = g(x) + eps.",
    "model3": "The noise is parameter-free and additive in h.",
    "problem2": "Var depends on lambda, so z = sqrt(var) * eps.",
}

PROBLEM2_ISSUE = "A Gaussian needs a positive variance; h from a linear layer can be <= 0."


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}

PROOF_3A = "a log y + b log(1-y) is maximal at y = a/(a+b); apply it for every x with a = p*(x), b = p_theta(x)."
