# Sheet 03 -- a script laid out for reproducible runs: `torch.use_deterministic_algorithms(True)`,
# cudnn flags, CUBLAS_WORKSPACE_CONFIG, `logging.basicConfig` with a module logger used inside forward,
# `warnings.filterwarnings("ignore")`, `torch.set_printoptions(...)`, and a short training run under
# `if __name__ == "__main__":` (not run when the file is imported).
# Source of the style: pytorch/pytorch `docs/source/notes/randomness.rst` (deterministic algorithms,
# CUBLAS_WORKSPACE_CONFIG) and pytorch/examples `vae/main.py` (main block); written for this sheet, not copied.
import logging
import os
import warnings

os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")

import torch
import torch.nn as nn
import torch.nn.functional as F

warnings.filterwarnings("ignore")
logging.basicConfig(level=logging.DEBUG, format="%(asctime)s %(name)s %(levelname)s %(message)s")
logger = logging.getLogger("sheet03")

torch.use_deterministic_algorithms(True)
torch.backends.cudnn.deterministic = True
torch.backends.cudnn.benchmark = False
torch.set_printoptions(precision=3, sci_mode=False, linewidth=120)


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        noise = torch.randn_like(x)
        logger.debug("Model1: batch %s, noise std %.3f", tuple(x.shape), float(noise.std()))
        return self.f(self.g(x + noise))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        h = self.g(x)
        z = h + torch.randn_like(h)
        logger.debug("Model2: latent mean %s", h.detach().mean(0))
        return self.f(z)


class Model3(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        h = self.g(x)
        return self.f(h + torch.randn_like(h))


class Problem2Model(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def variance(self, h):
        return torch.exp(h)

    def forward(self, x):
        h = self.g(x)
        eps = torch.randn_like(h)
        logger.info("Problem2Model: variance in [%.3g, %.3g]", float(self.variance(h).min()), float(self.variance(h).max()))
        return self.f(torch.exp(0.5 * h) * eps)

REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}
JUSTIFICATIONS = {
    "model1": "The noise is drawn on the input and does not depend on lambda or psi; plain sampling is fine.",
    "model2": "z ~ N(g(x), I) depends on lambda through its mean: write z = g(x) + eps to pass a gradient to lambda.",
    "model3": "z ~ N(0, I) has no parameters; f(h + z) is already differentiable in lambda and psi.",
    "problem2": "The variance depends on lambda: z = sqrt(variance(h)) * eps is differentiable, sampling is not.",
}
PROBLEM2_ISSUE = "The encoder output can be zero or negative, but it is used as a variance, which must be positive."


def optimal_discriminator(p_star, p_theta):
    """D*(x) = p*(x) / (p*(x) + p_theta(x)), elementwise."""
    return p_star / (p_star + p_theta)


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}
PROOF_3A = "For fixed x, a log D + b log(1 - D) with a = p*(x), b = p_theta(x) is maximal at D = a / (a + b)."


def _train(model, x, steps=200):
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for step in range(steps):
        loss = ((x - model(x)) ** 2).sum(1).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 50 == 0:
            logger.info("step %d loss %.4f", step, loss.item())


if __name__ == "__main__":
    torch.manual_seed(0)
    D, L = 8, 2
    g = nn.Sequential(nn.Linear(D, 32), nn.Tanh(), nn.Linear(32, L))
    f = nn.Sequential(nn.Linear(L, 32), nn.Tanh(), nn.Linear(32, D))
    x = torch.randn(1000, D)
    for cls in (Model1, Model2, Model3, Problem2Model):
        _train(cls(g, f), x)
