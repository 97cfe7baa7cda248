"""Run the autograder zip on one submission, in its own process, as otter run and as Gradescope do.

- `otter_run`: `otter run -a ZIP SUBMISSION` (what an instructor without Docker uses; `otter grade`
  needs Docker). otter imports the `autograder` installed beside it.
- `gradescope_run`: the zip unpacked as Gradescope does (`<dir>/source`, `<dir>/submission`,
  `<dir>/results`) and otter's autograder run from the source folder, as `run_otter.py` does there:
  the zip's own copy of `autograder` is the one imported. The results file stays even if grading fails.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PUBLIC_SUMMARY = "Public Tests"


@dataclass(frozen=True)
class OtterRun:
    """What `otter run` did: exit status, its results.json (None if it wrote none), time, output."""

    exit_code: int
    results: dict[str, Any] | None
    seconds: float
    log: str

    @property
    def total(self) -> float:
        return sum(question_scores(self.results or {}).values())

    def visible_text(self) -> str:
        """Everything a student sees before grades are published: visible entries and the output."""
        if not self.results:
            return ""
        parts = [self.results.get("output", "")]
        parts += [t.get("output", "") + t.get("name", "") for t in self.results.get("tests", [])
                  if t.get("visibility", "visible") == "visible"]
        return "\n".join(parts)


def otter_run(autograder_zip: Path, submission: Path, *, timeout: float = 900.0) -> OtterRun:
    """Run `python -m otter run` on one submission; kill its process group after `timeout` seconds."""
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="otter-run-") as out:
        cmd = [sys.executable, "-m", "otter", "run", "-a", str(autograder_zip), "-o", out, "--no-logo", str(submission)]
        code, log = _run(cmd, timeout=timeout)
        results = _read(Path(out, "results.json"))
    return OtterRun(exit_code=code, results=results, seconds=time.monotonic() - start, log=log)


def gradescope_run(autograder_zip: Path, submission: Path, *, timeout: float = 900.0) -> OtterRun:
    """Grade one submission the way Gradescope's run_autograder does, in a scratch `autograder` folder."""
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="gradescope-") as tmp:
        Path(tmp).chmod(0o755)  # like Gradescope's /autograder: the sandbox's unprivileged uid imports from it
        ag = Path(tmp, "autograder")
        for sub in ("source", "submission", "results"):
            (ag / sub).mkdir(parents=True)
        (ag / "submission_metadata.json").write_text("{}")
        with zipfile.ZipFile(autograder_zip) as zf:
            zf.extractall(ag / "source")
        if submission.suffix == ".zip":
            with zipfile.ZipFile(submission) as zf:
                zf.extractall(ag / "submission")
        else:
            shutil.copy(submission, ag / "submission")
        # run_otter.py: `python /autograder/source/run_otter.py`, so the source folder comes first on sys.path
        cmd = [sys.executable, "-c", "import sys; from otter.run.run_autograder import main; main(sys.argv[1])", str(ag)]
        rest = os.environ.get("PYTHONPATH")
        env = {**os.environ, "PYTHONPATH": str(ag / "source") + (os.pathsep + rest if rest else "")}
        code, log = _run(cmd, timeout=timeout, cwd=ag / "source", env=env)
        results = _read(ag / "results" / "results.json")
    return OtterRun(exit_code=code, results=results, seconds=time.monotonic() - start, log=log)


def _run(cmd: list[str], *, timeout: float, cwd: Path | None = None, env: dict[str, str] | None = None) -> tuple[int, str]:
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, text=True, start_new_session=True)
    try:
        log, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        log, _ = proc.communicate()
        log = (log or "") + f"\n[killed after {timeout:g} s]"
    return proc.returncode, log or ""


def _read(path: Path) -> dict[str, Any] | None:
    return json.loads(path.read_text()) if path.is_file() else None


def question_scores(results: dict[str, Any]) -> dict[str, float]:
    """Question id -> score in otter's results.json (one entry per question, plus a public summary)."""
    return {t["name"]: float(t["score"]) for t in results.get("tests", [])
            if t.get("name") != PUBLIC_SUMMARY and "score" in t}
