# Sheet 03 -- per-example loop: every row x_i goes through its own g and f call, then torch.stack,
# written like the per-sample loops in the pytorch per-sample-gradient examples that torch.func.vmap replaces.
# Source of the style: pytorch/pytorch, test/test_vmap.py (the loop-vs-vmap reference computations)
import torch
import torch.nn as nn
import torch.nn.functional as F


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        outs = []
        for x_i in x:                       # x_i has shape (D,)
            z_i = x_i + torch.randn_like(x_i)
            h_i = self.g(z_i)
            outs.append(self.f(h_i))
        return torch.stack(outs)


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        rows = []
        for i in range(x.shape[0]):
            h_i = self.g(x[i:i + 1])        # keep a batch dim of 1
            z_i = h_i + torch.randn_like(h_i)
            rows.append(self.f(z_i))
        return torch.cat(rows, dim=0)


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        return torch.stack([self.f(h + torch.randn_like(h)) for h in map(self.g, x.unbind(0))])


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def variance(self, h):
        return torch.exp(h)

    def forward(self, x):
        out = []
        for x_i in x:
            h_i = self.g(x_i)
            std_i = torch.exp(0.5 * h_i)
            out.append(self.f(std_i * torch.randn_like(std_i)))
        return torch.stack(out)


REPARAM_NEEDED = {
    "model1": False,  # noise on the data, not on a parameterised distribution
    "model2": True,
    "model3": False,  # already reparametrized
    "problem2": True,
}

JUSTIFICATIONS = {
    "model1": "Not necessary, the sampled z does not depend on lambda or psi.",
    "model2": "Necessary, the mean of the sampling distribution is g_lambda(x); use h + eps.",
    "model3": "Not necessary, z ~ N(0, I) is independent of the parameters and enters additively.",
    "problem2": "Necessary, the variance is a function of lambda; use sqrt(var) * eps.",
}

PROBLEM2_ISSUE = "h = g(x) may be negative or 0, then diag(h) is not a valid (positive definite) covariance."


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
