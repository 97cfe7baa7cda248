# Sheet 03 -- Problem 2's variance bounded on both sides, min_var + (max_var - min_var) * sigmoid(h), as the
# bounded-variance heads of public VAE code (e.g. the soft bounds of orybkin/sigma-vae-pytorch `model.py`,
# `softclip`); hyper-parameters in a `Config` dataclass; noise as `torch.randn(h.shape, device=h.device, dtype=h.dtype)`;
# D* with `torch.nan_to_num(..., nan=0.5)` on `torch.as_tensor` inputs (0/0 read as "no evidence").
# Written for this sheet, not copied.
from dataclasses import dataclass

import torch
import torch.nn as nn


@dataclass(frozen=True)
class Config:
    noise_std: float = 1.0
    min_var: float = 1e-4
    max_var: float = 10.0


CFG = Config()


def gaussian_like(t: torch.Tensor) -> torch.Tensor:
    return torch.randn(t.shape, device=t.device, dtype=t.dtype)


class Model1(nn.Module):
    def __init__(self, g, f, cfg: Config = CFG):
        super().__init__()
        self.g, self.f, self.cfg = g, f, cfg

    def forward(self, x):
        return self.f(self.g(x + self.cfg.noise_std * gaussian_like(x)))


class Model2(nn.Module):
    def __init__(self, g, f, cfg: Config = CFG):
        super().__init__()
        self.g, self.f, self.cfg = g, f, cfg

    def forward(self, x):
        h = self.g(x)
        return self.f(h + self.cfg.noise_std * gaussian_like(h))


class Model3(nn.Module):
    def __init__(self, g, f, cfg: Config = CFG):
        super().__init__()
        self.g, self.f, self.cfg = g, f, cfg

    def forward(self, x):
        h = self.g(x)
        z = self.cfg.noise_std * gaussian_like(h)
        return self.f(h + z)


class Problem2Model(nn.Module):
    def __init__(self, g, f, cfg: Config = CFG):
        super().__init__()
        self.g, self.f, self.cfg = g, f, cfg

    def variance(self, h):
        lo, hi = self.cfg.min_var, self.cfg.max_var
        return lo + (hi - lo) * torch.sigmoid(h)

    def forward(self, x):
        h = self.g(x)
        return self.f(self.variance(h).sqrt() * gaussian_like(h))


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}
JUSTIFICATIONS = {
    "model1": "No, the sampling distribution does not depend on lambda or psi.",
    "model2": "Yes, the mean g(x) depends on lambda.",
    "model3": "No, N(0, I) is fixed and h enters additively.",
    "problem2": "Yes, the variance is a function of g(x).",
}
PROBLEM2_ISSUE = "h can be negative or zero, and a variance must be positive."


def optimal_discriminator(p_star, p_theta):
    p_star, p_theta = torch.as_tensor(p_star), torch.as_tensor(p_theta)
    return torch.nan_to_num(p_star / (p_star + p_theta), nan=0.5)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}
PROOF_3A = "For fixed x maximise p* log D + p_theta log(1 - D): the hint gives D = p* / (p* + p_theta)."
