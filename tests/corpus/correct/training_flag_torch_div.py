# Sheet 03 -- sampling only `if self.training:` (the mean is returned in eval mode), the common VAE
# idiom; a freshly built nn.Module is in training mode, which is how the sheet's models are used.
# D* as torch.div(p_star, p_star + p_theta + 1e-12) (a tiny stabiliser; torch.div accepts floats too).
# Source of the style: nsde's VAE (`def reparameterize(self, mu, logvar): if self.training: ...
# else: return mu`, as in menna161/API-Wizard `aroma-paper-artifacts/datasets/torch.randn/snippets/snippet37752.py`);
# written for this sheet, not copied.
import torch
import torch.nn as nn
import torch.nn.functional as F


class _VAEBase(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.encoder = g
        self.decoder = f

    def reparameterize(self, mu, std):
        if self.training:
            eps = torch.randn_like(std)
            return eps.mul(std).add(mu)
        return mu


class Model1(_VAEBase):
    def forward(self, x):
        z = self.reparameterize(x, torch.ones_like(x))
        return self.decoder(self.encoder(z))


class Model2(_VAEBase):
    def forward(self, x):
        mu = self.encoder(x)
        return self.decoder(self.reparameterize(mu, torch.ones_like(mu)))


class Model3(_VAEBase):
    def forward(self, x):
        h = self.encoder(x)
        z = self.reparameterize(torch.zeros_like(h), torch.ones_like(h))
        return self.decoder(h + z)


class Problem2Model(_VAEBase):
    def variance(self, h):
        return torch.where(h > 0, h + 1.0, torch.exp(h))     # ELU + 1 written out: C^1 and positive

    def forward(self, x):
        h = self.encoder(x)
        return self.decoder(self.reparameterize(torch.zeros_like(h), self.variance(h).sqrt()))


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}

JUSTIFICATIONS = {
    "model1": "The randomness is on the input and does not depend on lambda or psi.",
    "model2": "The latent law depends on lambda through its mean; z = mu + eps.",
    "model3": "The latent noise law is fixed, the mean h enters additively.",
    "problem2": "The latent law's variance depends on lambda; z = sqrt(var) * eps.",
}

PROBLEM2_ISSUE = "A linear output h can be <= 0, but a variance must be positive."


def optimal_discriminator(p_star, p_theta):
    return torch.div(p_star, p_star + p_theta + 1e-12)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}

PROOF_3A = "For fixed x, y -> p* log y + p_theta log(1 - y) is concave with its maximum at y = p* / (p* + p_theta)."
