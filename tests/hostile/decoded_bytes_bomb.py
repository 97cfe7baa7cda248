"""Reference solution: Exercise sheet 03: VAE & GAN. Never handed out to students.

Generated from assignments/sheet03/source.py by `python -m autograder.authoring sync`; edit that file.
"""


# %% [markdown]
# # Exercise sheet 03: VAE & GAN
#
# *Machine Learning for Graphs and Sequential Data*
#
# Fill in the code cells below. Each `grader.check("...")` cell runs the **public** tests of one
# question on your code, in a separate process, exactly as the grader does; the hidden tests run
# only when your submission is graded. You can also check the `.py` version of this sheet from a
# terminal with `autograder check sheet03.py`.
#
# Written answers (the justifications, the issue in Problem 2 and the proof in Problem 3a) are
# graded by hand from the PDF that `grader.export()` (or `otter export --filtering`) makes.
#
# Keep the names as they are: the grader looks them up. It builds its own encoder $g_\lambda$ and
# decoder $f_\psi$ (small networks with a linear output layer), passes them to your models, calls
# them on a batch $\mathbf{x}$ of shape $(N, D)$ and computes the loss
# $\mathcal{L} = \frac{1}{N}\sum_i \|\mathbf{x}_i - \tilde{\mathbf{x}}_i\|_2^2$ itself.


# %%
import torch
import torch.nn.functional as F
from torch import nn

# Your answers to the yes/no and value questions go into these dicts (replace each None).
REPARAM_NEEDED = {"model1": None, "model2": None, "model3": None, "problem2": None}
JUSTIFICATIONS = {"model1": None, "model2": None, "model3": None, "problem2": None}
D_STAR_CASES = {"optimal_generator": None, "generator_misses": None, "generator_hallucinates": None}


# %% [markdown]
# ## Problem 1
#
# Below we show pseudocode for implementing 3 autoencoder-like neural net architectures. The
# observed data is denoted as $\mathbf{x} \in \mathbb{R}^D$. Here,
# $g_\lambda : \mathbb{R}^D \rightarrow \mathbb{R}^L$ and
# $f_\psi : \mathbb{R}^L \rightarrow \mathbb{R}^D$ are fully connected feedforward neural networks
# with learnable parameters $\lambda$ and $\psi$. The output layers of $g_\lambda$ and $f_\psi$
# have no (i.e. have linear) activation functions. $\mathcal{N}$ denotes the normal distribution,
# $\mathbf{I}_N$ is the $N \times N$ identity matrix, and $\mathbf{0}_N$ is the vector of all
# zeros of length $N$.
#
# For each of the architectures below, explain whether it's **necessary** to use the
# reparametrization trick to compute the gradient of the loss $\mathcal{L}$ w.r.t. **both**
# $\lambda$ and $\psi$. Answer "Yes" or "No" and provide a justification. If the answer is "Yes",
# modify the code to implement the reparametrization trick.
#
# In code: implement each model's `forward(x)`, which returns $\tilde{\mathbf{x}}$ for a batch
# $\mathbf{x}$ of shape $(N, D)$, so that both $\lambda$ and $\psi$ receive gradients; set
# `REPARAM_NEEDED[...]` to `True` or `False`; write your justification in `JUSTIFICATIONS[...]`.


# %% [markdown]
# ### a) Model 1
#
# $$\begin{aligned} \mathbf{z}_i &\sim \mathcal{N}(\mathbf{x}_i, \mathbf{I}_D) \\ \mathbf{h}_i &= g_\lambda(\mathbf{z}_i) \\ \tilde{\mathbf{x}}_i &= f_\psi(\mathbf{h}_i) \\ \mathcal{L} &= \|\mathbf{x}_i - \tilde{\mathbf{x}}_i\|_2^2 \end{aligned}$$


