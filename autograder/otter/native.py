"""Run the native grader on one submission, in its own process, with a deadline.

`python -m autograder grade <copy> --out <tmp>`: the submission is copied alone into a fresh
folder (so its code finds neither otter's folders nor the test files beside it), and the results
file it writes is validated before anyone reads a score from it.

The grader runs from the `autograder` installed in this interpreter's environment (PYTHONPATH is
dropped), like the sandbox workers it starts, whose environment is cleared; the rubric is the one
beside the copy of the package that started it (AUTOGRADER_ASSIGNMENTS).
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from autograder.assignment import assignments_root
from autograder.report.results import GradescopeResults

DEFAULT_TIMEOUT = 600.0


class NativeGraderError(RuntimeError):
    """Grading itself could not run (not the submission's fault): there is no score to report."""


@dataclass(frozen=True)
class NativeRun:
    """The native grader's results for one submission, and how long it took."""

    results: GradescopeResults
    seconds: float
    log: str


def grader_env() -> dict[str, str]:
    """The native grader's environment: ours, without PYTHONPATH, with the rubric folder pinned."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["AUTOGRADER_ASSIGNMENTS"] = str(assignments_root())
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def grade_isolated(submission: Path, *, assignment: str, timeout: float = DEFAULT_TIMEOUT,
                   isolation: str | None = None) -> NativeRun:
    """Grade `submission` with the native grader; raise NativeGraderError if that cannot be done.

    `isolation` asks for a sandbox level (`bwrap`, `uid`, `process`); by default the strongest here.
    """
    if not submission.is_file():
        raise NativeGraderError(f"no submission file at {submission}")
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="autograder-otter-") as tmp:
        work, out = Path(tmp, "submission"), Path(tmp, "results")
        work.mkdir()
        copy = work / submission.name
        shutil.copyfile(submission, copy)
        cmd = [sys.executable, "-m", "autograder", "grade", str(copy), "--out", str(out), "--assignment", assignment,
               *(["--isolation", isolation] if isolation else [])]
        code, log = _run(cmd, cwd=work, timeout=timeout)
        path = out / f"{copy.stem}.json"
        if code != 0 or not path.is_file():
            raise NativeGraderError(f"the native grader failed (exit status {code}, results file "
                                    f"{'present' if path.is_file() else 'missing'}):\n{log[-3000:]}")
        try:
            results = GradescopeResults.model_validate_json(path.read_text(encoding="utf-8"))
        except (ValidationError, OSError, UnicodeDecodeError) as exc:
            raise NativeGraderError(f"the native grader wrote an invalid results file: {exc}") from exc
    return NativeRun(results=results, seconds=time.monotonic() - start, log=log)


def _run(cmd: list[str], *, cwd: Path, timeout: float) -> tuple[int, str]:
    """Run `cmd` in its own process group; on timeout kill the whole group (sandboxes included)."""
    proc = subprocess.Popen(cmd, cwd=cwd, env=grader_env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc.pid)
        proc.communicate()
        raise NativeGraderError(f"the native grader did not finish within {timeout:g} s") from None
    finally:
        _kill_group(proc.pid)  # also whatever the grader left behind in its group
    return proc.returncode, out or ""


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
