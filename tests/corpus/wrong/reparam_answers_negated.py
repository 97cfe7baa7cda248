# Sheet 03 -- every yes/no answer negated (reads "necessary" as "can it be done without"); the code
# itself is correct.
# Source of the style: ChicForX/CLUB_impl, layer_utils.py (reparameterize), code as in the reference
import torch
import torch.nn as nn
import torch.nn.functional as F


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        z = x + torch.randn_like(x)
        return self.f(self.g(z))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        z = h + torch.randn_like(h)
        return self.f(z)


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        z = torch.randn_like(h)
        return self.f(h + z)


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def variance(self, h):
        return F.softplus(h)

    def forward(self, x):
        h = self.g(x)
        std = torch.sqrt(self.variance(h))
        return self.f(std * torch.randn_like(std))


REPARAM_NEEDED = {"model1": True, "model2": False, "model3": True, "problem2": False}

JUSTIFICATIONS = {
    "model1": "Yes. There is a sampling step in the model, so we have to reparametrize it: z = x + eps.",
    "model2": "No. The mean h is computed by the network and the noise is just added, nothing to change.",
    "model3": "Yes. z is sampled, so the trick is needed; the model already writes it as h + z.",
    "problem2": "No. We only need a positive variance; then the sampling works as it is.",
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
