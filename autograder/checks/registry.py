"""Check names, as an assignment file refers to them, and their functions; and the validation of both.

Built-in kinds are listed here; an assignment may add kinds of its own (`checks.custom`), passed
as `custom` (name -> function) and validated the same way.
"""
from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import ConfigDict, ValidationError, create_model

from autograder.checks import NAMES, answer_choice, answers, autoencoder, function, module
from autograder.model import CheckResult

CHECKS: dict[str, Callable[..., CheckResult]] = {
    "forward_shape": autoencoder.forward_shape,
    "gradients_reach": autoencoder.gradients_reach,
    "noise_structure": autoencoder.noise_structure,
    "pathwise_gradient": autoencoder.pathwise_gradient,
    "variance_positive": autoencoder.variance_positive,
    "function_matches": function.function_matches,
    "answer_equals": answers.answer_equals,
    "module_matches": module.module_matches,
    "logdet_matches_jacobian": module.logdet_matches_jacobian,
    "constraint_holds": module.constraint_holds,
    "children_held": module.children_held,
    "stack_density": module.stack_density,
    "samples_consistent": module.samples_consistent,
    "samples_fresh": module.samples_fresh,
    "gradients_reach_parameters": module.gradients_reach_parameters,
    "answer_is": answer_choice.answer_is,
    "samples_shaped": module.samples_shaped,
}
assert tuple(CHECKS) == NAMES, "keep checks.NAMES in step with the registry"


def arguments_model(fn: Callable[..., CheckResult]) -> type:
    """A pydantic model of a check's arguments after the record: its signature, extra names forbidden."""
    hints = typing.get_type_hints(fn)
    fields: dict[str, Any] = {}
    for i, (name, param) in enumerate(inspect.signature(fn).parameters.items()):
        if i == 0 or param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue  # the probe record, passed by the grader
        default = ... if param.default is param.empty else param.default
        fields[name] = (hints.get(name, Any), default)
    return create_model(f"{fn.__name__}_args", __config__=ConfigDict(extra="forbid", strict=True), **fields)


def lookup(check: str, custom: Mapping[str, Callable[..., CheckResult]] | None = None) -> Callable[..., CheckResult] | None:
    """The function of check kind `check`: a built-in one, else one of the assignment's own, else None."""
    return CHECKS.get(check) or (custom or {}).get(check)


def argument_errors(check: str, args: dict[str, Any], custom: Mapping[str, Callable[..., CheckResult]] | None = None) -> str | None:
    """Why `check` with `args` cannot run (unknown check, unknown/missing/mistyped argument), or None."""
    fn = lookup(check, custom)
    if fn is None:
        own = f"; the assignment's own: {', '.join(sorted(custom))}" if custom else ""
        return f"unknown check {check!r} (built-in checks: {', '.join(sorted(CHECKS))}{own})"
    try:
        arguments_model(fn).model_validate(args)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"]) or "arguments"
            what = "unknown argument" if err["type"] == "extra_forbidden" else err["msg"].lower()
            problems.append(f"{where}: {what}")
        own = "" if check in CHECKS else ", the assignment's own kind"
        return f"check {check!r}: " + "; ".join(problems) + f" (its arguments{own}: {_signature_text(fn)})"
    return None


def _signature_text(fn: Callable[..., CheckResult]) -> str:
    params = list(inspect.signature(fn, eval_str=True).parameters.values())[1:]
    return ", ".join(str(p) for p in params) or "none"
