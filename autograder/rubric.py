"""Points from check results. A crash anywhere still yields a full list of tests."""
from __future__ import annotations

import traceback

from autograder import checks
from autograder.assignment import Assignment, TestSpec
from autograder.model import CheckResult, Outcome, ProbeError, ProbeRecord, TestResult, Visibility


def _check(test: TestSpec, record: ProbeRecord | None, own: dict) -> CheckResult:
    """`test`'s check on its record; `own`: the assignment's own check kinds (name -> function)."""
    if record is None:
        return CheckResult.fail(f"{test.key}: not observed", outcome=Outcome.ERROR)
    try:
        return checks.run(test.check, record, test.args, own)
    except Exception as exc:  # noqa: BLE001 - one check must not cost the batch
        trace = traceback.format_exc(limit=8)
        if test.check in own:  # the assignment's own kind: its author's code, not fuzzed as the built-in kinds are
            return CheckResult(passed=False, outcome=Outcome.GRADER_ERROR, detail=f"checks.py kind {test.check!r} raised:\n{trace}",
                               message="grader error: this test could not be checked; your instructor has been told")
        # A built-in kind raised on a record that passed verification (sandbox/verify.py): on values only the
        # submission's code determined (tests/test_checks_on_forged_values.py: no honest or forged value a
        # verification lets through makes one raise), so the submission's fault (issue 20). The traceback is kept
        # for the instructor, who can tell a bug of the check from a hostile observation.
        return CheckResult(
            passed=False, outcome=Outcome.ERROR,
            message=(f"{test.key}: the values your code produced could not be judged ({type(exc).__name__}); "
                     "check that it returns finite tensors of the expected shapes"),
            detail=f"check {test.check!r} raised on this submission's observations "
                   f"(a grader bug if the submission is honest):\n{trace}")


def score(assignment: Assignment, records: dict[str, ProbeRecord], *, public_only: bool = False,
          grader_error: str | None = None) -> list[TestResult]:
    """Every test of the assignment, in rubric order, scored from the probe records."""
    results: list[TestResult] = []
    own = assignment.custom_kinds()
    for test in assignment.tests:
        if public_only and test.visibility != "public":
            continue
        if grader_error is not None:
            res = CheckResult(passed=False, outcome=Outcome.GRADER_ERROR, detail=grader_error,
                              message="grader error: this submission could not be graded; your instructor has been told")
        else:
            res = _check(test, records.get(test.probe), own)
        results.append(TestResult(
            key=test.key, name=test.name, question=test.question, max_score=test.points,
            score=test.points if res.passed else 0.0, visibility=test.gradescope_visibility,
            outcome=res.outcome if not res.passed else Outcome.PASSED, output=res.message, detail=res.detail))
    if public_only:
        return results
    for item in assignment.manual:
        record = records.get(item.probe)
        from autograder.checks.answers import answer_text  # numpy only; imported with the checks

        if record is None:
            text, _ = "not observed", False
        else:
            text, _ = answer_text(record, item.answer)
        results.append(TestResult(
            key=item.key, name=item.name, question=item.key.split(".", 1)[0], score=0.0, max_score=0.0,
            visibility=Visibility.VISIBLE, outcome=Outcome.MANUAL,
            output=f"Pending manual grading. The answer:\n{text}"))
    return results


def load_failure_records(assignment: Assignment, message: str) -> dict[str, ProbeRecord]:
    """Every probe failed the same way (the file could not even be loaded)."""
    err = ProbeError(kind="load", message=message)
    return {p.id: ProbeRecord(probe=p.id, error=err) for p in assignment.probes}
