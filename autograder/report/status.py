"""A submission's status, decided once by `api.judge` and carried in its results file as a typed field.

`extra_data["status"]` holds one of `Status`'s values. Nothing reads a status from message text:
a results file written before this field existed gets its status from the tests' outcomes (a
grader error is visible there; a load failure is not, and such a file reads as `ok` until rescored).
"""
from __future__ import annotations

from enum import Enum

from autograder.model import Outcome
from autograder.report.results import GradescopeResults

FIELD = "status"
MISSING_MODULE = "missing_module"  # extra_data: the module a submission could not import (see `missing_module`)


class Status(str, Enum):
    """Whether the submission could be graded, and whose fault it is when not."""

    OK = "ok"
    LOAD_ERROR = "load_error"  # the student's file could not be read, parsed or imported
    GRADER_ERROR = "grader_error"  # ours: the grader or its environment failed


def status_of(results: GradescopeResults) -> Status:
    """The status `judge` recorded (validated); for older files, from the tests' outcomes."""
    recorded = results.extra_data.get(FIELD)
    if recorded is not None:
        return Status(recorded)
    if any(t.extra_data.get("outcome") == Outcome.GRADER_ERROR.value for t in results.tests):
        return Status.GRADER_ERROR
    return Status.OK


def missing_module(results: GradescopeResults) -> str | None:
    """The module whose import stopped the submission at load, if that was the cause.

    Whose fault it is cannot be told from here: a module of the student's own that was not handed in, or a
    package the grading environment lacks. The batch names these modules to the instructor, and a later
    `grade` runs such a submission again instead of reusing its result (the environment may have it by then).
    """
    name = results.extra_data.get(MISSING_MODULE)
    return name if isinstance(name, str) else None
