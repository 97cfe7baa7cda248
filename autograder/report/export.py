"""Grade export for an LMS import: one row per student, `student_id,total,<one column per question>`.

The student id is the results file's stem (the submission's file name without extension), unless a
roster CSV maps stems to ids: columns `submission` and `student_id`, other columns ignored.
With a roster, every graded submission must be in it (else nothing is written), and roster
students without a submission get a row with empty cells (an LMS then leaves their grade alone).
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from autograder.report.files import write_atomic
from autograder.report.instructor import Submission, question_scores, questions
from autograder.report.safe_text import safe_cell


class RosterError(ValueError):
    """The roster is unreadable, or does not cover the graded submissions."""


@dataclass(frozen=True)
class Export:
    """What was written: rows with grades, roster students without a submission."""

    path: Path
    graded: int
    missing: list[str]


def read_roster(path: Path) -> dict[str, str]:
    """`submission` -> `student_id` from a roster CSV."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            cols = set(reader.fieldnames or [])
            if not {"submission", "student_id"} <= cols:
                raise RosterError(f"{path}: a roster needs the columns submission and student_id (it has: {', '.join(sorted(cols)) or 'none'})")
            mapping: dict[str, str] = {}
            for n, row in enumerate(reader, start=2):
                stem, sid = (row.get("submission") or "").strip(), (row.get("student_id") or "").strip()
                if not stem or not sid:
                    raise RosterError(f"{path}, line {n}: empty submission or student_id")
                if stem in mapping:
                    raise RosterError(f"{path}, line {n}: submission {stem!r} is listed twice")
                mapping[stem] = sid
    except OSError as exc:
        raise RosterError(f"cannot read the roster {path}: {exc.strerror}") from exc
    return mapping


def _num(x: float) -> str:
    """A number as the gradebook writes it."""
    return f"{x:g}"


def lms_csv(subs: list[Submission], roster: dict[str, str] | None = None) -> tuple[str, list[str]]:
    """The CSV text and the roster ids that have no submission."""
    qids = questions(subs)
    if roster is not None:
        unknown = sorted(s.stem for s in subs if s.stem not in roster)
        if unknown:
            raise RosterError(f"{len(unknown)} graded submission(s) are not in the roster: {', '.join(unknown[:10])}"
                              + (" …" if len(unknown) > 10 else ""))
        ids = [roster[s.stem] for s in subs]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise RosterError(f"more than one graded submission maps to the student id(s) {', '.join(twice)}")
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["student_id", "total", *qids])
    rows = []
    for s in subs:
        per_q = question_scores(s.results)
        sid = roster[s.stem] if roster is not None else s.stem
        rows.append([safe_cell(sid), _num(s.results.score), *(_num(per_q.get(q, (0.0, 0.0))[0]) for q in qids)])
    missing = sorted(set(roster.values()) - {roster[s.stem] for s in subs}) if roster is not None else []
    rows += [[safe_cell(sid), "", *("" for _ in qids)] for sid in missing]
    w.writerows(sorted(rows, key=lambda r: r[0]))
    return buf.getvalue(), missing


def write_lms_csv(path: Path, subs: list[Submission], roster: dict[str, str] | None = None) -> Export:
    """Write the LMS CSV atomically."""
    text, missing = lms_csv(subs, roster)
    write_atomic(path, text)
    return Export(path=path, graded=len(subs), missing=missing)
