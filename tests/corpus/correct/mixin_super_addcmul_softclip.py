# Sheet 03 -- models composed from mixins with cooperative `super().forward(...)` calls: an AutoEncoder base whose
# forward is encode -> perturb_latent -> decode, and noise mixins that override `perturb_input` / `perturb_latent`
# and chain to `super()`; the sample written `torch.addcmul(mu, std, eps)`; Problem 2's variance with the SigmaVAE
# `softclip(tensor, min) = min + softplus(tensor - min)` (orybkin/sigma-vae-pytorch `model.py`); D* as 1 - p_theta / (p* + p_theta), the classifier's
# "q / (p + q)" complement as in NeuromatchAcademy/course-content-dl
# `tutorials/W2D5_GenerativeModels/solutions/W2D5_Tutorial2_Solution_8deffd75.py` (`ratio_disc`).
# Written for this sheet, not copied.
import torch
import torch.nn as nn
import torch.nn.functional as F


def softclip(tensor: torch.Tensor, min: float) -> torch.Tensor:  # noqa: A002 - the public helper's own name
    """Soft lower bound: min + softplus(tensor - min) > min."""
    return min + F.softplus(tensor - min)


class AutoEncoder(nn.Module):
    def __init__(self, g: nn.Module, f: nn.Module):
        super().__init__()
        self.g, self.f = g, f

    def perturb_input(self, x: torch.Tensor) -> torch.Tensor:
        return x

    def perturb_latent(self, h: torch.Tensor) -> torch.Tensor:
        return h

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.f(self.perturb_latent(self.g(self.perturb_input(x))))


class InputNoiseMixin:
    def perturb_input(self, x):
        x = super().perturb_input(x)
        return torch.addcmul(x, torch.ones_like(x), torch.randn_like(x))


class LatentNoiseMixin:
    def perturb_latent(self, h):
        h = super().perturb_latent(h)
        return torch.addcmul(h, torch.ones_like(h), torch.randn_like(h))


class Model1(InputNoiseMixin, AutoEncoder):
    pass


class Model2(LatentNoiseMixin, AutoEncoder):
    pass


class Model3(LatentNoiseMixin, AutoEncoder):
    """Same computation as Model 2: f(h + z) with z ~ N(0, I); only the reparametrization answer differs."""

    def forward(self, x):
        return super().forward(x)


class Problem2Model(AutoEncoder):
    min_var = 1e-4

    def variance(self, h):
        return softclip(h, self.min_var)

    def perturb_latent(self, h):
        std = self.variance(h).sqrt()
        return torch.addcmul(torch.zeros_like(h), std, torch.randn_like(h))   # mean 0, as in the sheet


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}
JUSTIFICATIONS = {
    "model1": "No: the noise law does not depend on lambda or psi.",
    "model2": "Yes: the mean of z is g(x).",
    "model3": "No: z ~ N(0, I) is fixed, h enters additively.",
    "problem2": "Yes: the variance depends on lambda.",
}
PROBLEM2_ISSUE = "diag(h) needs h > 0, but the encoder's linear output can be negative or zero."


def optimal_discriminator(p_star, p_theta):
    q_over_p_plus_q = p_theta / (p_star + p_theta)
    return 1 - q_over_p_plus_q


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}
PROOF_3A = "Pointwise: a log y + b log(1 - y) is maximal at y = a / (a + b), a = p*(x), b = p_theta(x)."
