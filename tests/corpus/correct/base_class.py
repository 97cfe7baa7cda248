"""Sheet 03. All four models share the encoder/decoder plumbing, so they inherit from one base."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class NoisyAutoencoder(nn.Module):
    """x -> [perturb input] -> g -> [sample latent] -> f -> x_tilde"""

    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def perturb_input(self, x):
        return x

    def sample_latent(self, h):
        return h

    def forward(self, x):
        h = self.g(self.perturb_input(x))
        z = self.sample_latent(h)
        return self.f(z)

    def loss(self, x):
        return ((x - self(x)) ** 2).sum(dim=1).mean()


class Model1(NoisyAutoencoder):
    def perturb_input(self, x):
        return x + torch.randn_like(x)


class Model2(NoisyAutoencoder):
    def sample_latent(self, h):
        return h + torch.randn_like(h)   # reparametrized N(h, I)


class Model3(NoisyAutoencoder):
    def sample_latent(self, h):
        z = torch.randn_like(h)          # z ~ N(0, I)
        return h + z


class Problem2Model(NoisyAutoencoder):
    def variance(self, h):
        return F.softplus(h) + 1e-6

    def sample_latent(self, h):
        return self.variance(h).sqrt() * torch.randn_like(h)


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}

JUSTIFICATIONS = {
    "model1": "No. The noise enters before g: for a given sample z the loss is differentiable in lambda and psi.",
    "model2": "Yes. The sampled z depends on lambda (mean g(x)); reparametrize z = h + eps.",
    "model3": "No. The noise does not depend on lambda; f(h + z) is differentiable in lambda and psi.",
    "problem2": "Yes. The variance of z depends on lambda; z = sqrt(v(h)) * eps.",
}

PROBLEM2_ISSUE = "N(0, diag(h)) requires h > 0 elementwise, which a linear output layer does not guarantee."


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}

PROOF_3A = ("L(theta, phi) = int p*(x) log D(x) + p_theta(x) log(1 - D(x)) dx. For each x, with "
            "a = p*(x) and b = p_theta(x), the integrand is maximised at D(x) = a / (a + b) (hint). "
            "D_phi* achieves this for all x, so it achieves the maximum of L.")