# %%
class Model1(nn.Module):
    """Problem 1a, Model 1.

        z_i ~ N(x_i, I_D)
        h_i = g_lambda(z_i)
        x~_i = f_psi(h_i)
        L = ||x_i - x~_i||^2          (computed by the grader)

    `forward(x)` takes x of shape (N, D) and returns x~ of shape (N, D).
    """

    def __init__(self, g: nn.Module, f: nn.Module):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        z = x + torch.randn_like(x)
        return self.f(self.g(z))


# Is the reparametrization trick necessary for Model 1? True or False.
REPARAM_NEEDED["model1"] = False


# %% [markdown]
# **1a) Justification** (graded by hand): why is the reparametrization trick necessary for Model 1,
# or why not?


# %%
JUSTIFICATIONS["model1"] = (
    "No. The noise is added to the input x, before any learnable parameter: z does "
    "not depend on lambda or psi, so L is a deterministic, differentiable function "
    "of both given z."
)


# %% [markdown]
# ### b) Model 2
#
# $$\begin{aligned} \mathbf{h}_i &= g_\lambda(\mathbf{x}_i) \\ \mathbf{z}_i &\sim \mathcal{N}(\mathbf{h}_i, \mathbf{I}_L) \\ \tilde{\mathbf{x}}_i &= f_\psi(\mathbf{z}_i) \\ \mathcal{L} &= \|\mathbf{x}_i - \tilde{\mathbf{x}}_i\|_2^2 \end{aligned}$$


# %%
class Model2(nn.Module):
    """Problem 1b, Model 2.

        h_i = g_lambda(x_i)
        z_i ~ N(h_i, I_L)
        x~_i = f_psi(z_i)
        L = ||x_i - x~_i||^2          (computed by the grader)

    `forward(x)` takes x of shape (N, D) and returns x~ of shape (N, D); write it so that both
    lambda and psi receive gradients.
    """

    def __init__(self, g: nn.Module, f: nn.Module):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.g(x)
        return self.f(h + torch.randn_like(h))


# Is the reparametrization trick necessary for Model 2? True or False.
REPARAM_NEEDED["model2"] = True


# %% [markdown]
# **1b) Justification** (graded by hand): why is the reparametrization trick necessary for Model 2,
# or why not?


# %%
JUSTIFICATIONS["model2"] = (
    "Yes. z is sampled from a distribution whose mean h = g(x) depends on lambda; "
    "sampling is not differentiable w.r.t. its parameters, so we write z = h + eps, "
    "eps ~ N(0, I)."
)


# %% [markdown]
# ### c) Model 3
#
# $$\begin{aligned} \mathbf{h}_i &= g_\lambda(\mathbf{x}_i) \\ \mathbf{z}_i &\sim \mathcal{N}(\mathbf{0}_L, \mathbf{I}_L) \\ \tilde{\mathbf{x}}_i &= f_\psi(\mathbf{h}_i + \mathbf{z}_i) \\ \mathcal{L} &= \|\mathbf{x}_i - \tilde{\mathbf{x}}_i\|_2^2 \end{aligned}$$


# %%
class Model3(nn.Module):
    """Problem 1c, Model 3.

        h_i = g_lambda(x_i)
        z_i ~ N(0_L, I_L)
        x~_i = f_psi(h_i + z_i)
        L = ||x_i - x~_i||^2          (computed by the grader)

    `forward(x)` takes x of shape (N, D) and returns x~ of shape (N, D).
    """

    def __init__(self, g: nn.Module, f: nn.Module):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.g(x)
        z = torch.randn_like(h)
        return self.f(h + z)


# Is the reparametrization trick necessary for Model 3? True or False.
REPARAM_NEEDED["model3"] = False


# %% [markdown]
# **1c) Justification** (graded by hand): why is the reparametrization trick necessary for Model 3,
# or why not?


# %%
JUSTIFICATIONS["model3"] = (
    "No. The model is already reparametrized: z ~ N(0, I) does not depend on any "
    "parameter and h + z is differentiable in h."
)


