# %% [markdown]
# # Sheet 03 (percent script)
# Jupytext / VS Code percent format with cell magics left raw: a `%%capture` install cell and a `%%time` cell
# that defines Model2. Source of the style: mwouts/jupytext `docs/formats-scripts.md` (percent format);
# written for this sheet, not copied.

# %%
%%capture
!pip install -q torchinfo

# %%
import torch
import torch.nn as nn
import torch.nn.functional as F

# %%


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        z = x.add(torch.randn_like(x), alpha=1.0)          # x + 1.0 * eps
        return self.f(self.g(z))


# %%
%%time
class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        h = self.g(x)
        eps = torch.empty_like(h).normal_()
        z = torch.lerp(h, h + eps, 1.0)                    # h + 1.0 * ((h + eps) - h)
        return self.f(z)


# %%
class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        h = self.g(x)
        return self.f(torch.add(h, torch.randn(h.shape, dtype=h.dtype)))


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def variance(self, h):
        return F.softplus(h).add(1e-5)

    def forward(self, x):
        h = self.g(x)
        std = self.variance(h).sqrt()
        z = torch.zeros_like(h).addcmul(std, torch.randn_like(std))   # 0 + std * eps
        return self.f(z)


def optimal_discriminator(p_star, p_theta):
    return torch.true_divide(torch.as_tensor(p_star), torch.as_tensor(p_star).add(p_theta)) \
        if isinstance(p_star, torch.Tensor) or isinstance(p_theta, torch.Tensor) else p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}
JUSTIFICATIONS = {
    "model1": "The noise enters before the encoder and its law has no parameters.",
    "model2": "z ~ N(g(x), I) depends on lambda: write z = g(x) + eps.",
    "model3": "N(0, I) has no parameters; h enters f directly.",
    "problem2": "The variance depends on lambda: z = sqrt(var(h)) * eps.",
}
PROBLEM2_ISSUE = "The encoder output can be negative or zero, but it is used as a variance."
PROOF_3A = "For each x maximise p* log D + p_theta log(1 - D): the maximum is at D = p* / (p* + p_theta)."
