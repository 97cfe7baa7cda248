"""A submission that does not even parse: it loses its automatic points, never the batch."""
import torch

REPARAM_NEEDED = {"model1": False, "model2": True, "model3": False, "problem2": True}


class Model1(torch.nn.Module):
    def __init__(self, g, f)
        super().__init__()
        self.g, self.f = g, f
