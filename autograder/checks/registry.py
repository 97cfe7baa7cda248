"""Check names, as an assignment file refers to them, and their functions."""
from __future__ import annotations

from collections.abc import Callable

from autograder.checks import NAMES, answers, autoencoder, function
from autograder.model import CheckResult

CHECKS: dict[str, Callable[..., CheckResult]] = {
    "forward_shape": autoencoder.forward_shape,
    "gradients_reach": autoencoder.gradients_reach,
    "noise_structure": autoencoder.noise_structure,
    "pathwise_gradient": autoencoder.pathwise_gradient,
    "variance_positive": autoencoder.variance_positive,
    "function_matches": function.function_matches,
    "answer_equals": answers.answer_equals,
}
assert tuple(CHECKS) == NAMES, "keep checks.NAMES in step with the registry"
