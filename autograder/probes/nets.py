"""The grader's own encoder g and decoder f, and its input batch, built deterministically from a seed.

Shared by the child (which hands them to student models) and the parent (which rebuilds them
from the recorded parameters to compute reference gradients).
"""
from __future__ import annotations

import torch
from torch import nn

D, L, HIDDEN, N = 4, 3, 16, 256
# g's output layer is scaled so that h = g(x) spreads over roughly [-4, 4]: a learned variance map
# then takes values far from 1, so that sampling with the wrong scale shows in the noise test.
_LATENT_SCALE = 1.0


def mlp(d_in: int, d_out: int, hidden: int = HIDDEN) -> nn.Sequential:
    """Linear -> Tanh -> Linear, a linear output layer as in the sheet."""
    return nn.Sequential(nn.Linear(d_in, hidden, dtype=torch.float32), nn.Tanh(),
                         nn.Linear(hidden, d_out, dtype=torch.float32))


def build(seed: int) -> tuple[nn.Sequential, nn.Sequential]:
    """g: R^D -> R^L and f: R^L -> R^D with weights drawn from a generator seeded by `seed`."""
    gen = torch.Generator().manual_seed(seed)
    g, f = mlp(D, L), mlp(L, D)
    with torch.no_grad():
        for net, out_scale in ((g, _LATENT_SCALE), (f, 1.0)):
            for i, layer in enumerate(m for m in net if isinstance(m, nn.Linear)):
                std = (1.0 / layer.in_features) ** 0.5 * (3.0 if i == 0 else 2.0 * out_scale)
                layer.weight.copy_(torch.randn(layer.weight.shape, generator=gen, dtype=torch.float32) * std)
                layer.bias.copy_(torch.randn(layer.bias.shape, generator=gen, dtype=torch.float32) * 0.3 * out_scale)
    return g, f


def inputs(seed: int, n: int = N) -> torch.Tensor:
    """The batch x of shape (n, D): distinct rows."""
    gen = torch.Generator().manual_seed(seed + 1)
    return torch.randn((n, D), generator=gen, dtype=torch.float32) * 1.5


def load_params(g: nn.Module, f: nn.Module, params: dict[str, torch.Tensor]) -> None:
    """Overwrite g's and f's parameters with recorded ones (keys `g.<name>`, `f.<name>`)."""
    with torch.no_grad():
        for prefix, net in (("g", g), ("f", f)):
            for name, p in net.named_parameters():
                p.copy_(params[f"{prefix}.{name}"])


def named_parameters(g: nn.Module, f: nn.Module) -> list[tuple[str, nn.Parameter]]:
    """All parameters of g and f, named `g.<name>` and `f.<name>`."""
    return [(f"g.{n}", p) for n, p in g.named_parameters()] + [(f"f.{n}", p) for n, p in f.named_parameters()]


def mlp_apply(params: dict, prefix: str, x: "torch.Tensor") -> "torch.Tensor":
    """The same network as `mlp`, from parameters `<prefix>.0.weight`, ... (no module to build)."""
    hidden = torch.tanh(torch.nn.functional.linear(x, params[f"{prefix}.0.weight"], params[f"{prefix}.0.bias"]))
    return torch.nn.functional.linear(hidden, params[f"{prefix}.2.weight"], params[f"{prefix}.2.bias"])
