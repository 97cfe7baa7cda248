# Sheet 03 -- torch.distributions.MultivariateNormal with an explicit (diagonal) covariance, sampled
# with rsample(), as in VAEs with a full-covariance posterior.
# Source of the style: dhuseljic/vae_full_covariance (README: a VAE whose posterior is a full-covariance Gaussian)
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import MultivariateNormal


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        D = x.shape[-1]
        q = MultivariateNormal(loc=x, covariance_matrix=torch.eye(D))
        return self.f(self.g(q.rsample()))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        L = h.shape[-1]
        z = MultivariateNormal(h, scale_tril=torch.eye(L).expand(h.shape[0], L, L)).rsample()
        return self.f(z)


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        L = h.shape[-1]
        prior = MultivariateNormal(torch.zeros(L), torch.eye(L))
        z = prior.sample((h.shape[0],))       # parameter-free noise: sample() is enough here
        return self.f(h + z)


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def variance(self, h):
        return F.softplus(h) + 1e-5

    def forward(self, x):
        h = self.g(x)
        scale_tril = torch.diag_embed(self.variance(h).sqrt())     # Cholesky factor of diag(var)
        q = MultivariateNormal(torch.zeros_like(h), scale_tril=scale_tril)
        return self.f(q.rsample())


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