# %% [markdown]
# ## Problem 2
#
# Consider the same setup as in the previous problem. The model specified below is **not well
# defined**. Your task is to find the problem with the model and modify the pseudo code to fix it.
#
# In addition, if you think it's **necessary** to use the reparametrization trick, include it in
# your implementation.
#
# $$\begin{aligned} \mathbf{h}_i &= g_{\lambda}(\mathbf{x}_i) \\ \mathbf{z}_i &\sim \mathcal{N}(\mathbf{0}_L, \text{diag}(\mathbf{h}_i)) \\ \tilde{\mathbf{x}}_i &= f_{\psi}(\mathbf{z}_i) \\ \mathcal{L} &= \|\mathbf{x}_i - \tilde{\mathbf{x}}_i\|_2^2 \end{aligned}$$
#
# In code: `Problem2Model.variance(h)` maps the encoder output elementwise to a strictly positive,
# finite variance; `forward(x)` samples
# $\mathbf{z}_i \sim \mathcal{N}(\mathbf{0}_L, \text{diag}(\text{variance}(\mathbf{h}_i)))$.


# %% [markdown]
# **2) The issue** (graded by hand): why is the model above not well defined?


# %%
PROBLEM2_ISSUE = (
    "diag(h) is used as a covariance matrix, but h = g(x) comes from a linear "
    "output layer and can be zero or negative: a variance must be strictly "
    "positive, so N(0, diag(h)) is undefined. Map h through a positive function "
    "first (softplus or exp)."
)


# %%
class Problem2Model(nn.Module):
    """Problem 2, the fixed model.

        h_i = g_lambda(x_i)
        z_i ~ N(0_L, diag(variance(h_i)))
        x~_i = f_psi(z_i)
        L = ||x_i - x~_i||^2          (computed by the grader)

    `variance(h)` maps h elementwise to a strictly positive, finite variance (same shape as h).
    `forward(x)` takes x of shape (N, D) and returns x~ of shape (N, D).
    """

    def __init__(self, g: nn.Module, f: nn.Module):
        super().__init__()
        self.g, self.f = g, f

    def variance(self, h: torch.Tensor) -> torch.Tensor:
        return F.softplus(h)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.g(x)
        z = torch.sqrt(self.variance(h)) * torch.randn_like(h)
        return self.f(z)


# Is the reparametrization trick necessary for this model? True or False.
REPARAM_NEEDED["problem2"] = True


# %% [markdown]
# **2) Justification** (graded by hand): why is the reparametrization trick necessary here,
# or why not?


# %%
JUSTIFICATIONS["problem2"] = (
    "Yes. The variance depends on lambda through h; we sample eps ~ N(0, I) and set "
    "z = sqrt(softplus(h)) * eps so that the gradient reaches lambda."
)


# %% [markdown]
# ## Problem 3
#
# The loss used in generative adversarial networks (GANs) can be written in the following form:
#
# $$\min_{\boldsymbol{\theta}} \max_{\boldsymbol{\phi}} \mathcal{L}(\boldsymbol{\theta}, \boldsymbol{\phi}) = \min_{\boldsymbol{\theta}} \max_{\boldsymbol{\phi}} \mathbb{E}_{p^*(\mathbf{x})}[\log D_{\boldsymbol{\phi}}(\mathbf{x})] + \mathbb{E}_{p(\mathbf{z})}[\log(1 - D_{\boldsymbol{\phi}}(f_{\boldsymbol{\theta}}(\mathbf{z})))]$$
#
# where $p^*(\mathbf{x})$ is the true data distribution, $p(\mathbf{z})$ is the distribution of
# the noise, $f_{\boldsymbol{\theta}}$ is the generator, and $D_{\boldsymbol{\phi}}$ is the
# discriminator.


