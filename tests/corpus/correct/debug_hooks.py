# Sheet 03 -- debugging hooks added by the student and left in: forward hooks on the given g and f that keep
# detached activation statistics, a forward pre-hook checking the input's shape, and a full backward hook on f
# that records gradient norms (PyTorch's module-hook API).
# Source of the style: pytorch/pytorch `torch/nn/modules/module.py` (register_forward_hook,
# register_forward_pre_hook, register_full_backward_hook docstrings) and "activation statistics" loops as in
# fastai/fastai `fastai/callback/hook.py`; written for this sheet, not copied.
import torch
import torch.nn as nn
import torch.nn.functional as F

ACTIVATIONS: dict[str, list[float]] = {}
GRAD_NORMS: list[float] = []


def _keep_stats(name):
    def hook(module, inputs, output):
        ACTIVATIONS.setdefault(name, []).append(float(output.detach().abs().mean()))
    return hook


def _check_2d(module, inputs):
    assert inputs[0].dim() == 2, f"expected a batch of vectors, got shape {tuple(inputs[0].shape)}"


def _grad_norm(module, grad_input, grad_output):
    GRAD_NORMS.append(float(grad_output[0].norm()))


def attach_hooks(g, f, tag):
    """Register the debugging hooks; returns the handles (never removed, as so often)."""
    return [g.register_forward_pre_hook(_check_2d), g.register_forward_hook(_keep_stats(tag + ".g")),
            f.register_forward_hook(_keep_stats(tag + ".f")), f.register_full_backward_hook(_grad_norm)]


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f
        self.handles = attach_hooks(g, f, "model1")

    def forward(self, x):
        return self.f(self.g(x + torch.randn_like(x)))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f
        self.handles = attach_hooks(g, f, "model2")

    def forward(self, x):
        h = self.g(x)
        return self.f(h + torch.randn_like(h))


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f
        self.handles = attach_hooks(g, f, "model3")

    def forward(self, x):
        h = self.g(x)
        z = torch.randn_like(h)
        return self.f(h + z)


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f
        self.handles = attach_hooks(g, f, "problem2")

    def variance(self, h):
        return F.softplus(h) + 1e-5

    def forward(self, x):
        h = self.g(x)
        return self.f(torch.sqrt(self.variance(h)) * torch.randn_like(h))

REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}
JUSTIFICATIONS = {
    "model1": "The noise is drawn on the input and does not depend on lambda or psi; plain sampling is fine.",
    "model2": "z ~ N(g(x), I) depends on lambda through its mean: write z = g(x) + eps to pass a gradient to lambda.",
    "model3": "z ~ N(0, I) has no parameters; f(h + z) is already differentiable in lambda and psi.",
    "problem2": "The variance depends on lambda: z = sqrt(variance(h)) * eps is differentiable, sampling is not.",
}
PROBLEM2_ISSUE = "The encoder output can be zero or negative, but it is used as a variance, which must be positive."


def optimal_discriminator(p_star, p_theta):
    """D*(x) = p*(x) / (p*(x) + p_theta(x)), elementwise."""
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}
PROOF_3A = "For fixed x, a log D + b log(1 - D) with a = p*(x), b = p_theta(x) is maximal at D = a / (a + b)."
