"""Grade the reference and every variant through the normal pipeline; decide which were graded wrong.

Each source goes through `api.observe` (the sandboxed worker runs it, the probes record) and
`api.judge` (checks and rubric in this process), exactly as `autograder grade` does, on
`jobs` warm workers (`Graders`). Re-grading under another seed passes a copy of the assignment with that
seed: `api.observe` hands `Assignment.seed` to the child, so no extra parameter is needed.
"""
from __future__ import annotations

import queue
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from autograder import api, checks, load
from autograder.assignment import Assignment
from autograder.audit.transforms import Edit
from autograder.audit.variants import Variant
from autograder.model import Outcome, TestResult
from autograder.report.results import StoredObservations
from autograder.sandbox.isolation import available
from autograder.sandbox.runner import Worker

SEED_STEP = 7919  # the k-th extra seed is the assignment's + k * SEED_STEP


class Lost(BaseModel):
    """A test that did not give full marks."""

    model_config = ConfigDict(frozen=True)
    key: str
    question: str
    outcome: str
    message: str


class Graded(BaseModel):
    """One variant graded once, and the audit's verdict on it."""

    model_config = ConfigDict(frozen=True)
    id: str
    family: str
    doc: str
    seed: int
    expected: list[str]  # questions that must lose points (none for a rewrite)
    lost_questions: list[str]
    lost: list[Lost]
    verdict: str  # "ok" | "false_failure" | "missed" | "misattributed"
    blind_spot: str | None = None
    edits: list[Edit] = []  # what made the variant from the reference


@dataclass(frozen=True)
class Task:
    variant: Variant
    seed: int


def verdict(variant: Variant, lost_questions: list[str], lost: list[Lost]) -> str:
    """ok, or how the grader was wrong about this variant."""
    if variant.family == "rewrite":
        return "false_failure" if lost else "ok"
    if any(t.outcome == Outcome.GRADER_ERROR.value for t in lost):
        return "misattributed"  # a grader error is never the way a mistake should be caught
    if not set(lost_questions) & set(variant.loses):
        return "missed"
    return "ok" if set(lost_questions) == set(variant.loses) else "misattributed"


def _assess(variant: Variant, seed: int, tests: list[TestResult]) -> Graded:
    lost = [Lost(key=t.key, question=t.question, outcome=t.outcome.value, message=t.output)
            for t in tests if t.max_score > 0 and t.score < t.max_score]
    questions = sorted({t.question for t in lost})
    return Graded(id=variant.id, family=variant.family, doc=variant.doc, seed=seed, expected=list(variant.loses),
                  lost_questions=questions, lost=lost, verdict=verdict(variant, questions, lost),
                  blind_spot=variant.blind_spot, edits=list(variant.edits))


class Graders:
    """`jobs` warm sandbox workers, each started in its own long-lived thread (bwrap's
    --die-with-parent follows the starting thread), grading tasks from one queue.

    Started on entering, before the caller generates its variants, so that the workers' start
    overlaps that work; `grade` can be called several times (the audit, then its seeds).
    """

    def __init__(self, a: Assignment, *, jobs: int = 1, isolation: str | None = None):
        self.assignment = a
        self.level = available(isolation)
        self.limits = api.limits_for(a)
        self.jobs = max(1, jobs)
        self._queue: queue.Queue[tuple[Task, Callable[[Graded | BaseException], None]] | None] = queue.Queue()
        self._threads: list[threading.Thread] = []
        self._seeded: dict[int, Assignment] = {}
        self._importing = threading.Thread(target=checks.preload, daemon=True)

    def __enter__(self) -> "Graders":
        self._importing.start()  # the checks' imports (torch, scipy) overlap the workers' start
        self._threads = [threading.Thread(target=self._serve, args=(k,), daemon=True) for k in range(self.jobs)]
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        for _ in self._threads:
            self._queue.put(None)
        for t in self._threads:
            t.join()

    def _serve(self, k: int) -> None:
        try:
            worker = Worker(slot=k, level=self.level)
            worker.start()
        except BaseException as exc:  # noqa: BLE001 - reported to every task this thread takes
            self._drain(exc)
            return
        try:
            self._importing.join()
            while (item := self._queue.get()) is not None:
                task, done = item
                done(self._grade(worker, task))
        finally:
            worker.release()

    def _drain(self, exc: BaseException) -> None:
        while (item := self._queue.get()) is not None:
            item[1](exc)

    def _grade(self, worker: Worker, task: Task) -> Graded:
        a = self._seeded.setdefault(task.seed, self.assignment.model_copy(update={"seed": task.seed}))
        name, data = f"{task.variant.id}.py", task.variant.source.encode()
        try:
            stored = api.observe(worker, a, name, data, self.limits)
        except Exception:  # noqa: BLE001 - as in `grade`: our bug is a grader error of this variant
            stored = StoredObservations(submission=name, sha256=load.digest(data), assignment=a.name,
                                        probe_fingerprint=a.probe_fingerprint, grader_error=traceback.format_exc())
            worker.close()
        tests, _ = api.judge(a, stored)
        return _assess(task.variant, task.seed, tests)

    def grade(self, tasks: list[Task], on_done: Callable[[Graded], None] | None = None) -> list[Graded]:
        """Grade every task (a variant under a seed); the results in task order."""
        results: list[Graded | BaseException | None] = [None] * len(tasks)
        left = threading.Semaphore(0)

        def done_at(i: int) -> Callable[[Graded | BaseException], None]:
            def done(result: Graded | BaseException) -> None:
                results[i] = result
                if on_done and isinstance(result, Graded):
                    on_done(result)
                left.release()
            return done

        for i, task in enumerate(tasks):
            self._queue.put((task, done_at(i)))
        for _ in tasks:
            left.acquire()
        failed = next((r for r in results if isinstance(r, BaseException)), None)
        if failed is not None:
            raise RuntimeError(f"the sandbox worker could not grade: {failed}") from failed
        return [r for r in results if isinstance(r, Graded)]


def seeds_for(a: Assignment, n: int) -> list[int]:
    """The n extra seeds of a `--seeds n` run (the rubric's own seed is not among them)."""
    return [a.seed + k * SEED_STEP for k in range(1, n + 1)]
