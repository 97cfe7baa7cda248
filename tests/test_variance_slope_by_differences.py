"""A variance map's slope taken by differences (variance() without autograd) holds autograd's slope within its spread."""
from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from autograder.probes.autoencoder import _difference_slope

MAPS = {
    "exp": torch.exp,
    "softplus": lambda h: F.softplus(h) + 1e-6,
    "exp_clamped": lambda h: torch.exp(torch.clamp(h, -2.0, 2.0)),  # kinks at +-2
    "relu_floor": lambda h: F.relu(h) + 1e-3,  # a kink at 0
    "sigmoid": lambda h: 1e-4 + 10 * torch.sigmoid(h),
    "square": lambda h: torch.clamp(h ** 2, min=1e-6),
}


def _h(seed: int) -> torch.Tensor:
    """Encoder outputs as the linear run gives them (N(c, 9)), with points on and next to the kinks."""
    gen = torch.Generator().manual_seed(seed)
    h = torch.randn(512, 4, generator=gen) * 3 + torch.randn(4, generator=gen)
    h[0] = torch.tensor([2.0, -2.0, 0.0, 1e-4])
    h[1] = torch.tensor([2.0 + 1e-4, -2.0 - 1e-4, -1e-4, 1e-3])
    return h


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("name", sorted(MAPS))
def test_autograd_slope_lies_within_the_spread(name, seed):
    fn, h = MAPS[name], _h(seed)
    leaf = h.clone().requires_grad_(True)
    (exact,) = torch.autograd.grad(fn(leaf).sum(), leaf)
    with torch.no_grad():
        v = fn(h.clone())
    slope, spread = _difference_slope(fn, h, v)
    assert slope.shape == spread.shape == h.shape
    assert bool((spread >= 0).all())
    # deterministic: no false-failure probability; 1e-12 absorbs float64 rounding of the comparison itself
    assert bool(((exact.double() - slope).abs() <= spread + 1e-12).all()), name


def test_the_spread_is_small_where_the_map_is_smooth():
    h = _h(0)
    with torch.no_grad():
        v = torch.exp(h)
    _, spread = _difference_slope(torch.exp, h, v)
    step = 2.0 ** -10 * torch.clamp(h.abs(), min=1.0).double()
    # exp's curvature over one step (|hi - lo| ~ v * step) plus float32 rounding (2 eps32 v / step <= 2.5e-4 v)
    assert bool((spread / v.double() <= 1.05 * step + 1e-3).all())
