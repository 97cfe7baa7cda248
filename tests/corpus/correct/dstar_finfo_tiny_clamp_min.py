# Sheet 03 -- D* guarded against a zero denominator the careful way: both densities through
# `torch.as_tensor(..., dtype=torch.float32)`, the denominator `(p + q).clamp_min(torch.finfo(p.dtype).tiny)`
# (the smallest positive normal float: changes nothing where p + q > 0), the result `.item()` for 0-dim
# inputs; D_STAR_CASES written `torch.tensor(0.5).item()`, `float("1")`, `np.float32(0)`.
# Models as in tests/corpus/correct/noise_under_no_grad_inference.py.
# Source of the style: the `torch.finfo(probs.dtype).eps` guard of pytorch/pytorch `torch/distributions/utils.py`
# (`clamp_probs`), here with `.tiny`; written for this sheet, not copied.
import numpy as np
import torch
import torch.nn as nn


def reparameterize(mu, std, seed=None):
    """mu + std * eps with eps ~ N(0, I); `seed` only for reproducible figures."""
    with torch.no_grad():
        if seed is None:
            eps = torch.randn_like(std)
        else:
            gen = torch.Generator(device=std.device).manual_seed(seed)
            eps = torch.randn(std.shape, generator=gen, device=std.device, dtype=std.dtype)
    return eps.mul(std).add_(mu)


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        with torch.no_grad():
            noise = torch.randn_like(x)
        return self.f(self.g(x + noise))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        h = self.g(x)
        with torch.inference_mode():
            eps = torch.randn(h.shape, dtype=h.dtype)
        return self.f(h + eps)


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        h = self.g(x)
        z = reparameterize(torch.zeros_like(h), torch.ones_like(h))  # z ~ N(0, I), no parameters
        return self.f(h + z)


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def variance(self, h):
        return nn.functional.softplus(h) + 1e-5

    def forward(self, x, seed=None):
        h = self.g(x)
        z = reparameterize(torch.zeros_like(h), self.variance(h).sqrt(), seed=seed)
        return self.f(z)


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}
JUSTIFICATIONS = {
    "model1": "The noise has no parameters, so no gradient needs to pass through the draw.",
    "model2": "z ~ N(h, I) depends on lambda through h: sample h + eps instead.",
    "model3": "The draw z ~ N(0, I) is parameter free.",
    "problem2": "The draw's scale depends on lambda: sample sqrt(var) * eps instead.",
}
PROBLEM2_ISSUE = "Using h directly as a variance fails when h <= 0: the normal distribution is then undefined."




def optimal_discriminator(p_star, p_theta):
    """D*(x) = p*(x) / (p*(x) + p_theta(x)), elementwise; floats give a float."""
    scalar = not torch.is_tensor(p_star) and not torch.is_tensor(p_theta)
    p = torch.as_tensor(p_star, dtype=torch.float32)
    q = torch.as_tensor(p_theta, dtype=torch.float32)
    d = p / (p + q).clamp_min(torch.finfo(p.dtype).tiny)
    return d.item() if scalar else d


D_STAR_CASES = {
    "optimal_generator": torch.tensor(0.5).item(),
    "generator_misses": float("1"),
    "generator_hallucinates": np.float32(0),
}
PROOF_3A = "For each x, p* log D + p_theta log(1 - D) is maximal where p*/D = p_theta/(1 - D), i.e. D = p*/(p* + p_theta)."
