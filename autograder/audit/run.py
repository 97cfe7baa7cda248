"""Grade the reference and every variant through the normal pipeline; decide which were graded wrong.

Each source goes through `api.observe` (the sandboxed worker runs it, the probes record) and
`api.judge` (checks and rubric in this process), exactly as `autograder grade` does, on
`jobs` warm workers. Re-grading under another seed passes a copy of the assignment with that
seed: `api.observe` hands `Assignment.seed` to the child, so no extra parameter is needed.
"""
from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from autograder import api, checks, load
from autograder.assignment import Assignment
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
                  blind_spot=variant.blind_spot)


def grade_all(a: Assignment, tasks: list[Task], *, jobs: int = 1, isolation: str | None = None,
              on_done: Callable[[Graded], None] | None = None) -> list[Graded]:
    """Grade every task (a variant under a seed) on `jobs` warm workers; results in task order."""
    level = available(isolation)
    limits = api.limits_for(a)
    seeded = {s: a.model_copy(update={"seed": s}) for s in {t.seed for t in tasks}}
    results: list[Graded | None] = [None] * len(tasks)
    queue = list(reversed(range(len(tasks))))
    lock = threading.Lock()
    importing = threading.Thread(target=checks.preload, daemon=True)  # while the workers start
    importing.start()

    def slot(k: int) -> None:
        with Worker(slot=k, level=level) as worker:
            importing.join()
            while True:
                with lock:
                    if not queue:
                        return
                    i = queue.pop()
                task = tasks[i]
                sa = seeded[task.seed]
                name, data = f"{task.variant.id}.py", task.variant.source.encode()
                try:
                    stored = api.observe(worker, sa, name, data, limits)
                except Exception:  # noqa: BLE001 - as in `grade`: our bug is a grader error of this variant
                    stored = StoredObservations(submission=name, sha256=load.digest(data), assignment=sa.name,
                                                probe_fingerprint=sa.probe_fingerprint, grader_error=traceback.format_exc())
                    worker.close()
                tests, _ = api.judge(sa, stored)
                results[i] = _assess(task.variant, task.seed, tests)
                if on_done:
                    on_done(results[i])

    jobs = max(1, min(jobs, len(tasks)))
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for f in [pool.submit(slot, k) for k in range(jobs)]:
            f.result()
    return [r for r in results if r is not None]


def seeds_for(a: Assignment, n: int) -> list[int]:
    """The n extra seeds of a `--seeds n` run (the rubric's own seed is not among them)."""
    return [a.seed + k * SEED_STEP for k in range(1, n + 1)]
