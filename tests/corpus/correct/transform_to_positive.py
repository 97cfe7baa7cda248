# Sheet 03 -- positivity through torch.distributions' constraint registry: variance(h) =
# `transform_to(constraints.positive)(h)` (an ExpTransform), Problem 2's sample as
# `Normal(0, 1)` noise pushed through `AffineTransform(0, sqrt(variance))` by hand, Model 2 with
# `Normal(h, 1.0).rsample()` (a float scale), and D* from `Bernoulli(logits=log p* - log p_theta).probs`.
# Source of the style: pyro-ppl/pyro `pyro/nn/module.py` / `pyro/params/param_store.py`
# (`transform_to(constraint)` for constrained values) and pytorch/pytorch
# `torch/distributions/constraint_registry.py`; written for this sheet, not copied.
import torch
import torch.nn as nn
from torch.distributions import Bernoulli, Normal, constraints, transform_to
from torch.distributions.transforms import AffineTransform

to_positive = transform_to(constraints.positive)


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        z = Normal(x, torch.ones_like(x)).sample()  # no parameter in this law: .sample() is fine
        return self.f(self.g(z))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        h = self.g(x)
        return self.f(Normal(h, 1.0).rsample())


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        h = self.g(x)
        z = Normal(torch.zeros_like(h), torch.ones_like(h)).sample()
        return self.f(h + z)


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def variance(self, h):
        return to_positive(h)

    def forward(self, x):
        h = self.g(x)
        eps = Normal(torch.zeros_like(h), torch.ones_like(h)).sample()
        z = AffineTransform(loc=0.0, scale=self.variance(h).sqrt())(eps)
        return self.f(z)

REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}
JUSTIFICATIONS = {
    "model1": "The noise is drawn on the input and does not depend on lambda or psi; plain sampling is fine.",
    "model2": "z ~ N(g(x), I) depends on lambda through its mean: write z = g(x) + eps to pass a gradient to lambda.",
    "model3": "z ~ N(0, I) has no parameters; f(h + z) is already differentiable in lambda and psi.",
    "problem2": "The variance depends on lambda: z = sqrt(variance(h)) * eps is differentiable, sampling is not.",
}
PROBLEM2_ISSUE = "The encoder output can be zero or negative, but it is used as a variance, which must be positive."


def optimal_discriminator(p_star, p_theta):
    """D* = sigma(log p* - log p_theta), the probability of a Bernoulli with those logits."""
    p_star, p_theta = torch.as_tensor(p_star, dtype=torch.float32), torch.as_tensor(p_theta, dtype=torch.float32)
    return Bernoulli(logits=torch.log(p_star) - torch.log(p_theta)).probs


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}
PROOF_3A = "For fixed x, a log D + b log(1 - D) with a = p*(x), b = p_theta(x) is maximal at D = a / (a + b)."
