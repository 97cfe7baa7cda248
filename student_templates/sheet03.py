"""Exercise sheet 03: VAE & GAN (your answers).

Replace every `raise NotImplementedError(...)` and every None answer; keep the names, the grader
looks them up. Check your work (public tests) with `autograder check sheet03.py --assignment sheet03`
(`pip install mlsheet-autograder` installs the `autograder` command).
The same sheet as a notebook, with the problem text, is sheet03.ipynb (generated from one source with this file).
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
        raise NotImplementedError("draw z ~ N(x, I_D), one fresh noise value per row and coordinate, then return f(g(z))")


# Is the reparametrization trick necessary for Model 1? True or False.
REPARAM_NEEDED["model1"] = None


# %% [markdown]
# **1a) Justification** (graded by hand): why is the reparametrization trick necessary for Model 1,
# or why not?


# %%
JUSTIFICATIONS["model1"] = (
    None  # your justification, as a string (short lines: the PDF does not wrap them)
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
        raise NotImplementedError("h = g(x); draw z ~ N(h, I_L) so that the gradient still reaches lambda; return f(z)")


# Is the reparametrization trick necessary for Model 2? True or False.
REPARAM_NEEDED["model2"] = None


# %% [markdown]
# **1b) Justification** (graded by hand): why is the reparametrization trick necessary for Model 2,
# or why not?


# %%
JUSTIFICATIONS["model2"] = (
    None  # your justification, as a string (short lines: the PDF does not wrap them)
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
        raise NotImplementedError("h = g(x); draw z ~ N(0_L, I_L), one value per row and latent coordinate; return f(h + z)")


# Is the reparametrization trick necessary for Model 3? True or False.
REPARAM_NEEDED["model3"] = None


# %% [markdown]
# **1c) Justification** (graded by hand): why is the reparametrization trick necessary for Model 3,
# or why not?


# %%
JUSTIFICATIONS["model3"] = (
    None  # your justification, as a string (short lines: the PDF does not wrap them)
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
    None  # your answer, as a string (short lines: the PDF does not wrap them)
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
        raise NotImplementedError("map h elementwise to a value > 0 that stays finite for every real h")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("h = g(x); draw z ~ N(0_L, diag(self.variance(h))); return f(z)")


# Is the reparametrization trick necessary for this model? True or False.
REPARAM_NEEDED["problem2"] = None


# %% [markdown]
# **2) Justification** (graded by hand): why is the reparametrization trick necessary here,
# or why not?


# %%
JUSTIFICATIONS["problem2"] = (
    None  # your justification, as a string (short lines: the PDF does not wrap them)
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
    None  # your proof, as a string (short lines: the PDF does not wrap them)
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
    raise NotImplementedError("D*(x) = p*(x) / (p*(x) + p_theta(x)), elementwise")


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
D_STAR_CASES["optimal_generator"] = None
# D*(x) when p_theta(x) = 0 and p*(x) != 0:
D_STAR_CASES["generator_misses"] = None
# D*(x) when p_theta(x) != 0 and p*(x) = 0:
D_STAR_CASES["generator_hallucinates"] = None
