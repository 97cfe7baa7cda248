"""Class statistics from a grades folder: per-question numbers, common failures, what a rescore changed.

Pure functions over validated results files; no plotting, no HTML (those are `plots` and `html`).
Definitions used everywhere in the report:

* a question's score is the sum of its tests' scores; its maximum the sum of their `max_score`;
* pass rate: the fraction of submissions with full marks on the question;
* a failure is a test that lost points (outcome failed, error or grader_error); failures group by
  question and by their message with every number replaced by `#` (the grouping key; the page
  shows one real message of the group), and count submissions (those that could not be loaded
  at all are counted apart, by their status, which `api.judge` records as a typed field).
"""
from __future__ import annotations

import math
import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from pydantic import ValidationError

from autograder.model import Outcome, Visibility
from autograder.report.results import GradescopeResults, GradescopeTest
from autograder.report.status import FIELD as STATUS_FIELD
from autograder.report.status import Status, status_of

FAILED = {Outcome.FAILED.value, Outcome.ERROR.value, Outcome.GRADER_ERROR.value}
_NUMBER = re.compile(r"(?<![A-Za-z_0-9.])[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


class Stage(str, Enum):
    """What a student may see, after Gradescope's visibility values (each stage shows the ones before)."""

    SUBMISSION = "submission"  # before the due date: `visible` tests only
    AFTER_DUE_DATE = "after_due_date"  # also `after_due_date` tests
    PUBLISHED = "published"  # grades published (after the due date): also `after_published` tests
    ALL = "all"  # the instructor's view: `hidden` tests too


_RELEASED_AT = {Visibility.VISIBLE: 0, Visibility.AFTER_DUE_DATE: 1, Visibility.AFTER_PUBLISHED: 2, Visibility.HIDDEN: 3}
_STAGE_LEVEL = {Stage.SUBMISSION: 0, Stage.AFTER_DUE_DATE: 1, Stage.PUBLISHED: 2, Stage.ALL: 3}


def released(visibility: Visibility, stage: Stage) -> bool:
    """Whether a test (or output) of this visibility is shown to the student at this stage."""
    return _RELEASED_AT[Visibility(visibility)] <= _STAGE_LEVEL[stage]


@dataclass(frozen=True)
class Submission:
    """One results file: the student id is the file stem."""

    stem: str
    results: GradescopeResults

    @property
    def status(self) -> str:
        """`grader_error`, `load_error` or `ok`: the status `judge` recorded (as in the gradebook)."""
        return status_of(self.results).value

    @property
    def produced_by(self) -> str:
        """`run` or `rescore`, from the provenance ("" when it has none)."""
        return str(self.results.extra_data.get("provenance", {}).get("produced_by", ""))


def load_results(grades_dir: Path) -> tuple[list[Submission], list[str]]:
    """Every `<stem>.json` results file in the folder, sorted by stem, and the files that are not one."""
    subs, problems = [], []
    for path in sorted(grades_dir.glob("*.json")):
        try:
            subs.append(Submission(path.stem, GradescopeResults.model_validate_json(path.read_text())))
        except (OSError, ValidationError, ValueError) as exc:
            problems.append(f"{path.name}: not a results file ({type(exc).__name__})")
    return subs, problems


def question_of(test: GradescopeTest) -> str:
    """The question id of a test: its extra data, else the name's first word (the contract's rule)."""
    return test.extra_data.get("question") or re.split(r"[\s:]", test.name, maxsplit=1)[0]


def is_manual(test: GradescopeTest) -> bool:
    """A hand-graded item (no automatic points)."""
    return test.extra_data.get("outcome") == Outcome.MANUAL.value


def questions(subs: Iterable[Submission]) -> list[str]:
    """Question ids with automatic points, in the order the tests list them."""
    seen: dict[str, None] = {}
    for s in subs:
        for t in s.results.tests:
            if t.max_score > 0 and not is_manual(t):
                seen.setdefault(question_of(t), None)
    return list(seen)


def question_scores(results: GradescopeResults) -> dict[str, tuple[float, float]]:
    """(score, max) per question."""
    out: dict[str, tuple[float, float]] = {}
    for t in results.tests:
        s, m = out.get(question_of(t), (0.0, 0.0))
        out[question_of(t)] = (s + t.score, m + t.max_score)
    return out


def full_marks(score: float, max_score: float) -> bool:
    """Equal up to float rounding: partial points add up to sums like 0.1 + 0.2."""
    return math.isclose(score, max_score, rel_tol=0, abs_tol=1e-9)


@dataclass(frozen=True)
class QuestionStats:
    """One question across the class."""

    question: str
    max_score: float
    n: int
    mean: float
    median: float
    passed: int  # submissions with full marks

    @property
    def pass_rate(self) -> float:
        """The share of submissions with full marks."""
        return self.passed / self.n if self.n else 0.0


def question_stats(subs: list[Submission], qids: list[str]) -> list[QuestionStats]:
    """Mean, median and pass rate per question (a submission without the question's tests scores 0)."""
    out = []
    for q in qids:
        pairs = [question_scores(s.results).get(q, (0.0, 0.0)) for s in subs]
        top = max((m for _, m in pairs), default=0.0)
        scores = [s for s, _ in pairs]
        out.append(QuestionStats(question=q, max_score=top, n=len(scores),
                                 mean=statistics.fmean(scores) if scores else 0.0,
                                 median=statistics.median(scores) if scores else 0.0,
                                 passed=sum(full_marks(s, top) for s in scores)))
    return out


def normalise(message: str) -> str:
    """The message with every number replaced by `#` and spaces collapsed: the same mistake, one text."""
    return " ".join(_NUMBER.sub("#", message).split())


@dataclass(frozen=True)
class FailureGroup:
    """One kind of failure on one question."""

    question: str
    message: str  # normalised
    count: int  # submissions that got it
    tests: tuple[str, ...]  # the test keys it appeared on
    example: str  # one original message
    submissions: tuple[str, ...]


def common_failures(subs: list[Submission], *, top: int = 5) -> dict[str, list[FailureGroup]]:
    """The `top` most frequent failure messages per question, most submissions first.

    Submissions that could not be loaded are left out: every test of theirs fails the same way, and
    the report lists them on their own.
    """
    groups: dict[tuple[str, str], dict] = {}
    for s in subs:
        if s.status == Status.LOAD_ERROR.value:
            continue
        for t in s.results.tests:
            if t.extra_data.get("outcome") not in FAILED or full_marks(t.score, t.max_score):
                continue
            key = (question_of(t), normalise(t.output))
            g = groups.setdefault(key, {"subs": set(), "tests": set(), "example": t.output})
            g["subs"].add(s.stem)
            g["tests"].add(t.extra_data.get("key", t.name))
    by_q: dict[str, list[FailureGroup]] = {}
    for (q, msg), g in groups.items():
        by_q.setdefault(q, []).append(FailureGroup(question=q, message=msg, count=len(g["subs"]), tests=tuple(sorted(g["tests"])),
                                                   example=g["example"], submissions=tuple(sorted(g["subs"]))))
    return {q: sorted(v, key=lambda g: (-g.count, g.message))[:top] for q, v in by_q.items()}


@dataclass(frozen=True)
class Change:
    """What a regrade changed for one submission: (before, after) per changed question and the totals."""

    stem: str
    before: float
    after: float
    questions: dict[str, tuple[float, float]]


@dataclass(frozen=True)
class Comparison:
    """The class before and after a rescore."""

    changes: list[Change]
    unchanged: int
    only_before: list[str]
    only_after: list[str]
    rescored: int  # current results produced by `rescore`


def compare(before: list[Submission], after: list[Submission]) -> Comparison:
    """Per-submission score changes between two grades folders of the same class."""
    old = {s.stem: s for s in before}
    new = {s.stem: s for s in after}
    changes, unchanged = [], 0
    for stem in sorted(old.keys() & new.keys()):
        qa, qb = question_scores(old[stem].results), question_scores(new[stem].results)
        diff = {q: (qa.get(q, (0.0, 0.0))[0], qb.get(q, (0.0, 0.0))[0]) for q in [*qb, *(q for q in qa if q not in qb)]}
        diff = {q: v for q, v in diff.items() if not full_marks(*v)}
        b, a = old[stem].results.score, new[stem].results.score
        if diff or not full_marks(a, b):
            changes.append(Change(stem=stem, before=b, after=a, questions=diff))
        else:
            unchanged += 1
    return Comparison(changes=changes, unchanged=unchanged, only_before=sorted(old.keys() - new.keys()),
                      only_after=sorted(new.keys() - old.keys()), rescored=sum(s.produced_by == "rescore" for s in after))


def recorded_changes(after: list[Submission]) -> Comparison | None:
    """Total-score changes from what `rescore` records in each result (`extra_data.rescore.previous_score`)."""
    pairs = [(s, s.results.extra_data.get("rescore", {}).get("previous_score")) for s in after if s.produced_by == "rescore"]
    pairs = [(s, float(p)) for s, p in pairs if isinstance(p, (int, float))]
    if not pairs:
        return None
    changes = [Change(stem=s.stem, before=p, after=s.results.score, questions={}) for s, p in pairs if not full_marks(p, s.results.score)]
    return Comparison(changes=changes, unchanged=len(pairs) - len(changes), only_before=[], only_after=[], rescored=len(pairs))


@dataclass(frozen=True)
class ClassSummary:
    """Everything the instructor page shows, as data."""

    submissions: list[Submission]
    questions: list[str]
    stats: list[QuestionStats]
    failures: dict[str, list[FailureGroup]]
    max_total: float
    comparison: Comparison | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def totals(self) -> list[float]:
        """Every submission's total score."""
        return [s.results.score for s in self.submissions]

    @property
    def mean_total(self) -> float:
        """Mean total score."""
        return statistics.fmean(self.totals) if self.totals else 0.0

    @property
    def median_total(self) -> float:
        """Median total score."""
        return statistics.median(self.totals) if self.totals else 0.0

    def status_counts(self) -> dict[str, int]:
        """How many submissions have each status."""
        out: dict[str, int] = {}
        for s in self.submissions:
            out[s.status] = out.get(s.status, 0) + 1
        return out

    def as_dict(self) -> dict:
        """The numbers of the report as plain JSON data (`summary.json`)."""
        return {
            "submissions": len(self.submissions), "max_total": self.max_total,
            "mean_total": self.mean_total, "median_total": self.median_total, "status": self.status_counts(),
            "questions": [{"question": s.question, "max_score": s.max_score, "mean": s.mean, "median": s.median,
                           "passed": s.passed, "pass_rate": s.pass_rate} for s in self.stats],
            "failures": {q: [{"message": g.message, "count": g.count, "tests": list(g.tests), "submissions": list(g.submissions)}
                             for g in gs] for q, gs in self.failures.items()},
            "changes": None if self.comparison is None else {
                "changed": [{"submission": c.stem, "before": c.before, "after": c.after,
                             "questions": {q: list(v) for q, v in c.questions.items()}} for c in self.comparison.changes],
                "unchanged": self.comparison.unchanged, "only_before": self.comparison.only_before,
                "only_after": self.comparison.only_after, "rescored": self.comparison.rescored},
            "problems": self.problems,
        }


def summarise(subs: list[Submission], *, previous: list[Submission] | None = None, top: int = 5,
              problems: list[str] | None = None) -> ClassSummary:
    """The class summary of a list of results; changes against `previous` when given, else those `rescore` recorded."""
    qids = questions(subs)
    return ClassSummary(submissions=subs, questions=qids, stats=question_stats(subs, qids),
                        failures=common_failures(subs, top=top),
                        max_total=max((s.results.max_score for s in subs), default=0.0),
                        comparison=recorded_changes(subs) if previous is None else compare(previous, subs),
                        problems=list(problems or []))


def student_view(results: GradescopeResults, stage: Stage) -> GradescopeResults:
    """The results as the student may see them at `stage`: unreleased tests and instructor-only data removed.

    The score and maximum are those of the released tests; `extra_data.withheld` counts the others.
    """
    shown = [t for t in results.tests if released(t.visibility, stage)]
    extra = {k: v for k, v in results.extra_data.items() if k in ("provenance", STATUS_FIELD) or stage is Stage.ALL}
    withheld = len(results.tests) - len(shown)
    if withheld:
        extra["withheld"] = {"tests": withheld, "max_score": sum(t.max_score for t in results.tests) - sum(t.max_score for t in shown)}
    return results.model_copy(update={
        "tests": shown, "extra_data": extra,
        "score": sum(t.score for t in shown) if withheld else results.score,
        "max_score": sum(t.max_score for t in shown) if withheld else results.max_score,
        "output": results.output if released(results.visibility, stage) else ""})
