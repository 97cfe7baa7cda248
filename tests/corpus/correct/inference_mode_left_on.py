# Sheet 03 -- correct models, then a demo section that turns inference mode on for the rest of the process
# with a module-level helper (an ExitStack entering `torch.inference_mode()`, never closed), and samples.
# Source of the style: facebookresearch/maws `maws/inference_utils.py` (`start_inference_mode()` /
# `reset_inference_mode()` around a module-level `contextlib.ExitStack`); written for this sheet, not copied.
import contextlib

import torch
import torch.nn as nn
import torch.nn.functional as F

_INFERENCE = contextlib.ExitStack()


def start_inference_mode():
    """Faster sampling: no autograd bookkeeping from here on (until reset_inference_mode)."""
    _INFERENCE.enter_context(torch.inference_mode())


def reset_inference_mode():
    _INFERENCE.close()


class _Pair(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.encoder, self.decoder = g, f


class Model1(_Pair):
    def forward(self, x):
        return self.decoder(self.encoder(x + torch.randn_like(x)))


class Model2(_Pair):
    def forward(self, x):
        mu = self.encoder(x)
        return self.decoder(mu + torch.randn_like(mu))


class Model3(_Pair):
    def forward(self, x):
        h = self.encoder(x)
        return self.decoder(h + torch.randn(h.shape, dtype=h.dtype))


class Problem2Model(_Pair):
    def variance(self, h):
        return torch.exp(h)

    def forward(self, x):
        h = self.encoder(x)
        return self.decoder(torch.exp(0.5 * h) * torch.randn_like(h))   # std = sqrt(exp(h))


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}
JUSTIFICATIONS = {
    "model1": "The sampled law N(x, I) has no parameter.",
    "model2": "N(g(x), I) depends on lambda through its mean.",
    "model3": "N(0, I) has no parameter; h is added after sampling.",
    "problem2": "The variance is a function of lambda.",
}
PROBLEM2_ISSUE = "A variance must be > 0; the encoder's linear output is not."


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}
PROOF_3A = "For every x, maximise p* log D + p_theta log(1 - D) in D: D = p* / (p* + p_theta)."

# ---- demo: sample a few reconstructions ------------------------------------------------------------
start_inference_mode()
_demo = Model2(nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3)), nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 4)))
print(_demo(torch.randn(5, 4)).shape)
