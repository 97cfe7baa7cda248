"""`autograder audit`: grade generated rewrites and mutants of the reference solution, report what was graded wrong.

- `transforms`: generic syntax-tree edits (the vocabulary of declarations);
- `variants`: an assignment's declarations (`assignments/<name>/audit.toml`) -> variant sources;
- `run`: grading through the normal pipeline (sandboxed workers, checks, rubric) and verdicts;
- `table`: the report (JSON via pydantic) and its tables.
"""
from __future__ import annotations

import time
from collections.abc import Callable

from autograder import assignment as assignments
from autograder.audit import run, table, variants
from autograder.audit.run import Graded, Task
from autograder.audit.table import Report, SeedReport

__all__ = ["Report", "audit"]


def audit(name: str | None = None, *, seeds: int = 0, jobs: int = 1, isolation: str | None = None,
          on_done: Callable[[Graded], None] | None = None) -> Report:
    """Grade the reference and every declared variant; with `seeds`, re-grade the rewrites under other seeds."""
    a = assignments.load(name)  # None: the default assignment
    with run.Graders(a, jobs=jobs, isolation=isolation) as graders:  # the workers start while variants are made
        reference_source, generated = variants.variants(name)
        reference = variants.Variant(id="reference", family="rewrite", doc="the reference solution", loses=(),
                                     blind_spot=None, edits=(), source=reference_source)
        t0 = time.perf_counter()
        graded = graders.grade([Task(v, a.seed) for v in [reference, *generated]], on_done)
        seconds = time.perf_counter() - t0
        seed_report = None
        if seeds > 0:
            rewrites = [reference, *(v for v in generated if v.family == "rewrite")]
            extra = run.seeds_for(a, seeds)
            t1 = time.perf_counter()
            regraded = graders.grade([Task(v, s) for s in extra for v in rewrites], on_done)
            seed_report = SeedReport(seeds=extra, gradings=len(regraded), seconds=round(time.perf_counter() - t1, 3),
                                     rows=table.seed_rows(a, regraded),
                                     false_failures=[g for g in regraded if g.verdict != "ok"])
    return table.build(a, graders.level.value, seconds, graded[0], graded[1:], seed_report)
