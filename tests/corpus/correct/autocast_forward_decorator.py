# Sheet 03 -- GPU-minded code: `@torch.autocast(device_type="cuda")` on every forward (mixed precision applied
# inside the model, as for DataParallel) and `torch.backends.cudnn.benchmark = True`; on a machine without
# CUDA autocast only warns and does nothing, so the models run in float32.
# Source of the style: pytorch/pytorch `docs/source/notes/amp_examples.rst` ("DataParallel in a single
# process": `@autocast() def forward(self, input)`); written for this sheet, not copied.
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.backends.cudnn.benchmark = True


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    @torch.autocast(device_type="cuda")
    def forward(self, x):
        return self.f(self.g(x + torch.randn_like(x)))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    @torch.autocast(device_type="cuda")
    def forward(self, x):
        h = self.g(x)
        return self.f(h + torch.randn_like(h))


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    @torch.autocast(device_type="cuda")
    def forward(self, x):
        h = self.g(x)
        return self.f(h + torch.randn_like(h))


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def variance(self, h):
        return F.softplus(h.float()) + 1e-6     # kept in float32 even under autocast

    @torch.autocast(device_type="cuda")
    def forward(self, x):
        h = self.g(x)
        return self.f(torch.sqrt(self.variance(h)) * torch.randn_like(h))


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}
JUSTIFICATIONS = {
    "model1": "parameter-free noise on the data",
    "model2": "the mean of z is g(x): z = g(x) + eps",
    "model3": "parameter-free latent noise",
    "problem2": "the variance of z depends on lambda: z = sqrt(v) eps",
}
PROBLEM2_ISSUE = "h can be negative, diag(h) is then no covariance matrix"


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}
PROOF_3A = "for each x, a log y + b log(1 - y) is maximal at y = a / (a + b) with a = p*, b = p_theta"
