# Sheet 03 -- the variance map as its own nn.Module (`PositiveVariance` holding `nn.Softplus(beta=0.5)`,
# with a floor), noise as `torch.randn_like(h).requires_grad_(False)` and `nn.init.normal_(torch.empty_like(h))`,
# and D* computed in log space with `torch.logaddexp` (floats go through `torch.as_tensor`);
# D_STAR_CASES computed with numpy float32 arithmetic (np.float32 values).
# Source of the style: lucidrains-style small modules (`class ... (nn.Module)` wrapping one activation) and the
# log-density discriminators of density-ratio code, e.g. pyro-ppl/pyro `pyro/distributions/util.py`
# (`logsumexp` arithmetic on log densities); written for this sheet, not copied.
import numpy as np
import torch
import torch.nn as nn


class PositiveVariance(nn.Module):
    """Maps any real h to a variance in (min_var, inf)."""

    def __init__(self, beta=0.5, min_var=1e-5):
        super().__init__()
        self.softplus = nn.Softplus(beta=beta)
        self.min_var = min_var

    def forward(self, h):
        return self.softplus(h) + self.min_var


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        eps = nn.init.normal_(torch.empty_like(x))
        return self.f(self.g(x + eps))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        h = self.g(x)
        eps = torch.randn_like(h).requires_grad_(False)
        return self.f(h + eps)


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        h = self.g(x)
        eps = nn.init.normal_(torch.empty_like(h), mean=0.0, std=1.0)
        return self.f(h + eps)


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f
        self.var_fn = PositiveVariance()

    def variance(self, h):
        return self.var_fn(h)

    def forward(self, x):
        h = self.g(x)
        eps = torch.randn_like(h).requires_grad_(False)
        return self.f(torch.sqrt(self.variance(h)) * eps)


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}
JUSTIFICATIONS = {
    "model1": "noise law on the input is fixed",
    "model2": "latent law's mean depends on lambda",
    "model3": "noise law is fixed, added to h",
    "problem2": "latent law's variance depends on lambda",
}
PROBLEM2_ISSUE = "the encoder's linear output is not guaranteed positive"


def optimal_discriminator(p_star, p_theta):
    log_p, log_q = torch.log(torch.as_tensor(p_star)), torch.log(torch.as_tensor(p_theta))
    return torch.exp(log_p - torch.logaddexp(log_p, log_q))


_p = np.float32(0.4)
D_STAR_CASES = {
    "optimal_generator": _p / (_p + _p),
    "generator_misses": _p / (_p + np.float32(0.0)),
    "generator_hallucinates": np.float32(0.0) / (np.float32(0.0) + _p),
}
PROOF_3A = "pointwise maximisation of p* log D + p_theta log(1 - D) gives D = p*/(p* + p_theta)"
