# Sheet 03 -- newer device-agnostic PyTorch: `torch.set_default_device(device)` at module level (factory
# functions such as `torch.randn(shape)` then create on that device without a `device=` argument), the
# networks registered under other names with `self.add_module("encoder", g)`, forward with an extra defaulted
# argument (`forward(self, x, return_latent=False)`: the contract's call returns x~ only), the noise made
# `.type_as(h)`, and Problem 2's variance `torch.exp(h).clamp(max=1e4)` (exp, capped against overflow).
# Source of the style: pytorch/tutorials `recipes_source/recipes/changing_default_device.py`
# (`torch.set_default_device`), the `torch.ones(x.size()).type_as(x)` targets of public GAN losses (found with the
# code search); written for this sheet, not copied.
import torch
import torch.nn as nn

device = "cuda" if torch.cuda.is_available() else "cpu"
torch.set_default_device(device)


class LatentAutoencoder(nn.Module):
    """Holds the encoder and decoder under its own names."""

    def __init__(self, g, f):
        super().__init__()
        self.add_module("encoder", g)
        self.add_module("decoder", f)

    def sample_latent(self, x):
        raise NotImplementedError

    def forward(self, x, return_latent=False):
        z = self.sample_latent(x)
        x_tilde = self.decoder(z)
        return (x_tilde, z) if return_latent else x_tilde


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.add_module("encoder", g)
        self.add_module("decoder", f)

    def forward(self, x, return_latent=False):
        noisy = x + torch.randn(x.shape).type_as(x)
        h = self.encoder(noisy)
        x_tilde = self.decoder(h)
        return (x_tilde, h) if return_latent else x_tilde


class Model2(LatentAutoencoder):
    def sample_latent(self, x):
        h = self.encoder(x)
        return h + torch.randn(h.shape).type_as(h)


class Model3(LatentAutoencoder):
    def sample_latent(self, x):
        h = self.encoder(x)
        z = torch.randn(h.size(0), h.size(1)).type_as(h)
        return h + z


class Problem2Model(LatentAutoencoder):
    def variance(self, h):
        return torch.exp(h).clamp(max=1e4)

    def sample_latent(self, x):
        h = self.encoder(x)
        eps = torch.randn(h.shape).type_as(h)
        return self.variance(h).sqrt() * eps


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}
JUSTIFICATIONS = {
    "model1": "The sampled noise does not depend on the parameters.",
    "model2": "z depends on lambda through its mean; write z = h + eps.",
    "model3": "The sampled z ~ N(0, I) has no parameters.",
    "problem2": "z's variance depends on lambda; write z = sqrt(var) * eps.",
}
PROBLEM2_ISSUE = "h is used as a variance although it can be negative: the Gaussian is not defined then."


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}
PROOF_3A = "Maximise p* log D + p_theta log(1 - D) pointwise; the derivative vanishes at p* / (p* + p_theta)."
