"""The native grader's verdicts, as otter's test cases see them.

Every generated otter test case is one line, `require_passed(env, "<key>")`: it raises (the test
case fails, with the native grader's message) unless the native grader passed that test. Where
the verdicts come from depends on who runs the test case:

- grading (`otter run`, Gradescope): the plugin puts the results of the isolated native grader in
  `env[VERDICTS]`;
- a student's `grader.check("<question>")`: nothing is in `env`, so the saved notebook is checked with
  `autograder check` in a separate process (see `autograder.otter.student`).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

VERDICTS = "__autograder_verdicts__"  # the name under which the plugin passes verdicts in `env`
NOTEBOOK_KEY = "autograder"  # a handed-out notebook's metadata[NOTEBOOK_KEY]["assignment"] names its assignment
PASSED, FAILED = "passed", "failed"  # `autograder.model.Outcome` values; not imported: this module stays light


@dataclass(frozen=True)
class Verdict:
    """One native test's outcome."""

    key: str
    score: float
    max_score: float
    outcome: str
    message: str

    @property
    def passed(self) -> bool:
        return self.outcome == PASSED


@dataclass(frozen=True)
class Verdicts:
    """The verdicts of one native run, by test key."""

    by_key: Mapping[str, Verdict]
    source: str  # what produced them, for messages ("the native grader", "autograder check")

    @classmethod
    def of(cls, verdicts: Iterable[Verdict], source: str) -> "Verdicts":
        return cls(by_key=MappingProxyType({v.key: v for v in verdicts}), source=source)

    @classmethod
    def from_results(cls, results: Mapping[str, Any], source: str = "the native grader") -> "Verdicts":
        """From a native results.json (Gradescope format; each test's key is in `extra_data`)."""
        out = []
        for t in results.get("tests", []):
            extra = t.get("extra_data") or {}
            if "key" in extra:
                out.append(Verdict(key=extra["key"], score=float(t.get("score", 0.0)), max_score=float(t.get("max_score", 0.0)),
                                   outcome=extra.get("outcome", FAILED), message=t.get("output", "")))
        return cls.of(out, source)

    def require(self, key: str) -> None:
        """Return if `key` passed; raise AssertionError with the native message otherwise."""
        verdict = self.by_key.get(key)
        if verdict is None:
            raise AssertionError(f"{key}: {self.source} reported no result for this test")
        if not verdict.passed:
            raise AssertionError(verdict.message or f"{key}: failed")


def require_passed(env: Mapping[str, Any], key: str, assignment: str | None = None) -> None:
    """The body of every generated otter test case: pass iff the native grader passed `key`.

    `assignment` (named by the generated case) is the rubric a student's `grader.check` runs.
    """
    verdicts = env.get(VERDICTS)
    if not isinstance(verdicts, Verdicts):
        from autograder.otter import student  # only in a student's notebook

        verdicts = student.verdicts_for(env, key.split(".", 1)[0], assignment)
    verdicts.require(key)
