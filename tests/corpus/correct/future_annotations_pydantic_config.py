# Sheet 03 -- `from __future__ import annotations` (every hint a string) with PEP 604 hints that libraries
# evaluate at runtime: a pydantic `BaseModel` config (`float | None`, `Literal[...]`), a `@dataclass` holding the
# nets (`nn.Module | None`), `typing.get_type_hints` used to validate it, `Self`-typed helpers (3.11).
# Source of the style: Lightning-AI/litgpt `litgpt/config.py` (dataclass config with `X | None` fields under
# `from __future__ import annotations`), pydantic/pydantic `docs/concepts/models.md`; written for this sheet, not copied.
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Self, get_type_hints

import torch
import torch.nn as nn
import torch.nn.functional as F
from pydantic import BaseModel, Field


class VarianceConfig(BaseModel):
    kind: Literal["softplus", "exp"] = "softplus"
    floor: float | None = Field(default=1e-6, ge=0.0)
    clamp: tuple[float, float] | None = None


CONFIG = VarianceConfig.model_validate({"kind": "softplus", "floor": 1e-6})


@dataclass(eq=False)
class Nets:
    g: nn.Module | None = None
    f: nn.Module | None = None
    notes: list[str] = field(default_factory=list)

    def checked(self) -> Self:
        hints = get_type_hints(type(self))      # evaluates "nn.Module | None" at runtime
        assert set(hints) == {"g", "f", "notes"}
        assert self.g is not None and self.f is not None, "g and f are required"
        return self


class _Base(nn.Module):
    def __init__(self, g: nn.Module, f: nn.Module) -> None:
        super().__init__()
        nets = Nets(g, f).checked()
        self.g: nn.Module = nets.g
        self.f: nn.Module = nets.f

    @staticmethod
    def noise_like(t: torch.Tensor, scale: torch.Tensor | float = 1.0) -> torch.Tensor:
        return scale * torch.randn_like(t)


class Model1(_Base):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.f(self.g(x + self.noise_like(x)))


class Model2(_Base):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.g(x)
        return self.f(h + self.noise_like(h))


class Model3(_Base):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.g(x)
        return self.f(h + self.noise_like(h))


class Problem2Model(_Base):
    def __init__(self, g: nn.Module, f: nn.Module, config: VarianceConfig | None = None) -> None:
        super().__init__(g, f)
        self.config = config or CONFIG

    def variance(self, h: torch.Tensor) -> torch.Tensor:
        if self.config.clamp is not None:
            h = h.clamp(*self.config.clamp)
        v = F.softplus(h) if self.config.kind == "softplus" else torch.exp(h)
        return v + (self.config.floor or 0.0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.g(x)
        return self.f(self.noise_like(h, self.variance(h).sqrt()))


def optimal_discriminator(p_star: torch.Tensor | float, p_theta: torch.Tensor | float) -> torch.Tensor | float:
    return p_star / (p_star + p_theta)


D_STAR_CASES: dict[str, float] = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}
JUSTIFICATIONS = {
    "model1": "The noise enters before the encoder and its law has no parameters.",
    "model2": "z ~ N(g(x), I) depends on lambda: write z = g(x) + eps.",
    "model3": "N(0, I) has no parameters; h enters f directly.",
    "problem2": "The variance depends on lambda: z = sqrt(var(h)) * eps.",
}
PROBLEM2_ISSUE = "The encoder output can be negative or zero, but it is used as a variance."
PROOF_3A = "For each x maximise p* log D + p_theta log(1 - D): the maximum is at D = p* / (p* + p_theta)."
