# %% [markdown]
# # Sheet 03: VAE & GAN
# Exported with VS Code's "Export as Python Script" (Jupyter extension): `# %%` cells,
# markdown as comments, IPython lines (`!pip`, `%matplotlib`) kept as they were (percent-format scripts with
# raw `!pip install` lines are common in public repositories, found with the code search); the models are
# tests/corpus/correct/noise_under_no_grad_inference.py's. Written for this sheet, not copied.

# %%
!pip install -q torchinfo

# %%
%matplotlib inline
import torch
import torch.nn as nn



# %%
def reparameterize(mu, std, seed=None):
    """mu + std * eps with eps ~ N(0, I); `seed` only for reproducible figures."""
    with torch.no_grad():
        if seed is None:
            eps = torch.randn_like(std)
        else:
            gen = torch.Generator(device=std.device).manual_seed(seed)
            eps = torch.randn(std.shape, generator=gen, device=std.device, dtype=std.dtype)
    return eps.mul(std).add_(mu)


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        with torch.no_grad():
            noise = torch.randn_like(x)
        return self.f(self.g(x + noise))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        h = self.g(x)
        with torch.inference_mode():
            eps = torch.randn(h.shape, dtype=h.dtype)
        return self.f(h + eps)


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        h = self.g(x)
        z = reparameterize(torch.zeros_like(h), torch.ones_like(h))  # z ~ N(0, I), no parameters
        return self.f(h + z)


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def variance(self, h):
        return nn.functional.softplus(h) + 1e-5

    def forward(self, x, seed=None):
        h = self.g(x)
        z = reparameterize(torch.zeros_like(h), self.variance(h).sqrt(), seed=seed)
        return self.f(z)



# %% [markdown]
# ## Answers

# %%
REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}
JUSTIFICATIONS = {
    "model1": "The noise has no parameters, so no gradient needs to pass through the draw.",
    "model2": "z ~ N(h, I) depends on lambda through h: sample h + eps instead.",
    "model3": "The draw z ~ N(0, I) is parameter free.",
    "problem2": "The draw's scale depends on lambda: sample sqrt(var) * eps instead.",
}
PROBLEM2_ISSUE = "Using h directly as a variance fails when h <= 0: the normal distribution is then undefined."


def optimal_discriminator(p_star, p_theta):
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}
PROOF_3A = "For each x maximise a log D + b log(1 - D): D = a / (a + b) with a = p*(x), b = p_theta(x)."
