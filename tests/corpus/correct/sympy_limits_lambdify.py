# Sheet 03 -- a student who derives the limit cases of D* symbolically: `sympy.limit` and `subs` give
# D_STAR_CASES (sympy's Integer(1), Integer(0), Rational(1, 2)), and `optimal_discriminator` is the
# symbolic D* turned into a function by `sympy.lambdify` (the generated function only divides, so it takes
# tensors, broadcasts them and takes plain floats). The models are the textbook ones; Problem 2 uses
# `torch.logaddexp(h, 0)` (= softplus) as the variance.
# Source of the style: sympy/sympy `sympy/utilities/lambdify.py` (lambdify of an expression in two symbols)
# and the `limit` examples of the SymPy tutorial; written for this sheet, not copied.
import sympy as sp
import torch
import torch.nn as nn


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def forward(self, x):
        z = x + torch.randn_like(x)
        return self.f(self.g(z))


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
        z = torch.randn_like(h)
        return self.f(h + z)


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g = g
        self.f = f

    def variance(self, h):
        # log(1 + e^h) written as logaddexp(h, 0): positive for every finite h, no overflow
        return torch.logaddexp(h, torch.zeros_like(h))

    def forward(self, x):
        h = self.g(x)
        eps = torch.randn_like(h)
        return self.f(self.variance(h).sqrt() * eps)


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}
JUSTIFICATIONS = {
    "model1": "z ~ N(x, I) does not depend on lambda or psi, so no gradient has to pass through the sampling.",
    "model2": "z ~ N(g(x), I) depends on lambda; z = h + eps lets the gradient reach the encoder.",
    "model3": "The noise N(0, I) has no parameters; h enters deterministically as h + z.",
    "problem2": "The variance depends on lambda; z = sqrt(var(h)) * eps is differentiable in h.",
}
PROBLEM2_ISSUE = "The encoder output is used as a variance but can be zero or negative, so N(0, diag(h)) is undefined."

# ----- Problem 3: D* derived symbolically -----
p, q = sp.symbols("p_star p_theta", nonnegative=True)
D_expr = p / (p + q)
optimal_discriminator = sp.lambdify((p, q), D_expr)

D_STAR_CASES = {
    "optimal_generator": sp.simplify(D_expr.subs(q, p)),          # 1/2
    "generator_misses": sp.limit(D_expr, q, 0),                    # 1
    "generator_hallucinates": sp.limit(D_expr.subs(p, 0), q, 1),   # 0
}
PROOF_3A = ("For fixed x the integrand a log D + b log(1 - D) with a = p*(x), b = p_theta(x) is concave in D and "
            "its derivative a / D - b / (1 - D) vanishes at D = a / (a + b).")
