"""The files grading writes, as pydantic models: Gradescope results, stored observations, gradebook."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from autograder.model import Frozen, Outcome, RunRecord, TestResult, Visibility
from autograder.report.files import write_atomic
from autograder.report.safe_text import safe_cell


class Provenance(Frozen):
    """What produced a results file: "why did my score change?" starts here."""

    grader_version: str
    assignment: str
    rubric_hash: str
    probe_fingerprint: str
    check_versions: dict[str, str]
    produced_by: Literal["run", "rescore"]
    submission: str
    sha256: str | None
    graded_at: str
    isolation: str = ""
    observations_sha256: str | None = None  # of the stored observations file this was scored from

    @staticmethod
    def now() -> str:
        return datetime.now(timezone.utc).isoformat(timespec="seconds")


class GradescopeTest(BaseModel):
    """One entry of Gradescope's `tests` list."""

    model_config = ConfigDict(extra="forbid")
    name: str
    score: float
    max_score: float
    output: str
    visibility: Visibility
    status: Literal["passed", "failed"] | None = None
    extra_data: dict[str, str] = {}


class GradescopeResults(BaseModel):
    """Gradescope's results.json, with the top-level score that otter run leaves out."""

    model_config = ConfigDict(extra="forbid")
    score: float
    max_score: float
    output: str = ""
    visibility: Visibility = Visibility.VISIBLE
    stdout_visibility: Visibility = Visibility.HIDDEN
    tests: list[GradescopeTest]
    extra_data: dict = Field(default_factory=dict)

    def question_scores(self) -> dict[str, float]:
        """Score per question id, from the tests' extra data."""
        out: dict[str, float] = {}
        for t in self.tests:
            q = t.extra_data.get("question")
            if q:
                out[q] = out.get(q, 0.0) + t.score
        return out

    def provenance(self) -> Provenance:
        return Provenance.model_validate(self.extra_data["provenance"])


def gradescope(tests: list[TestResult], provenance: Provenance, *, summary: str = "") -> GradescopeResults:
    """Build the results file from scored tests."""
    entries = []
    for t in tests:
        status = None if t.outcome == Outcome.MANUAL else ("passed" if t.outcome == Outcome.PASSED else "failed")
        entries.append(GradescopeTest(name=t.name, score=t.score, max_score=t.max_score, output=t.output,
                                      visibility=t.visibility, status=status,
                                      extra_data={"key": t.key, "question": t.question, "outcome": t.outcome.value}))
    instructor = {t.key: t.detail for t in tests if t.detail}
    extra = {"provenance": provenance.model_dump()}
    if instructor:
        extra["grader_errors"] = instructor  # hidden from students: Gradescope does not show extra_data
    return GradescopeResults(score=sum(t.score for t in tests), max_score=sum(t.max_score for t in tests),
                             output=summary, tests=entries, extra_data=extra)


class StoredObservations(Frozen):
    """Everything the child recorded for one submission: enough to rescore without running it."""

    format: Literal[1] = 1
    submission: str
    sha256: str | None
    assignment: str
    probe_fingerprint: str
    load_failure: str | None = None
    grader_error: str | None = None  # our fault, not the student's: never reused, always rerun
    run: RunRecord | None = None


class GradebookRow(Frozen):
    """One row of gradebook.csv."""

    submission: str
    file: str
    score: float
    max_score: float
    questions: dict[str, float]
    status: str


def write_json(path: Path, model: BaseModel) -> None:
    write_atomic(path, model.model_dump_json(indent=1))


def write_gradebook(path: Path, rows: list[GradebookRow], questions: list[str]) -> None:
    """gradebook.csv: one row per submission, one column per question; text cells never run as formulas."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["submission", "file", *questions, "score", "max_score", "status"])
    for r in sorted(rows, key=lambda r: r.submission):
        w.writerow([safe_cell(r.submission), safe_cell(r.file), *(_num(r.questions.get(q, 0.0)) for q in questions),
                    _num(r.score), _num(r.max_score), r.status])
    write_atomic(path, buf.getvalue())


def read_gradebook(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


def _num(x: float) -> str:
    return f"{x:g}"
