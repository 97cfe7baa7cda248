"""Checks on module-level answers, and the text of hand-graded ones."""
from __future__ import annotations

import math

from autograder.checks.messages import error_text, observed
from autograder.model import AnswersObservation, CheckResult, Outcome, ProbeRecord, Value


def _value(record: ProbeRecord, answer: str) -> Value | CheckResult:
    obs = observed(record, answer, AnswersObservation)
    if isinstance(obs, CheckResult):
        return obs
    if answer in obs.values:
        return obs.values[answer]
    base, _, key = answer.partition("[")
    key = key.rstrip("]")
    parent = obs.values.get(base)
    if parent is None or parent.kind == "error":
        return CheckResult.fail(f"{base} is not defined", outcome=Outcome.ERROR)
    if parent.type_name != "dict":
        return CheckResult.fail(f"{base} is a {parent.type_name}, expected a dict with key {key!r}")
    return CheckResult.fail(f"{base} has no key {key!r}")


def shown(answer: str) -> str:
    """`NAME[key]` as Python would write it."""
    base, _, key = answer.partition("[")
    return f"{base}[{key.rstrip(']')!r}]" if key else base


def answer_equals(record: ProbeRecord, *, answer: str, expected: bool | float, tolerance: float = 0.0) -> CheckResult:
    """The answer is `expected`: a bool for yes/no answers, a number (within tolerance) otherwise."""
    value = _value(record, answer)
    if isinstance(value, CheckResult):
        return value
    name = shown(answer)
    if value.kind == "error":
        return CheckResult.fail(error_text(name, value.error), outcome=Outcome.ERROR) if value.error else CheckResult.fail(f"{name} could not be read")
    if isinstance(expected, bool):
        if value.kind != "bool":
            got = value.text if value.kind in ("str", "other") else value.type_name
            return CheckResult.fail(f"{name} is {got!r} ({value.type_name}); expected a bool, True or False")
        if bool(value.number) != expected:
            return CheckResult.fail(f"{name} is {bool(value.number)}, which is not right — ask whether the distribution being sampled depends on λ or ψ")
        return CheckResult.ok(f"{name} is right")
    number = value.scalar()
    if number is None or not math.isfinite(number):
        return CheckResult.fail(f"{name} is a {value.type_name} ({value.text or ''}); expected a number")
    if abs(number - float(expected)) > tolerance:
        return CheckResult.fail(f"{name} is {number:g}, which is not the value of D* in that case (a probability in [0, 1])")
    return CheckResult.ok(f"{name} is right")


def answer_text(record: ProbeRecord, answer: str) -> tuple[str, bool]:
    """The text of a hand-graded answer for the grader to read, and whether it is a non-empty string."""
    value = _value(record, answer)
    name = shown(answer)
    if isinstance(value, CheckResult):
        return f"{value.message} — nothing to grade.", False
    if value.kind == "str" and value.text and value.text.strip():
        return value.text, True
    shown_value = f" It holds: {value.text}" if value.kind == "other" and value.text else ""  # e.g. a tuple of strings
    return f"{name} is {'an empty string' if value.kind == 'str' else 'a ' + value.type_name}: expected a written answer.{shown_value}", False
