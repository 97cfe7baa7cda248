# Sheet 03 -- memory-saving "slicing" as in diffusers' AutoencoderKL (use_slicing / enable_slicing:
# the batch is split with x.split(1) and encoded/decoded slice by slice, then torch.cat).
# Source of the style: huggingface/diffusers, src/diffusers/models/autoencoders/autoencoder_kl.py
import torch
import torch.nn as nn
import torch.nn.functional as F


class SlicedAutoencoder(nn.Module):
    """g and f are applied slice by slice (slice_size rows at a time) to save memory."""

    slice_size = 100   # 512 rows -> 5 full slices and one of 12

    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f
        self.use_slicing = True

    def enable_slicing(self):
        self.use_slicing = True

    def disable_slicing(self):
        self.use_slicing = False

    def _apply(self, fn, t):
        if self.use_slicing and t.shape[0] > self.slice_size:
            return torch.cat([fn(t_slice) for t_slice in t.split(self.slice_size)])
        return fn(t)

    def encode(self, x):
        return self._apply(self.g, x)

    def decode(self, z):
        return self._apply(self.f, z)


class Model1(SlicedAutoencoder):
    def forward(self, x):
        # one slice at a time: noise, encoder, decoder
        def one_slice(x_slice):
            z = x_slice + torch.randn_like(x_slice)
            return self.f(self.g(z))
        return self._apply(one_slice, x)


class Model2(SlicedAutoencoder):
    def forward(self, x):
        h = self.encode(x)
        z = h + torch.randn_like(h)
        return self.decode(z)


class Model3(SlicedAutoencoder):
    def forward(self, x):
        h = self.encode(x)
        eps = torch.randn_like(h)
        return self.decode(h + eps)


class Problem2Model(SlicedAutoencoder):
    def variance(self, h):
        return F.softplus(h)

    def forward(self, x):
        h = self.encode(x)
        z = self.variance(h).sqrt() * torch.randn_like(h)
        return self.decode(z)


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
