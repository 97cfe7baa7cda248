# Sheet 03 -- PyTorch 0.3-era code: `from torch.autograd import Variable`, noise as
# `Variable(std.data.new(std.size()).normal_())`, `std = logvar.mul(0.5).exp_()` (in-place exp on a fresh
# tensor), `eps.mul(std).add_(mu)`, `torch.FloatTensor(...).normal_()` for the input noise, old-style
# `super(Model1, self).__init__()`, and D_STAR_CASES built with the student's own D* on floats.
# Source of the style: SumFunction/VAE-ACGAN `train.py` (`reparameterize(mu, log_var)`) and 1233chen/GenMo
# `train_utils.py`; written for this sheet, not copied.
import torch
import torch.nn as nn
from torch.autograd import Variable


def reparameterize(mu, logvar):
    std = logvar.mul(0.5).exp_()
    eps = Variable(std.data.new(std.size()).normal_())
    return eps.mul(std).add_(mu)


class Model1(nn.Module):
    def __init__(self, g, f):
        super(Model1, self).__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        noise = Variable(torch.FloatTensor(x.size()).normal_())
        return self.f(self.g(x + noise))


class Model2(nn.Module):
    def __init__(self, g, f):
        super(Model2, self).__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        mu = self.g(x)
        logvar = Variable(mu.data.new(mu.size()).zero_())     # unit variance: log 1 = 0
        return self.f(reparameterize(mu, logvar))


class Model3(nn.Module):
    def __init__(self, g, f):
        super(Model3, self).__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        z = Variable(h.data.new(h.size()).normal_())
        return self.f(h + z)


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super(Problem2Model, self).__init__()
        self.g = g
        self.f = f

    def variance(self, h):
        return h.exp()          # h read as a log-variance

    def forward(self, x):
        h = self.g(x)
        zero_mean = Variable(h.data.new(h.size()).zero_())
        return self.f(reparameterize(zero_mean, h))   # std = exp(h / 2) = sqrt(variance(h))


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}
JUSTIFICATIONS = {
    "model1": "the sampled distribution N(x, I) has no trainable parameter",
    "model2": "N(g(x), I) depends on lambda, so sample eps and shift it",
    "model3": "N(0, I) is fixed; gradients pass through h + z",
    "problem2": "N(0, diag(var(h))) depends on lambda; scale eps by the std",
}
PROBLEM2_ISSUE = "a variance must be positive but h from a linear layer is any real number"


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = {
    "optimal_generator": optimal_discriminator(0.3, 0.3),
    "generator_misses": optimal_discriminator(0.3, 0.0),
    "generator_hallucinates": optimal_discriminator(0.0, 0.3),
}
PROOF_3A = "for each x maximise a log y + b log(1 - y): y = a / (a + b)"
