# Sheet 03 -- a private torch.Generator per model, created and seeded ONCE in __init__ and then only
# advanced (diffusers' randn_tensor(shape, generator=...) pattern); never reseeded in forward.
# Source of the style: A1ex-Chen/DL_project_log, data/ConsistencyTTA/diffusers/models/vae_sample.py
import torch
import torch.nn as nn
import torch.nn.functional as F


def randn_tensor(shape, generator=None, dtype=torch.float32):
    return torch.randn(shape, generator=generator, dtype=dtype)


class WithGenerator(nn.Module):
    def __init__(self, g, f, seed=1234):
        super().__init__()
        self.g = g
        self.f = f
        self.generator = torch.Generator().manual_seed(seed)   # once: reproducible runs, fresh draws per call


class Model1(WithGenerator):
    def forward(self, x):
        z = x + randn_tensor(x.shape, generator=self.generator)
        return self.f(self.g(z))


class Model2(WithGenerator):
    def forward(self, x):
        h = self.g(x)
        return self.f(h + randn_tensor(h.shape, generator=self.generator, dtype=h.dtype))


class Model3(WithGenerator):
    def forward(self, x):
        h = self.g(x)
        z = torch.empty_like(h).normal_(generator=self.generator)
        return self.f(h + z)


class Problem2Model(WithGenerator):
    def variance(self, h):
        return torch.exp(h)

    def forward(self, x):
        h = self.g(x)
        sample = randn_tensor(h.shape, generator=self.generator)
        return self.f(torch.exp(0.5 * h) * sample)


REPARAM_NEEDED = {
    "model1": False,  # noise on the data, not on a parameterised distribution
    "model2": True,
    "model3": False,  # already reparametrized
    "problem2": True,
}

JUSTIFICATIONS = {
    "model1": "Not necessary, the sampled z does not depend on lambda or psi.",
    "model2": "Necessary, the mean of the sampling distribution is g_lambda(x); use h + eps.",
    "model3": "Not necessary, z ~ N(0, I) is independent of the parameters and enters additively.",
    "problem2": "Necessary, the variance is a function of lambda; use sqrt(var) * eps.",
}

PROBLEM2_ISSUE = "h = g(x) may be negative or 0, then diag(h) is not a valid (positive definite) covariance."


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
