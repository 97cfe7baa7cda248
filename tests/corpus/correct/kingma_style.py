# Sheet 03 -- notation as in Kingma & Welling: mu, log_var, eps ~ N(0, I), z = mu + sigma * eps
import torch
import torch.nn as nn


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        eps = torch.randn_like(x)
        x_noisy = x + eps
        return self.f(self.g(x_noisy))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        mu = self.g(x)
        sigma = torch.ones_like(mu)          # fixed unit variance
        eps = torch.randn_like(mu)
        z = mu + sigma * eps
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
    """g outputs log sigma^2 (log-variance parametrisation), so the variance is exp(log_var) > 0."""

    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def variance(self, h):
        return h.exp()

    def forward(self, x):
        log_var = self.g(x)
        sigma = torch.sqrt(self.variance(log_var))
        eps = torch.randn_like(sigma)
        z = sigma * eps            # mean is 0_L
        return self.f(z)


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}

JUSTIFICATIONS = {
    "model1": "No. The only sampling step is z ~ N(x, I), whose parameters are data, not lambda or psi. "
              "The Monte-Carlo estimate of the gradient is just the gradient for the drawn z.",
    "model2": "Yes. z ~ q(z | x) = N(g_lambda(x), I) depends on lambda. With z = mu + sigma * eps, "
              "eps ~ N(0, I), the randomness is moved to eps and z is a differentiable function of lambda.",
    "model3": "No. The sampling z ~ N(0, I) is independent of all parameters; f(h + z) is differentiable.",
    "problem2": "Yes. Same situation as Model 2 but for the variance: z = sigma(x) * eps with sigma^2 = exp(h).",
}

PROBLEM2_ISSUE = ("The covariance matrix diag(h_i) must be positive definite, i.e. h_i > 0 elementwise, "
                  "but the output layer of g is linear so h_i can be negative or 0. As in the VAE we let "
                  "g output the log-variance and use diag(exp(h_i)).")


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}

PROOF_3A = r"""
\max_\phi L = \max_\phi \int_x p^*(x) \log D_\phi(x) + p_\theta(x) \log(1 - D_\phi(x)) dx
(law of the unconscious statistician for x = f_\theta(z)). For every x the integrand is
a \log y + b \log(1 - y), a = p^*(x), b = p_\theta(x), maximal at y = a / (a + b).
D_{\phi^*} takes exactly that value for all x, so phi^* is the argmax.
"""
