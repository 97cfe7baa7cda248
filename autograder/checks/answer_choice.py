"""A module-level answer that is one of a few choices: a bool, or a string from a fixed list."""
from __future__ import annotations

import re

from autograder.checks.answers import _value, shown
from autograder.checks.messages import error_text
from autograder.model import CheckResult, Outcome, ProbeRecord


_SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_POWER = re.compile(f"[{_SUPERSCRIPT}]+")
_DIGITS = str.maketrans(_SUPERSCRIPT, "0123456789")


def _norm(text: str) -> str:
    """Without case, spaces, underscores or hyphens: "Variational inference" is "variational_inference"; a power
    written as the sheet prints it (D³) or as Python does (D**3) is D^3."""
    text = _POWER.sub(lambda m: "^" + m.group().translate(_DIGITS), text).replace("**", "^")
    return "".join(text.replace("_", " ").replace("-", " ").split()).lower()


def answer_is(record: ProbeRecord, *, answer: str, expected: bool | str, choices: list[str] = (),  # type: ignore[assignment]
              hint: str = "") -> CheckResult:
    """The answer is `expected`; strings compare without case, spaces, underscores or hyphens and must be one of `choices`.

    `hint` (from the rubric) is what a wrong choice is told to reconsider.
    """
    value = _value(record, answer)
    if isinstance(value, CheckResult):
        return value
    name = shown(answer)
    if value.kind == "error":
        return CheckResult.fail(error_text(name, value.error) if value.error else f"{name} could not be read", outcome=Outcome.ERROR)
    tail = f" — {hint}" if hint else ""
    if isinstance(expected, bool):
        if value.kind != "bool":
            return CheckResult.fail(f"{name} is {'None' if value.kind == 'none' else value.text or value.type_name}; expected True or False")
        return CheckResult.ok(f"{name} is right") if bool(value.number) == expected else CheckResult.fail(
            f"{name} is {bool(value.number)}, which is not right{tail}")
    if value.kind != "str" or value.text is None:
        return CheckResult.fail(f"{name} is a {value.type_name}; expected one of {', '.join(map(repr, choices))}")
    if choices and _norm(value.text) not in {_norm(c) for c in choices}:
        return CheckResult.fail(f"{name} is {value.text[:60]!r}; expected one of {', '.join(map(repr, choices))}")
    return CheckResult.ok(f"{name} is right") if _norm(value.text) == _norm(expected) else CheckResult.fail(
        f"{name} is {value.text[:60]!r}, which is not right{tail}")
