# Sheet 03 -- Kingma-style mu / logvar names, a DiagonalGaussian-like helper that clamps the
# log-variance and uses std = exp(0.5 * logvar), as in the taming-transformers / LDM autoencoders.
# Source of the style: script-Yang/VAEVQ, taming/models/vae_utils.py (clamp(logvar, -30, 20), exp(0.5 * logvar))
import torch
import torch.nn as nn


class DiagonalGaussian:
    def __init__(self, mean, logvar):
        self.mean = mean
        self.logvar = torch.clamp(logvar, -30.0, 20.0)
        self.std = torch.exp(0.5 * self.logvar)
        self.var = torch.exp(self.logvar)

    def sample(self):
        return self.mean + self.std * torch.randn(self.mean.shape)


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        z = DiagonalGaussian(x, torch.zeros_like(x)).sample()    # N(x, I): logvar = 0
        return self.f(self.g(z))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        mu = self.g(x)
        posterior = DiagonalGaussian(mu, torch.zeros_like(mu))
        return self.f(posterior.sample())


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        mu = self.g(x)
        eps = torch.randn_like(mu)
        return self.f(mu + eps)


class Problem2Model(nn.Module):
    """g outputs the log-variance; clamped to [-30, 20] like the LDM autoencoder."""

    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def variance(self, h):
        return DiagonalGaussian(torch.zeros_like(h), h).var

    def forward(self, x):
        logvar = self.g(x)
        posterior = DiagonalGaussian(torch.zeros_like(logvar), logvar)
        return self.f(posterior.sample())


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}

JUSTIFICATIONS = {
    "model1": "No. The noise z ~ N(x, I) only depends on the data; lambda and psi enter after the "
              "sampling, so for the drawn z the loss is a differentiable function of both.",
    "model2": "Yes. z ~ N(g(x), I) has a mean that depends on lambda, and we cannot backpropagate "
              "through a sampling step. Write z = h + eps with eps ~ N(0, I).",
    "model3": "No. z ~ N(0, I) is parameter free and is added to h, so the model is already in the "
              "reparametrized form; gradients flow through h + z.",
    "problem2": "Yes. The variance depends on lambda through h, so we draw eps ~ N(0, I) and set "
                "z = sqrt(var(h)) * eps.",
}

PROBLEM2_ISSUE = ("diag(h_i) is used as a covariance matrix, but h_i = g(x_i) comes out of a linear layer and "
                  "can be zero or negative; variances must be strictly positive, so N(0, diag(h_i)) is not "
                  "defined. Map h_i through a positive function first.")


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
