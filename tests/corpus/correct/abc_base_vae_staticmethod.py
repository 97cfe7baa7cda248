# Sheet 03 -- an abstract base class as in AntixK/PyTorch-VAE `models/base.py` (`class BaseVAE(nn.Module)` with
# abstract encode / decode / forward) and a `@staticmethod reparameterize(mu, std)` helper, `forward(self, x, **kwargs)`,
# `typing` annotations everywhere, one model overriding `__call__` (to accept and drop extra keyword arguments),
# Problem 2's sample as `torch.randn_like(h).mul_(std)` and its variance `torch.clamp(h ** 2, min=1e-6)`.
# Written for this sheet, not copied.
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, Optional

import torch
from torch import Tensor, nn


class BaseVAE(nn.Module, ABC):
    """Encoder g and decoder f as given; subclasses say where the noise goes."""

    def __init__(self, g: nn.Module, f: nn.Module) -> None:
        super().__init__()
        self.g: nn.Module = g
        self.f: nn.Module = f

    def encode(self, x: Tensor) -> Tensor:
        return self.g(x)

    def decode(self, z: Tensor) -> Tensor:
        return self.f(z)

    @staticmethod
    def reparameterize(mu: Tensor, std: Optional[Tensor] = None) -> Tensor:
        """mu + std * eps with eps ~ N(0, I); std = 1 when not given."""
        eps = torch.randn_like(mu)
        return mu + eps if std is None else mu + std * eps

    @abstractmethod
    def forward(self, x: Tensor, **kwargs: Any) -> Tensor:
        ...


class Model1(BaseVAE):
    def forward(self, x: Tensor, **kwargs: Any) -> Tensor:
        z = self.reparameterize(x)          # z ~ N(x, I_D)
        return self.decode(self.encode(z))


class Model2(BaseVAE):
    def forward(self, x: Tensor, **kwargs: Any) -> Tensor:
        h = self.encode(x)
        return self.decode(BaseVAE.reparameterize(h))

    def __call__(self, x: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        kwargs.pop("return_latent", None)   # older notebooks called model(x, return_latent=False)
        return super().__call__(x, *args, **kwargs)


class Model3(BaseVAE):
    def forward(self, x: Tensor, **kwargs: Any) -> Tensor:
        h = self.encode(x)
        z = self.reparameterize(torch.zeros_like(h))   # z ~ N(0, I_L)
        return self.decode(h + z)


class Problem2Model(BaseVAE):
    min_variance: float = 1e-6

    def variance(self, h: Tensor) -> Tensor:
        return torch.clamp(h ** 2, min=self.min_variance)

    def forward(self, x: Tensor, **kwargs: Any) -> Tensor:
        h = self.encode(x)
        std = self.variance(h).sqrt()
        z = torch.randn_like(h).mul_(std)   # in place on the fresh noise: the graph goes through std
        return self.decode(z)


REPARAM_NEEDED: Dict[str, bool] = {"model1": False, "model2": True, "model3": False, "problem2": True}
JUSTIFICATIONS: Dict[str, str] = {
    "model1": "No: the noise law N(x, I) has no learnable parameters.",
    "model2": "Yes: z ~ N(g(x), I) depends on lambda; z = g(x) + eps.",
    "model3": "No: z ~ N(0, I) is parameter-free; h + z is differentiable in lambda.",
    "problem2": "Yes: the variance depends on lambda; z = sqrt(var(h)) * eps.",
}
PROBLEM2_ISSUE: str = "diag(h) is a covariance only if every h_j > 0; the encoder's linear output can be <= 0."


def optimal_discriminator(p_star: Any, p_theta: Any) -> Any:
    return p_star / (p_star + p_theta)


D_STAR_CASES: Dict[str, float] = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}
PROOF_3A: str = "Pointwise, a log y + b log(1 - y) is maximal at y = a / (a + b) with a = p*(x), b = p_theta(x)."
