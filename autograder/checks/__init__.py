"""Pure checks: an observation in, a `CheckResult` out. They never raise for a student's mistake."""
from __future__ import annotations

from collections.abc import Callable

from autograder.checks import answers, autoencoder, function
from autograder.model import CheckResult, ProbeRecord

Check = Callable[..., CheckResult]

CHECKS: dict[str, Check] = {
    "forward_shape": autoencoder.forward_shape,
    "gradients_reach": autoencoder.gradients_reach,
    "noise_structure": autoencoder.noise_structure,
    "pathwise_gradient": autoencoder.pathwise_gradient,
    "variance_positive": autoencoder.variance_positive,
    "function_matches": function.function_matches,
    "answer_equals": answers.answer_equals,
}
# Bump a check's version when its verdict on the same observation can change: results record them.
VERSIONS: dict[str, str] = {name: "1" for name in CHECKS}


def run(name: str, record: ProbeRecord, args: dict) -> CheckResult:
    """Apply check `name` to a probe record."""
    return CHECKS[name](record, **args)
