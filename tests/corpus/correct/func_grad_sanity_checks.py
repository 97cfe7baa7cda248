# Sheet 03 -- plain models plus module-level sanity checks written with torch.func (no torch.compile):
# torch.func.grad of the pointwise GAN objective vanishes at D*, and torch.func.grad over the encoder's
# parameters (via torch.func.functional_call) is non-zero for Model 2 and Problem 2, i.e. the
# reparametrized sample passes gradients to lambda. The asserts run when the file is imported.
# Source of the style: pytorch/pytorch `docs/source/func.whirlwind_tour.rst` (grad, functional_call);
# written for this sheet, not copied.
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import functional_call, grad


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        return self.f(self.g(x + torch.randn_like(x)))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        return self.f(h + torch.randn_like(h))


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        h = self.g(x)
        return self.f(h + torch.randn_like(h))


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def variance(self, h):
        return F.softplus(h) + 1e-6

    def forward(self, x):
        h = self.g(x)
        return self.f(torch.sqrt(self.variance(h)) * torch.randn_like(h))


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


# ---- sanity checks (run at import) ----

def _pointwise_objective(d, a, b):
    return a * torch.log(d) + b * torch.log(1 - d)


_a, _b = torch.tensor(0.3), torch.tensor(0.9)
assert abs(grad(_pointwise_objective)(optimal_discriminator(_a, _b), _a, _b)) < 1e-5


def _encoder_grad_norm(model_cls):
    torch.manual_seed(0)
    g, f = nn.Linear(4, 3), nn.Linear(3, 4)
    x = torch.randn(16, 4)

    def loss(params):
        model = model_cls(lambda inp: functional_call(g, params, (inp,)), f)
        return ((x - model(x)) ** 2).sum(1).mean()

    return sum(v.norm() for v in grad(loss)(dict(g.named_parameters())).values())


assert _encoder_grad_norm(Model2) > 0 and _encoder_grad_norm(Problem2Model) > 0


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}

JUSTIFICATIONS = {
    "model1": "The input noise has a fixed law.",
    "model2": "The latent mean depends on lambda: z = h + eps (checked above: lambda gets a gradient).",
    "model3": "The latent noise has a fixed law and is added to h.",
    "problem2": "The latent variance depends on lambda: z = sqrt(var) * eps.",
}

PROBLEM2_ISSUE = "diag(h) is a covariance only if h > 0 elementwise, which g's linear output does not ensure."

D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}

PROOF_3A = "d/dD [a log D + b log(1 - D)] = a/D - b/(1 - D) = 0 at D = a/(a+b); checked numerically above with torch.func.grad."
