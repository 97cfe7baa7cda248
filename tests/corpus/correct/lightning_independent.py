# Sheet 03 -- Lightning-like module structure (encode / decode / sample_latent / training_step /
# configure_optimizers) on plain nn.Module, posterior as torch.distributions.Independent(Normal, 1).rsample().
# Source of the style: Lightning-Universe/lightning-bolts, pl_bolts/models/autoencoders/basic_vae/basic_vae_module.py
# (training_step / configure_optimizers, posterior Normal(z_mu, z_std) sampled with rsample())
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Independent, Normal


class LitAutoencoder(nn.Module):
    """Same hooks as a LightningModule, without the dependency."""

    def __init__(self, g, f, lr=1e-3):
        super().__init__()
        self.encoder = g
        self.decoder = f
        self.lr = lr

    def encode(self, x):
        return self.encoder(x)

    def decode(self, z):
        return self.decoder(z)

    def sample_latent(self, h):
        raise NotImplementedError

    def forward(self, x):
        return self.decode(self.sample_latent(self.encode(x)))

    def training_step(self, batch, batch_idx):
        x = batch
        x_hat = self(x)
        loss = ((x - x_hat) ** 2).sum(dim=1).mean()
        return {"loss": loss, "log": {"train_loss": loss.detach()}}

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.lr)


class Model1(LitAutoencoder):
    def forward(self, x):
        noisy = Independent(Normal(x, torch.ones_like(x)), 1).sample()   # no parameters: sample() is fine
        return self.decode(self.encode(noisy))


class Model2(LitAutoencoder):
    def sample_latent(self, h):
        q = Independent(Normal(loc=h, scale=torch.ones_like(h)), reinterpreted_batch_ndims=1)
        return q.rsample()


class Model3(LitAutoencoder):
    def sample_latent(self, h):
        p = Independent(Normal(torch.zeros_like(h), torch.ones_like(h)), 1)
        return h + p.sample()


class Problem2Model(LitAutoencoder):
    def variance(self, h):
        return F.softplus(h)

    def sample_latent(self, h):
        q = Independent(Normal(torch.zeros_like(h), self.variance(h).sqrt()), 1)
        return q.rsample()


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
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}

PROOF_3A = """L(theta, phi) = E_{p*}[log D(x)] + E_{p_theta}[log(1 - D(x))]
           = int p*(x) log D(x) + p_theta(x) log(1 - D(x)) dx   (x = f_theta(z) in the second term).
For every x the integrand is a log y + b log(1 - y) with a = p*(x), b = p_theta(x), y = D(x),
maximal at y = a / (a + b) by the hint. D_phi* attains this for every x at once, so it maximises L."""
