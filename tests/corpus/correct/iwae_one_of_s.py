# Sheet 03 -- IWAE-style code: S latent samples per input, decoded in ONE batched call of f with
# z.reshape(-1, L), viewed back to (B, S, D); the model returns the first sample's reconstruction.
# Source of the style: AntixK/PyTorch-VAE, models/iwae.py (num_samples, z.view(-1, latent_dim), view(B, S, ...))
import torch
import torch.nn as nn
import torch.nn.functional as F


class _IWAEBase(nn.Module):
    num_samples = 5

    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def decode_samples(self, z):
        """z: (B, S, L) -> (B, S, D) with one call of the decoder."""
        B, S, L = z.shape
        x_rec = self.f(z.reshape(-1, L))
        return x_rec.view(B, S, -1)


class Model1(_IWAEBase):
    def forward(self, x):
        B, D = x.shape
        z = x.unsqueeze(1) + torch.randn(B, self.num_samples, D)   # S noisy copies of every x_i
        h = self.g(z.reshape(-1, D))
        x_rec = self.f(h).view(B, self.num_samples, D)
        return x_rec[:, 0]


class Model2(_IWAEBase):
    def forward(self, x):
        h = self.g(x)                                             # (B, L)
        eps = torch.randn(h.shape[0], self.num_samples, h.shape[1])
        z = h.unsqueeze(1) + eps                                  # (B, S, L)
        return self.decode_samples(z)[:, 0]


class Model3(_IWAEBase):
    def forward(self, x):
        h = self.g(x)
        z = torch.randn(self.num_samples, *h.shape).transpose(0, 1)   # (B, S, L)
        x_rec = self.decode_samples(h.unsqueeze(1) + z)
        return x_rec[:, 0, :]


class Problem2Model(_IWAEBase):
    def variance(self, h):
        return F.softplus(h)

    def forward(self, x):
        h = self.g(x)
        std = self.variance(h).sqrt().unsqueeze(1)                # (B, 1, L)
        eps = torch.randn(h.shape[0], self.num_samples, h.shape[1])
        return self.decode_samples(std * eps)[:, 0]


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
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}

PROOF_3A = """L(theta, phi) = E_{p*}[log D(x)] + E_{p_theta}[log(1 - D(x))]
           = int p*(x) log D(x) + p_theta(x) log(1 - D(x)) dx   (x = f_theta(z) in the second term).
For every x the integrand is a log y + b log(1 - y) with a = p*(x), b = p_theta(x), y = D(x),
maximal at y = a / (a + b) by the hint. D_phi* attains this for every x at once, so it maximises L."""
