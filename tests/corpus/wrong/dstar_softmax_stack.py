# Sheet 03 -- D* as the classifier's posterior p / (p + q) (the view of NeuromatchAcademy/course-content-dl
# `tutorials/W2D5_GenerativeModels/solutions/W2D5_Tutorial2_Solution_8deffd75.py`, `ratio_disc`), computed as a softmax
# over the two classes' log densities stacked on a new axis: `torch.stack` needs equal shapes, so broadcastable
# densities (5, 1) and (1, 4) raise. Everything else correct. Written for this sheet, not copied.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Model1(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        return self.f(self.g(x + torch.randn_like(x)))


class Model2(nn.Module):
    def __init__(self, g, f):
        super().__init__()
        self.g, self.f = g, f

    def forward(self, x):
        h = self.g(x)
        return self.f(h + torch.randn_like(h))


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
        return F.softplus(h) + 1e-6

    def forward(self, x):
        h = self.g(x)
        return self.f(torch.sqrt(self.variance(h)) * torch.randn_like(h))


REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}
JUSTIFICATIONS = {
    "model1": "No: the noise law does not depend on lambda or psi.",
    "model2": "Yes: the mean of z is g(x).",
    "model3": "No: z ~ N(0, I) is fixed, h enters additively.",
    "problem2": "Yes: the variance depends on lambda.",
}
PROBLEM2_ISSUE = "diag(h) needs h > 0, but the encoder's linear output can be negative or zero."


def optimal_discriminator(p_star, p_theta):
    """D* as the posterior of a two-class classifier: softmax over the classes (data, generator) of their log densities."""
    p_star, p_theta = torch.as_tensor(p_star, dtype=torch.float32), torch.as_tensor(p_theta, dtype=torch.float32)
    logits = torch.stack([torch.log(p_star), torch.log(p_theta)], dim=0)   # class axis first
    return torch.softmax(logits, dim=0)[0]


D_STAR_CASES = {"optimal_generator": 0.5, "generator_misses": 1.0, "generator_hallucinates": 0.0}
PROOF_3A = "Pointwise: a log y + b log(1 - y) is maximal at y = a / (a + b), a = p*(x), b = p_theta(x)."
