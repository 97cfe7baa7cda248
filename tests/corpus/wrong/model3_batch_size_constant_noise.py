# Sheet 03 -- one mistake: Model 3's noise is drawn with the training loop's constants,
# `torch.randn(BATCH_SIZE, LATENT_DIM)` with BATCH_SIZE = 128: it only fits batches of 128 rows
# (the last, smaller batch of an epoch, or the grader's batch, make `h + z` fail to broadcast).
# Everything else is correct.
# Source of the style: pytorch/examples `dcgan/main.py` (`fixed_noise = torch.randn(opt.batchSize, nz, 1, 1)`,
# noise shaped by the batch-size option) and `vae/main.py` (`args.batch_size`); written for this sheet, not copied.
import torch
import torch.nn as nn
import torch.nn.functional as F

BATCH_SIZE = 128
EPOCHS = 10
LEARNING_RATE = 1e-3


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        return self.f(self.g(x + torch.randn_like(x)))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        h = self.g(x)
        return self.f(h + torch.randn_like(h))


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f
        self.latent_dim = f[0].in_features

    def forward(self, x):
        h = self.g(x)
        z = torch.randn(BATCH_SIZE, self.latent_dim)
        return self.f(h + z)


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def variance(self, h):
        return F.softplus(h) + 1e-6

    def forward(self, x):
        h = self.g(x)
        return self.f(torch.sqrt(self.variance(h)) * torch.randn_like(h))


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}
JUSTIFICATIONS = {
    "model1": "The noise does not depend on any parameter.",
    "model2": "z's mean g(x) depends on lambda: reparametrize as h + eps.",
    "model3": "z ~ N(0, I) has no parameters.",
    "problem2": "The variance depends on lambda: reparametrize as sqrt(var) * eps.",
}
PROBLEM2_ISSUE = "h can be negative, but it is used as a variance."


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}
PROOF_3A = "Maximise the integrand p* log D + p_theta log(1 - D) pointwise: D* = p* / (p* + p_theta)."
