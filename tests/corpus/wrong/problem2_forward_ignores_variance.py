"""Exercise sheet 03 -- VAE & GAN."""
import torch
import torch.nn as nn
import torch.nn.functional as F

# ----- Problem 1 -----


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        # z ~ N(x, I_D): the noise does not depend on any parameter
        z = x + torch.randn_like(x)
        h = self.g(z)
        x_tilde = self.f(h)
        return x_tilde


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        # reparametrization trick: z = h + eps, eps ~ N(0, I_L)
        eps = torch.randn_like(h)
        z = h + eps
        x_tilde = self.f(z)
        return x_tilde


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        z = torch.randn_like(h)
        x_tilde = self.f(h + z)
        return x_tilde


# ----- Problem 2 -----


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def variance(self, h):
        return F.softplus(h)

    def forward(self, x):
        h = self.g(x)
        std = torch.exp(0.5 * h)
        eps = torch.randn_like(std)
        z = std * eps
        x_tilde = self.f(z)
        return x_tilde


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}

JUSTIFICATIONS = {
    "model1": "No. z ~ N(x, I) does not depend on lambda or psi, so for the drawn z the loss is "
              "an ordinary differentiable function of both.",
    "model2": "Yes. z is sampled from N(h, I) with h = g(x), so it depends on lambda and we cannot "
              "backpropagate through the sampling. Use z = h + eps with eps ~ N(0, I).",
    "model3": "No. The noise z ~ N(0, I) has no parameters and is added to h, so gradients flow "
              "through h + z.",
    "problem2": "Yes. The variance depends on lambda, so we sample eps ~ N(0, I) and set "
                "z = sqrt(var(h)) * eps.",
}

PROBLEM2_ISSUE = ("diag(h_i) must be a covariance matrix, so every entry of h_i must be > 0. But g has a "
                  "linear output layer, h_i can be negative or zero. Fix: variance = softplus(h_i).")

# ----- Problem 3 -----


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}

PROOF_3A = """L(theta, phi) = E_{p*}[log D(x)] + E_{p_theta}[log(1 - D(x))]
           = int p*(x) log D(x) + p_theta(x) log(1 - D(x)) dx.
For every x the integrand is a log y + b log(1 - y) with a = p*(x), b = p_theta(x), y = D(x),
which by the hint is maximal at y = a / (a + b). D_phi* attains this for all x at once,
so it maximises L, i.e. phi* = argmax_phi L(theta, phi)."""
