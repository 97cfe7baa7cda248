# Sheet 03 -- models declared as dataclasses: a `DcModule` base whose `__new__` runs nn.Module.__init__ before
# the dataclass's generated `__init__` assigns the fields (so `g: nn.Module` fields register as submodules),
# `@dataclass(unsafe_hash=True)`; Problem 2 through a fastai-style `PrePostInitMeta` metaclass that calls
# nn.Module.__init__ in `__pre_init__` (no `super().__init__()` in the class), with the variance map held as
# `nn.Softplus(beta=2, threshold=10)` plus a floor.
# Source of the style: wearepal/ranzen `ranzen/torch/module.py` (`DcModule`), fastai/fastai
# `fastai/torch_core.py` (`PrePostInitMeta`, `Module`); written for this sheet, not copied.
from __future__ import annotations

from dataclasses import dataclass, field

import torch
import torch.nn as nn


class DcModule(nn.Module):
    """nn.Module whose subclasses can be dataclasses: Module's state exists before the fields are set."""

    def __new__(cls, *args, **kwargs):
        obj = object.__new__(cls)
        nn.Module.__init__(obj)
        return obj


@dataclass(unsafe_hash=True)
class Model1(DcModule):
    g: nn.Module
    f: nn.Module

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        z = x + torch.randn_like(x)
        return self.f(self.g(z))


@dataclass(unsafe_hash=True)
class Model2(DcModule):
    g: nn.Module
    f: nn.Module
    noise_scale: float = field(default=1.0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.g(x)
        z = h + self.noise_scale * torch.randn_like(h)
        return self.f(z)


@dataclass(eq=False)
class Model3(DcModule):
    g: nn.Module
    f: nn.Module

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.g(x)
        return self.f(h + torch.randn_like(h))


class PrePostInitMeta(type):
    """Calls `__pre_init__` before and `__post_init__` after the class's own `__init__`."""

    def __call__(cls, *args, **kwargs):
        obj = cls.__new__(cls)
        obj.__pre_init__(*args, **kwargs)
        obj.__init__(*args, **kwargs)
        obj.__post_init__(*args, **kwargs)
        return obj


class Module(nn.Module, metaclass=PrePostInitMeta):
    """nn.Module without the need to call super().__init__()."""

    def __pre_init__(self, *args, **kwargs):
        nn.Module.__init__(self)

    def __init__(self):
        pass

    def __post_init__(self, *args, **kwargs):
        pass


class Problem2Model(Module):
    def __init__(self, g, f):
        self.g, self.f = g, f
        self.positive = nn.Softplus(beta=2, threshold=10)

    def variance(self, h):
        return 1e-6 + self.positive(h)

    def forward(self, x):
        h = self.g(x)
        std = torch.sqrt(self.variance(h))
        return self.f(std * torch.randn_like(std))


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}
JUSTIFICATIONS = {
    "model1": "The noise on x has a fixed law; nothing to differentiate through the sample.",
    "model2": "The sample's mean g(x) depends on lambda, so sample as h + eps.",
    "model3": "z ~ N(0, I) is parameter free; h + z is differentiable in h.",
    "problem2": "The sample's variance depends on lambda: sqrt(v(h)) * eps.",
}
PROBLEM2_ISSUE = "A variance must be positive, but the encoder's output h can be negative or zero."


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}
PROOF_3A = "Pointwise maximisation of p* log D + p_theta log(1 - D) over D in (0, 1) gives D* = p* / (p* + p_theta)."
