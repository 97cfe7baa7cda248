# Sheet 03 -- extra calls of g and f under torch.no_grad() for monitoring (clean reconstruction of x,
# decoding of the mean h), as in training loops that log a deterministic reconstruction error.
# Source of the style: Lightning-Universe/lightning-bolts, pl_bolts/models/autoencoders/basic_vae/basic_vae_module.py
# (training_step logs recon / KL values with log_dict)
import torch
import torch.nn as nn
import torch.nn.functional as F


class Monitored(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f
        self.logs = {}

    @torch.no_grad()
    def log_clean(self, x):
        # deterministic reconstruction of the clean input, for a progress bar only
        self.logs["clean_mse"] = ((self.f(self.g(x)) - x) ** 2).sum(1).mean().item()


class Model1(Monitored):
    def forward(self, x):
        self.log_clean(x)
        z = x + torch.randn_like(x)
        x_tilde = self.f(self.g(z))
        self.log_clean(x)          # and once more after the real pass
        return x_tilde


class Model2(Monitored):
    def forward(self, x):
        h = self.g(x)
        with torch.no_grad():
            self.logs["mean_decode"] = self.f(h).norm(dim=1).mean().item()   # decode the mean, no noise
            self.logs["h_norm"] = self.g(x).norm(dim=1).mean().item()
        z = h + torch.randn_like(h)
        return self.f(z)


class Model3(Monitored):
    def forward(self, x):
        self.log_clean(x)
        h = self.g(x)
        z = torch.randn_like(h)
        out = self.f(h + z)
        with torch.no_grad():
            self.logs["noise_effect"] = (out - self.f(h)).abs().mean().item()
        return out


class Problem2Model(Monitored):
    def variance(self, h):
        return F.softplus(h)

    def forward(self, x):
        h = self.g(x)
        var = self.variance(h)
        z = var.sqrt() * torch.randn_like(var)
        with torch.no_grad():
            self.logs["var_mean"] = var.mean().item()
            self.logs["zero_decode"] = self.f(torch.zeros_like(z)).mean().item()
        self.log_clean(x)
        return self.f(z)


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
