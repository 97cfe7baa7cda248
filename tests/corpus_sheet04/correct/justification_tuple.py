# The course's own .py template (student_templates/sheet04.py) filled in, with one slip in a hand-graded answer:
# the 1b justification written over two lines inside parentheses WITH a comma between them, which makes a tuple
# of two strings instead of one string (a common slip in multi-line string literals). Every automatic test is
# right; the hand grader must still see the text. Written for this corpus.
import math

import torch
import torch.nn.functional as F
from torch import nn

JUSTIFICATIONS = {"q1b": None, "q3a": None, "q3b": None}


class PlanarFlow(nn.Module):
    """Problems 1a and 1b: one planar layer f(z) = z + u_hat * tanh(w^T z + b), invertible for all u, w, b.

    Parameters `u`, `w` of shape (D,) and `b` of shape (1,); the grader sets them.
    `forward(z)` takes z of shape (N, D) and returns (f(z), log |det df/dz|) of shapes (N, D) and (N,).
    """

    def __init__(self, dim: int):
        super().__init__()
        self.u = nn.Parameter(0.1 * torch.randn(dim))
        self.w = nn.Parameter(0.1 * torch.randn(dim))
        self.b = nn.Parameter(torch.zeros(1))

    def u_hat(self) -> torch.Tensor:
        wu = self.w @ self.u
        return self.u + (-1 + F.softplus(wu) - wu) * self.w / (self.w @ self.w)

    def forward(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        u = self.u_hat()
        a = z @ self.w + self.b
        x = z + u * torch.tanh(a)[:, None]
        psi = (1 - torch.tanh(a) ** 2)[:, None] * self.w
        log_det = torch.log(torch.abs(1 + psi @ u))
        return x, log_det


JUSTIFICATIONS["q1b"] = (
    "w^T u_hat = w^T u + (m(w^T u) - w^T u) * w^T w / ||w||^2 = m(w^T u),",
    "and m(a) = -1 + softplus(a) > -1 because softplus(a) = log(1 + e^a) > 0 for every a.",
)


class Flow(nn.Module):
    """Problem 2: K planar layers on N(0, I_D)."""

    def __init__(self, dim: int, K: int):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    def forward(self, z0: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        log_prob = -0.5 * (z0 ** 2).sum(dim=1) - 0.5 * self.dim * math.log(2 * math.pi)
        z = z0
        for layer in self.layers:
            z, log_det = layer(z)
            log_prob = log_prob - log_det
        return z, log_prob

    def sample(self, n: int) -> tuple[torch.Tensor, torch.Tensor]:
        return self(torch.randn(n, self.dim))


CLOSED_FORM_DENSITY = False


JUSTIFICATIONS["q3a"] = (
    "No. log p(x) needs z0 = f^-1(x), and a planar layer has no closed-form inverse: "
    "each layer needs a 1-d root search for w^T z, so the density of data is only "
    "available numerically."
)


PLANAR_FLOW_USE = "variational_inference"


JUSTIFICATIONS["q3b"] = (
    "Variational inference: it only needs samples x = f(z0) and their densities, "
    "which the forward pass gives exactly; maximum likelihood needs log p of given "
    "data, i.e. the inverse, which planar flows lack."
)


LOGDET_COST = {"planar": None, "general_linear": None}
LOGDET_COST["planar"] = "O(D)"
LOGDET_COST["general_linear"] = "O(D^3)"
