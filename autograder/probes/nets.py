"""The grader's own encoders g and decoders f, and its input batches, built deterministically from a seed.

Two kinds of network pair are handed to a student's model:
- `build`: the sheet's networks, small MLPs with a linear output layer and L < D;
- `linear`: g(x) = A x + c and f(z) = W z + b with L = D and A, W scaled orthogonal matrices.
  Every output of f then determines f's input exactly (z = W⁻¹(x̃ - b)), and every output of g
  its input, so the noise a model drew is recovered from the returned tensor alone, however
  the model called g and f (in chunks, several times, under vmap or checkpointing).

Shared by the child (which hands them to student models) and the parent (which rebuilds them to
verify observations and to compute reference gradients).
"""
from __future__ import annotations

import torch
from torch import nn

D, L, HIDDEN, N = 4, 3, 16, 256


def mlp(d_in: int, d_out: int, hidden: int = HIDDEN) -> nn.Sequential:
    """Linear -> Tanh -> Linear, a linear output layer as in the sheet."""
    return nn.Sequential(nn.Linear(d_in, hidden, dtype=torch.float32), nn.Tanh(),
                         nn.Linear(hidden, d_out, dtype=torch.float32))


def build(seed: int) -> tuple[nn.Sequential, nn.Sequential]:
    """g: R^D -> R^L and f: R^L -> R^D (MLPs) with weights drawn from a generator seeded by `seed`."""
    gen = torch.Generator().manual_seed(seed)
    g, f = mlp(D, L), mlp(L, D)
    with torch.no_grad():
        for net in (g, f):
            for i, layer in enumerate(m for m in net if isinstance(m, nn.Linear)):
                std = (1.0 / layer.in_features) ** 0.5 * (3.0 if i == 0 else 2.0)
                layer.weight.copy_(torch.randn(layer.weight.shape, generator=gen, dtype=torch.float32) * std)
                layer.bias.copy_(torch.randn(layer.bias.shape, generator=gen, dtype=torch.float32) * 0.3)
    return g, f


def _orthogonal(gen: torch.Generator, n: int) -> torch.Tensor:
    """A random n x n orthogonal matrix (QR of a Gaussian matrix, signs fixed)."""
    q, r = torch.linalg.qr(torch.randn((n, n), generator=gen, dtype=torch.float64))
    return q * torch.sign(torch.diagonal(r))


def linear(seed: int, encoder_scale: float, decoder_scale: float) -> tuple[nn.Sequential, nn.Sequential]:
    """g(x) = A x + c, f(z) = W z + b on R^D, with A = encoder_scale * Q1 and W = decoder_scale * Q2.

    Orthogonal Q keeps the noise's covariance isotropic: noise added where the model should not
    add it shows up as a variance of encoder_scale^±2 or decoder_scale^-2 instead of 1.
    """
    gen = torch.Generator().manual_seed(seed + 11)
    g, f = nn.Sequential(nn.Linear(D, D)), nn.Sequential(nn.Linear(D, D))
    with torch.no_grad():
        for net, scale in ((g, encoder_scale), (f, decoder_scale)):
            net[0].weight.copy_((_orthogonal(gen, D) * scale).float())
            net[0].bias.copy_(torch.randn(D, generator=gen, dtype=torch.float64).float())
    return g, f


def inputs(seed: int, n: int = N) -> torch.Tensor:
    """The batch x of shape (n, D): distinct rows."""
    gen = torch.Generator().manual_seed(seed + 1)
    return torch.randn((n, D), generator=gen, dtype=torch.float32) * 1.5


def named_parameters(g: nn.Module, f: nn.Module) -> list[tuple[str, nn.Parameter]]:
    """All parameters of g and f, named `g.<name>` and `f.<name>`."""
    return [(f"g.{n}", p) for n, p in g.named_parameters()] + [(f"f.{n}", p) for n, p in f.named_parameters()]
