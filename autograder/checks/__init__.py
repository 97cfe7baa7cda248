"""Pure checks: an observation in, a `CheckResult` out. They never raise for a student's mistake.

The registry (`checks.registry`) imports torch and scipy; it is loaded on first use, so that a
command can start its sandbox worker while the parent imports them.
"""
from __future__ import annotations

from autograder.model import CheckResult, ProbeRecord

NAMES = ("forward_shape", "gradients_reach", "noise_structure", "pathwise_gradient", "variance_positive",
         "function_matches", "answer_equals",
         "module_matches", "logdet_matches_jacobian", "constraint_holds", "children_held", "stack_density",
         "samples_consistent", "samples_fresh", "gradients_reach_parameters", "answer_is")
# Bump a check's version when its verdict on the same observation can change: results record them.
VERSIONS: dict[str, str] = {name: "1" for name in NAMES} | {  # 2: judged from the outputs with invertible networks
    name: "2" for name in ("forward_shape", "gradients_reach", "noise_structure", "pathwise_gradient", "variance_positive")}


def preload() -> None:
    """Import the checks now (e.g. in a thread, while a sandbox worker starts)."""
    from autograder.checks import registry, stats  # noqa: F401
    from autograder.probes import nets  # noqa: F401 - and torch with it


def run(name: str, record: ProbeRecord, args: dict) -> CheckResult:
    """Apply check `name` to a probe record."""
    from autograder.checks.registry import CHECKS

    return CHECKS[name](record, **args)
