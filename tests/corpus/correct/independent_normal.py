import torch
from torch import nn
import torch.nn.functional as F
import torch.distributions as td

# Problem 1 --------------------------------------------------------------


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        z = x + torch.randn(x.shape)
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
        q_z = td.Independent(td.Normal(loc=h, scale=torch.ones_like(h)), 1)
        z = q_z.rsample()
        x_tilde = self.f(z)
        return x_tilde


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        p_z = td.Independent(td.Normal(torch.zeros_like(h), torch.ones_like(h)), 1)
        z = p_z.sample()
        x_tilde = self.f(h + z)
        return x_tilde


# Problem 2 --------------------------------------------------------------

class Problem2Model(nn.Module):
    def __init__(self, g, f, min_var=1e-4):
        super().__init__()
        self.g = g
        self.f = f
        self.min_var = min_var

    def variance(self, h):
        return F.softplus(h) + self.min_var

    def forward(self, x):
        h = self.g(x)
        var = self.variance(h)
        q_z = td.Independent(td.Normal(torch.zeros_like(var), var.sqrt()), 1)
        z = q_z.rsample()
        return self.f(z)


REPARAM_NEEDED = dict(model1=False, model2=True, model3=False, problem2=True)

JUSTIFICATIONS = dict(
    model1="No - noise is injected at the input, before any learnable parameter; backprop through g and f works as usual.",
    model2="Yes - the distribution of z depends on lambda via its mean h; we need z = h + eps (rsample) so dL/dlambda exists.",
    model3="No - z does not depend on any parameter and h + z is deterministic in h; this is already the reparametrization.",
    problem2="Yes - the covariance of z depends on lambda; use z = sqrt(var) * eps, eps ~ N(0, I).",
)

PROBLEM2_ISSUE = ("The output of g_lambda is unconstrained (linear last layer) so diag(h_i) can have "
                  "negative or zero entries: that is not a valid covariance. We map h through softplus "
                  "(+ a small constant) to get a strictly positive variance.")

# Problem 3 --------------------------------------------------------------


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = dict(optimal_generator=0.5, generator_misses=1.0, generator_hallucinates=0.0)

PROOF_3A = ("max_phi L = max_phi int_x p*(x) log D(x) + p_theta(x) log(1 - D(x)) dx, using "
            "E_{p(z)}[h(f_theta(z))] = E_{p_theta(x)}[h(x)]. The integrand is of the form "
            "a log y + b log(1 - y) with a, b >= 0, a + b > 0, whose maximiser is a / (a + b). "
            "D_phi* attains this maximum for every x simultaneously, so it maximises the integral.")
