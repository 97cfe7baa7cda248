# Sheet 03 -- ONE mistake: D* written in logit form as sigmoid(p* - p_theta), the difference of the densities,
# where D* = sigmoid(log p* - log p_theta) needs their logs. Everything else correct (the models of
# device_agnostic.py). Source of the style: the logit form of the optimal discriminator in GAN notes, e.g.
# DongjunLee/notes `notes/Generative/gan.md`; written for this sheet, not copied.
import torch
import torch.nn as nn
import torch.nn.functional as F

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
use_mps = getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f
        self.to(device)

    def forward(self, x):
        x = x.to(device)
        noise = torch.randn(x.size(0), x.size(1), device=x.device, dtype=x.dtype)
        return self.f(self.g(x + noise))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f
        if torch.cuda.is_available():
            self.cuda()

    def forward(self, x):
        h = self.g(x.to(device))
        eps = torch.randn(h.size(0), h.size(1), device=h.device)
        return self.f(h + eps)


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g.to(device), f.to(device)

    def forward(self, x):
        h = self.g(x.to(device))
        z = torch.randn(h.shape, device=device, dtype=h.dtype)
        return self.f(h + z)


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f
        self.to(device)

    def variance(self, h):
        return F.elu(h) + 1.0 + 1e-6       # ELU + 1 (= exp(h) below 0), with a floor

    def forward(self, x):
        h = self.g(x.to(device))
        eps = torch.randn(h.size(), device=h.device)
        return self.f(torch.sqrt(self.variance(h)) * eps)


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}
JUSTIFICATIONS = {
    "model1": "The input noise's law has no parameters.",
    "model2": "The latent mean is g(x): write z = g(x) + eps.",
    "model3": "The noise law N(0, I) is fixed.",
    "problem2": "The latent variance depends on lambda: z = sqrt(var(h)) eps.",
}
PROBLEM2_ISSUE = "Nothing keeps the encoder output positive, but it is used as a variance."

def optimal_discriminator(p_star, p_theta):
    # mistake: D = sigmoid(logit) needs the log-density ratio, not the difference of the densities
    return torch.sigmoid(p_star - p_theta)

D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}
PROOF_3A = "The integrand p* log D + p_theta log(1 - D) is maximal at D = p*/(p* + p_theta) for each x."
