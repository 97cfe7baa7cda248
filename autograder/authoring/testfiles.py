"""assignment.toml's tests -> otter's exception-based test files, one per question.

A test case holds no grading logic: it asks `autograder.otter.verdicts.require_passed` for the
native grader's verdict on one test key of its assignment (named in the case, so that a notebook's
`grader.check` checks against its own assignment's rubric). When grading, that verdict comes from the results of the
isolated native grader; in a student's notebook, from `autograder check` on the notebook's code.
"""
from __future__ import annotations

from autograder.assignment import Assignment, TestSpec

_HEADER = '''"""{qid}: otter's view of the native grader's verdicts ({scope}).

Generated from assignments/{name}/assignment.toml by `autograder assign`; do not edit. The checks
run in the `autograder` package on the submission in its own process; each case reports one verdict.
"""
from otter.test_files import test_case

from autograder.otter.verdicts import require_passed

OK_FORMAT = False

name = "{qid}"
points = None
'''

_CASE = '''

@test_case(name={name!r}, points={points!r}, hidden={hidden!r})
def {func}(env):
    require_passed(env, {key!r}, {assignment!r})
'''


def question_file(assignment: Assignment, qid: str, *, public_only: bool) -> str | None:
    """The test file of question `qid`, or None when it has no test (in that selection)."""
    tests = [t for t in assignment.tests if t.question == qid and (t.visibility == "public" or not public_only)]
    if not tests:
        return None
    text = _HEADER.format(qid=qid, name=assignment.name, scope="public tests" if public_only else "all tests")
    for t in tests:
        text += _CASE.format(name=t.name, points=_points(t), hidden=t.visibility != "public",
                             func="test_" + t.key.split(".", 1)[1], key=t.key, assignment=assignment.name)
    return text


def question_files(assignment: Assignment, *, public_only: bool) -> dict[str, str]:
    """Question id -> test file text, for every question that has tests (in that selection)."""
    files = {q: question_file(assignment, q, public_only=public_only) for q in assignment.questions}
    return {q: text for q, text in files.items() if text is not None}


def _points(test: TestSpec) -> int | float:
    return int(test.points) if float(test.points).is_integer() else test.points
