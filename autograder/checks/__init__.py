"""Pure checks: an observation in, a `CheckResult` out. They never raise for a student's mistake.

Built-in kinds are in `checks.registry`; an assignment's own kinds (`checks.custom`, from the
`checks.py` beside its rubric) are passed to `run` by the caller, which has the assignment.

The registry (`checks.registry`) imports torch and scipy; it is loaded on first use, so that a
command can start its sandbox worker while the parent imports them.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping

from autograder.model import CheckResult, ProbeRecord

NAMES = ("forward_shape", "gradients_reach", "noise_structure", "pathwise_gradient", "variance_positive",
         "function_matches", "answer_equals",
         "module_matches", "logdet_matches_jacobian", "constraint_holds", "children_held", "stack_density",
         "samples_consistent", "samples_fresh", "gradients_reach_parameters", "answer_is", "samples_shaped")
# Bump a check's version when its verdict on the same observation can change: results record them.
VERSIONS: dict[str, str] = {name: "1" for name in NAMES} | {  # 2: judged from the outputs with invertible networks
    name: "2" for name in ("forward_shape", "gradients_reach", "noise_structure", "pathwise_gradient", "variance_positive")} | {
    name: "2" for name in ("module_matches", "logdet_matches_jacobian", "answer_is", "answer_equals", "function_matches")} | {"children_held": "3",
                                                                                                   "pathwise_gradient": "5",
                                                                                                   "gradients_reach_parameters": "2",
                                                                                                   "noise_structure": "3",
                                                                                                   "function_matches": "3",
                                                                                                   "answer_is": "3",
                                                                                                   "samples_shaped": "2"}
# module_matches, logdet_matches_jacobian 2: a log output also judged after exp; children_held 2: one object repeated
# fails, 3: a subclass of nn.ModuleList is one; answer_is 2: underscores and hyphens count as spaces; answer_equals 2:
# a one-element tensor is its number; function_matches 2: a float32 result is read as the reals within half an ulp;
# pathwise_gradient 3: equal within the reference's own uncertainty from the recovered noise's rounding;
# 4: that rounding in the arithmetic x~ was computed in (bfloat16/float16 values: CPU autocast);
# 5: a variance slope taken by differences (variance() without autograd) counts within its recorded spread;
# gradients_reach_parameters 2: sum(x) must also reach the parameters of the submission's own layers
# noise_structure 3: scaled noise tested only in the rows x~ determines to 1e-3 (a variance of a huge range within a row)
# answer_is 3: a power as the sheet prints it (D³) or as Python writes it (D**3) is D^3
# function_matches 3: the half ulp is the spacing below |got| (float32's max had read as any number, with an overflow)
# samples_shaped 2: log p off by the D = d normalising constant's difference fails (`fixed_dims`)


def preload(*, statistics: bool = True) -> None:
    """Import the checks now (e.g. in a thread, while a sandbox worker starts).

    `statistics`: scipy.stats too (0.5 s more); the statistical checks import it on first use anyway.
    """
    from autograder.checks import registry  # noqa: F401
    from autograder.probes import nets  # noqa: F401 - and torch with it

    if statistics:
        from autograder.checks import stats  # noqa: F401 - and scipy.stats with it


def run(name: str, record: ProbeRecord, args: dict, custom: Mapping[str, Callable[..., CheckResult]] | None = None) -> CheckResult:
    """Apply check `name` (built-in, else one of `custom`, the assignment's own kinds) to a probe record."""
    from autograder.checks.registry import lookup

    fn = lookup(name, custom)
    if fn is None:  # the assignment was validated at load time: a caller passed another assignment's kinds
        raise KeyError(f"no check kind {name!r} among the built-in ones or the assignment's own")
    return fn(record, **args)
