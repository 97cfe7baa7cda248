# Sheet 03 -- the distribution class stored on the model in __init__ (`self.dist = torch.distributions.Normal`) and
# built lazily in forward, `self.dist(h, 1.0).rsample()`; Problem 2 as `self.dist(zeros_like(h), std).rsample()`;
# `validate_args` switched off globally; D* decorated with `@torch.no_grad()`.
# Source of the style: pranz24/pytorch-soft-actor-critic `model.py` (`Normal(mean, std)` built per call,
# `.rsample()`), pytorch/pytorch `torch/distributions/distribution.py` (`set_default_validate_args`);
# written for this sheet, not copied.
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Distribution, Normal

Distribution.set_default_validate_args(False)


class _LatentVAE(nn.Module):
    def __init__(self, g, f, dist=Normal):
        super().__init__()
        self.encoder, self.decoder = g, f
        self.dist = dist                       # a class, built per call


class Model1(_LatentVAE):
    def forward(self, x):
        z = self.dist(x, torch.ones_like(x)).rsample()
        return self.decoder(self.encoder(z))


class Model2(_LatentVAE):
    def forward(self, x):
        h = self.encoder(x)
        return self.decoder(self.dist(h, 1.0).rsample())


class Model3(_LatentVAE):
    def forward(self, x):
        h = self.encoder(x)
        z = self.dist(torch.zeros_like(h), torch.ones_like(h)).sample()
        return self.decoder(h + z)


class Problem2Model(_LatentVAE):
    def variance(self, h):
        return torch.exp(h.clamp(-20.0, 20.0))

    def forward(self, x):
        h = self.encoder(x)
        q = self.dist(torch.zeros_like(h), self.variance(h).sqrt())
        return self.decoder(q.rsample())


@torch.no_grad()
def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}
JUSTIFICATIONS = {
    "model1": "The noise enters before the encoder and its law has no parameters.",
    "model2": "z ~ N(g(x), I) depends on lambda: write z = g(x) + eps.",
    "model3": "N(0, I) has no parameters; h enters f directly.",
    "problem2": "The variance depends on lambda: z = sqrt(var(h)) * eps.",
}
PROBLEM2_ISSUE = "The encoder output can be negative or zero, but it is used as a variance."
PROOF_3A = "For each x maximise p* log D + p_theta log(1 - D): the maximum is at D = p* / (p* + p_theta)."
