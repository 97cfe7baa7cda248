# Style of the sheet's maths written out literally (course-forum answers): b a 0-d parameter,
# h and h' as named lambdas, the matrix-determinant lemma spelled as 1 + u^T psi; answers given
# with spaces and lower case ("o(d^3)"), which the grader accepts.
import math

import torch
import torch.nn.functional as F
from torch import nn

h = torch.tanh
h_prime = lambda a: 1 - torch.tanh(a) ** 2  # noqa: E731


class PlanarFlow(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.u = nn.Parameter(torch.randn(dim) * 0.1)
        self.w = nn.Parameter(torch.randn(dim) * 0.1)
        self.b = nn.Parameter(torch.tensor(0.0))

    def u_hat(self):
        w, u = self.w, self.u
        return u + (-1 + F.softplus(w @ u) - w @ u) * w / torch.sum(w * w)

    def forward(self, z):
        u_hat = self.u_hat()
        a = z @ self.w + self.b
        psi = h_prime(a)[:, None] * self.w[None, :]
        return z + u_hat[None, :] * h(a)[:, None], torch.log(torch.abs(1 + psi @ u_hat))


class Flow(nn.Module):
    def __init__(self, dim, K):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList([PlanarFlow(dim) for _ in range(K)])

    def forward(self, z0):
        total = torch.zeros(len(z0))
        z = z0
        for f_k in self.layers:
            z, ld = f_k(z)
            total += ld
        log_base = -0.5 * torch.einsum("nd,nd->n", z0, z0) - self.dim * 0.5 * math.log(2 * math.pi)
        return z, log_base - total

    def sample(self, n):
        z0 = torch.randn(n, self.dim)
        x, log_prob = self.forward(z0)
        return x, log_prob


CLOSED_FORM_DENSITY = False
PLANAR_FLOW_USE = " Variational_Inference "
LOGDET_COST = {"planar": "o(d)", "general_linear": "O( D^3 )"}
JUSTIFICATIONS = {"q1b": "det lemma", "q3a": "no", "q3b": "vi"}
