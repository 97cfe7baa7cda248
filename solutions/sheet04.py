"""Reference solution: Exercise sheet 04: Normalizing flows (planar flows). Never handed out to students.

Generated from assignments/sheet04/source.py by `python -m autograder.authoring sync`; edit that file.
"""


# %% [markdown]
# # Exercise sheet 04: Normalizing flows (planar flows)
#
# *Machine Learning for Graphs and Sequential Data*
#
# Fill in the code cells below. Each `grader.check("...")` cell runs the **public** tests of one
# question on your code, in a separate process, exactly as the grader does; the hidden tests run
# only when your submission is graded. You can also check the `.py` version of this sheet from a
# terminal with `autograder check sheet04.py --assignment sheet04`.
#
# The justifications (1b, 3a, 3b) are graded by hand from the PDF that `grader.export()` makes.
#
# Keep the names as they are: the grader looks them up. It sets the parameters `u`, `w`, `b` of your
# layers itself (including values where $\mathbf{w}^\top\mathbf{u} < -1$), and to grade Problem 2 it
# puts its own planar layers into `Flow.layers`, so that a mistake in Problem 1 costs Problem 1 only.


# %%
import math

import torch
import torch.nn.functional as F
from torch import nn

# Your written answers go into this dict (replace each None).
JUSTIFICATIONS = {"q1b": None, "q3a": None, "q3b": None}


# %% [markdown]
# ## Problem 1: A planar flow layer
#
# A planar flow transforms $\mathbf{z} \in \mathbb{R}^D$ as
#
# $$f(\mathbf{z}) = \mathbf{z} + \mathbf{u}\, h(\mathbf{w}^\top\mathbf{z} + b), \qquad \mathbf{u}, \mathbf{w} \in \mathbb{R}^D,\ b \in \mathbb{R},\ h = \tanh.$$
#
# **a)** Show that $\det \partial f / \partial \mathbf{z} = 1 + \mathbf{u}^\top\psi(\mathbf{z})$ with
# $\psi(\mathbf{z}) = h'(\mathbf{w}^\top\mathbf{z} + b)\,\mathbf{w}$, so that the log-determinant
# costs $O(D)$ instead of $O(D^3)$. Implement a layer that, for a batch `z` of shape $(N, D)$, returns
# $f(\mathbf{z})$ and $\log|\det \partial f/\partial \mathbf{z}|$ for every row.
#
# **b)** For $h = \tanh$, $f$ is invertible if and only if $\mathbf{w}^\top\mathbf{u} \ge -1$. Fix the
# layer so that it is invertible for every value of its parameters: use, in place of $\mathbf{u}$,
#
# $$\hat{\mathbf{u}} = \mathbf{u} + \left(m(\mathbf{w}^\top\mathbf{u}) - \mathbf{w}^\top\mathbf{u}\right) \frac{\mathbf{w}}{\|\mathbf{w}\|^2}, \qquad m(a) = -1 + \operatorname{softplus}(a),$$
#
# or any other map with $\mathbf{w}^\top\hat{\mathbf{u}} > -1$ for all $\mathbf{u}, \mathbf{w}$ ($\mathbf{w} \ne 0$).
#
# In code: `PlanarFlow.u_hat()` returns the $\hat{\mathbf{u}}$ actually used (shape $(D,)$);
# `forward(z)` returns `(f(z), log_det)` of shapes $(N, D)$ and $(N,)$ **with the fix applied inside**.


# %%
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


# %% [markdown]
# **1b) Justification** (graded by hand): why does your map give $\mathbf{w}^\top\hat{\mathbf{u}} > -1$
# for every $\mathbf{u}$ and $\mathbf{w} \ne 0$?


# %%
JUSTIFICATIONS["q1b"] = (
    "w^T u_hat = w^T u + (m(w^T u) - w^T u) * w^T w / ||w||^2 = m(w^T u), and "
    "m(a) = -1 + softplus(a) > -1 because softplus(a) = log(1 + e^a) > 0 for every a."
)


# %% [markdown]
# ## Problem 2: A flow of K layers
#
# Stack $K$ planar layers $f_K \circ \dots \circ f_1$ on the base distribution
# $\mathbf{z}_0 \sim \mathcal{N}(\mathbf{0}, \mathbf{I}_D)$. By the change of variables,
#
# $$\log p(\mathbf{x}) = \log \mathcal{N}(\mathbf{z}_0; \mathbf{0}, \mathbf{I}_D) - \sum_k \log\left|\det \frac{\partial f_k}{\partial \mathbf{z}_{k-1}}\right|, \qquad \mathbf{x} = f_K(\dots f_1(\mathbf{z}_0)).$$
#
# **a)** `Flow.forward(z0)` maps a batch of base samples to `(x, log_prob)`, shapes $(N, D)$ and $(N,)$.
#
# **b)** `Flow.sample(n)` draws $n$ samples $\mathbf{x}$ with their log-densities. Gradients of a loss
# on $\mathbf{x}$ and on $\log p(\mathbf{x})$ must reach every layer's parameters.
#
# Keep the layers in `self.layers`, an `nn.ModuleList` of `K` `PlanarFlow`: the grader replaces it.


# %%
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


# %% [markdown]
# ## Problem 3: What planar flows can and cannot do
#
# **a)** Given a data point $\mathbf{x}$ from a data set, can you evaluate $\log p(\mathbf{x})$ of a
# planar flow in closed form? Set `CLOSED_FORM_DENSITY` to `True` or `False`.


# %%
CLOSED_FORM_DENSITY = False


# %% [markdown]
# **3a) Justification** (graded by hand).


# %%
JUSTIFICATIONS["q3a"] = (
    "No. log p(x) needs z0 = f^-1(x), and a planar layer has no closed-form inverse: "
    "each layer needs a 1-d root search for w^T z, so the density of data is only "
    "available numerically."
)


# %% [markdown]
# **b)** Which use suits planar flows: `"density_estimation"` (fitting a density to data by maximum
# likelihood) or `"variational_inference"` (a flexible posterior, where you only need samples and
# their own densities)? Set `PLANAR_FLOW_USE`.


# %%
PLANAR_FLOW_USE = "variational_inference"


# %% [markdown]
# **3b) Justification** (graded by hand).


# %%
JUSTIFICATIONS["q3b"] = (
    "Variational inference: it only needs samples x = f(z0) and their densities, "
    "which the forward pass gives exactly; maximum likelihood needs log p of given "
    "data, i.e. the inverse, which planar flows lack."
)


# %% [markdown]
# **c)** The cost, in $D$, of the log-determinant of one planar layer, and of a general invertible
# linear layer computed naively: each value one of `"O(D)"`, `"O(D^2)"`, `"O(D^3)"`.


# %%
LOGDET_COST = {"planar": None, "general_linear": None}
# The cost of log |det| of one planar layer:
LOGDET_COST["planar"] = "O(D)"
# The cost of log |det| of a general invertible linear layer (D x D matrix), computed naively:
LOGDET_COST["general_linear"] = "O(D^3)"