# %% [markdown]
# ### a) The optimal discriminator
#
# For a given generator (fixed parameters $\boldsymbol{\theta}$) assume there exists a
# discriminator $D_{\boldsymbol{\phi}^*}(\mathbf{x})$ with parameters $\boldsymbol{\phi}^*$ such
# that for all $\mathbf{x}$:
#
# $$D_{\boldsymbol{\phi}^*}(\mathbf{x}) = \frac{p^*(\mathbf{x})}{p^*(\mathbf{x}) + p_{\boldsymbol{\theta}}(\mathbf{x})}$$
#
# where $p_{\boldsymbol{\theta}}(\mathbf{x})$ is the distribution learned by the generator. Show
# that $D_{\boldsymbol{\phi}^*}$ is **optimal**, i.e.
# $\boldsymbol{\phi}^* = \arg \max_{\boldsymbol{\phi}} \mathcal{L}(\boldsymbol{\theta}, \boldsymbol{\phi})$.
#
# Hint: $\arg \max_y [a \log(y) + b \log(1 - y)] = \frac{a}{a+b}$ for any
# $a, b \in \mathbb{R}_0^+, a + b > 0$.
#
# **The proof** (graded by hand) goes into `PROOF_3A`.


# %%
PROOF_3A = (
    "L(theta, phi) = int p*(x) log D(x) + p_theta(x) log(1 - D(x)) dx, after the "
    "change of variables x = f_theta(z) in the second expectation. The integrand is "
    "maximised pointwise: for each x it is a log(y) + b log(1 - y) with a = p*(x), "
    "b = p_theta(x), whose maximiser is a / (a + b) by the hint. Hence D*(x) = "
    "p*(x) / (p*(x) + p_theta(x)) maximises L, i.e. phi* is optimal."
)


# %% [markdown]
# In code: `optimal_discriminator(p_star, p_theta)` returns $D^*(\mathbf{x})$ elementwise from the
# two densities: tensors of one shape (or broadcastable shapes), or plain floats, with
# $p^* + p_\theta > 0$ everywhere.


# %%
def optimal_discriminator(p_star, p_theta):
    """Problem 3a: the optimal discriminator, elementwise.

        D*(x) = p*(x) / (p*(x) + p_theta(x))

    `p_star`, `p_theta`: tensors of one shape (or broadcastable shapes), or plain floats;
    p_star + p_theta > 0 everywhere. Returns D* with the broadcast shape (a number for floats).
    """
    return p_star / (p_star + p_theta)


# %% [markdown]
# ### b) The optimal discriminator in three limit cases
#
# What is value of the optimal $D_{\boldsymbol{\phi}^*}(\mathbf{x})$ when:
#
# - The generator is optimal i.e. $p_{\boldsymbol{\theta}}(\mathbf{x}) = p^*(\mathbf{x})$
# - The generator assigns a zero probability $p_{\boldsymbol{\theta}}(\mathbf{x}) = 0$ to a sample
#   $\mathbf{x}$ whereas $p^*(\mathbf{x}) \neq 0$
# - The generator assigns a non-zero probability $p_{\boldsymbol{\theta}}(\mathbf{x}) \neq 0$ to a
#   sample $\mathbf{x}$ whereas $p^*(\mathbf{x}) = 0$
#
# In code: set each value of `D_STAR_CASES` to a number. (These are checked by hidden tests only.)


# %%
# D*(x) when the generator is optimal, p_theta(x) = p*(x):
D_STAR_CASES["optimal_generator"] = 0.5
# D*(x) when p_theta(x) = 0 and p*(x) != 0:
D_STAR_CASES["generator_misses"] = 1.0
# D*(x) when p_theta(x) != 0 and p*(x) = 0:
D_STAR_CASES["generator_hallucinates"] = 0.0


# --- attack (issue 20): 40 keys of one answer dict point at one 4 MiB tensor. Compressed, the
# observation is small on the wire; decoded, 160 MiB in the grader's process. The parent refuses an
# observation whose tensors decode to more than 64 MiB before decoding the rest. (Issue 20's version used a
# 32 MiB tensor, 1.3 GB decoded: the child's own encoding of it then took 2-10 s, so on a loaded machine the
# probe ran out of time before the parent saw the message, and the verdict turned on the machine's speed.)
import torch as _torch

_ZEROS = _torch.zeros(1 << 19, dtype=_torch.float64)
D_STAR_CASES.update({f"pad{i:02d}": _ZEROS for i in range(40)})
