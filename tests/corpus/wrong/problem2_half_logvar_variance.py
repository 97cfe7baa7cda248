# Sheet 03 -- 0.5 * logvar confusion: variance() returns exp(0.5 * h) (which is the std of the
# log-variance parametrisation) and forward samples with std = exp(0.5 * h); the two disagree.
# Source of the style: script-Yang/VAEVQ, taming/models/vae_utils.py (std = exp(0.5 * logvar), var = exp(logvar))
import torch
import torch.nn as nn
import torch.nn.functional as F


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        z = x + torch.randn_like(x)
        return self.f(self.g(z))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        z = h + torch.randn_like(h)
        return self.f(z)


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        z = torch.randn_like(h)
        return self.f(h + z)


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def variance(self, h):
        return torch.exp(0.5 * h)

    def forward(self, x):
        logvar = self.g(x)
        std = torch.exp(0.5 * logvar)
        z = std * torch.randn_like(std)
        return self.f(z)


REPARAM_NEEDED = dict(model1=False, model2=True, model3=False, problem2=True)

JUSTIFICATIONS = dict(
    model1="No: we sample z ~ N(x, I) before any learnable function is applied, the distribution has no "
           "parameters lambda or psi, so the ordinary gradient of L(z) is fine.",
    model2="Yes: q(z|x) = N(g_lambda(x), I) depends on lambda. Reparametrize z = mu + eps, eps ~ N(0, I).",
    model3="No: eps ~ N(0, I) does not depend on the parameters, x~ = f(h + eps) is deterministic given eps.",
    problem2="Yes: the scale of q(z|x) depends on lambda; z = sigma(x) * eps with eps ~ N(0, I).",
)

PROBLEM2_ISSUE = "A covariance needs positive entries on the diagonal but h can be <= 0 (linear output layer)."


def optimal_discriminator(p_star, p_theta):
    """D*(x) = p*(x) / (p*(x) + p_theta(x)), elementwise; floats or tensors."""
    return p_star / (p_star + p_theta)


D_STAR_CASES = dict(optimal_generator=0.5, generator_misses=1.0, generator_hallucinates=0.0)

PROOF_3A = r"""
Write both expectations as integrals over x: the generator's push-forward of p(z) has density p_theta, so
L = \int p^*(x) \log D(x) + p_\theta(x) \log(1 - D(x)) \, dx.
Maximising an integral of a pointwise expression: maximise for every x separately. With a = p^*(x),
b = p_\theta(x) the hint gives D(x) = a / (a + b), which is exactly D_{phi^*}. Hence phi^* is the argmax.
"""
