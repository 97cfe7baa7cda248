"""Exercise sheet 04: Normalizing flows (planar flows) (your answers).

Replace every `raise NotImplementedError(...)` and every None answer; keep the names, the grader
looks them up. Check your work (public tests) with `autograder check sheet04.py --assignment sheet04`
(`pip install mlsheet-autograder` installs the `autograder` command).
The same sheet as a notebook, with the problem text, is sheet04.ipynb (generated from one source with this file).
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
        raise NotImplementedError("u + (m(w^T u) - w^T u) * w / ||w||^2 with m(a) = -1 + softplus(a)")

    def forward(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        raise NotImplementedError("a = z w + b; f(z) = z + u_hat h(a); log |1 + u_hat^T psi(z)| with psi = h'(a) w")


# %% [markdown]
# **1b) Justification** (graded by hand): why does your map give $\mathbf{w}^\top\hat{\mathbf{u}} > -1$
# for every $\mathbf{u}$ and $\mathbf{w} \ne 0$?


# %%
JUSTIFICATIONS["q1b"] = (
    None  # your justification, as a string (short lines: the PDF does not wrap them)
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
        raise NotImplementedError("self.layers = nn.ModuleList of K PlanarFlow(dim)")

    def forward(self, z0: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        raise NotImplementedError("log N(z0; 0, I), then push z through every layer, subtracting each log_det")

    def sample(self, n: int) -> tuple[torch.Tensor, torch.Tensor]:
        raise NotImplementedError("draw fresh z0 ~ N(0, I_D) of shape (n, D) on every call, then forward")


# %% [markdown]
# ## Problem 3: What planar flows can and cannot do
#
# **a)** Given a data point $\mathbf{x}$ from a data set, can you evaluate $\log p(\mathbf{x})$ of a
# planar flow in closed form? Set `CLOSED_FORM_DENSITY` to `True` or `False`.


# %%
CLOSED_FORM_DENSITY = None


# %% [markdown]
# **3a) Justification** (graded by hand).


# %%
JUSTIFICATIONS["q3a"] = (
    None  # your justification, as a string (short lines: the PDF does not wrap them)
)


# %% [markdown]
# **b)** Which use suits planar flows: `"density_estimation"` (fitting a density to data by maximum
# likelihood) or `"variational_inference"` (a flexible posterior, where you only need samples and
# their own densities)? Set `PLANAR_FLOW_USE`.


# %%
PLANAR_FLOW_USE = None


# %% [markdown]
# **3b) Justification** (graded by hand).


# %%
JUSTIFICATIONS["q3b"] = (
    None  # your justification, as a string (short lines: the PDF does not wrap them)
)


# %% [markdown]
# **c)** The cost, in $D$, of the log-determinant of one planar layer, and of a general invertible
# linear layer computed naively: each value one of `"O(D)"`, `"O(D^2)"`, `"O(D^3)"`.


# %%
LOGDET_COST = {"planar": None, "general_linear": None}
# The cost of log |det| of one planar layer:
LOGDET_COST["planar"] = None
# The cost of log |det| of a general invertible linear layer (D x D matrix), computed naively:
LOGDET_COST["general_linear"] = None
