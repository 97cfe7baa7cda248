"""A student's `grader.check("q1b")`: the public tests of `autograder check`, on the saved notebook.

The check runs in a separate process (`python -m autograder.otter.student PATH --question Q`,
which prints the public results as JSON), so a student sees exactly the feedback that
`autograder check` gives, computed the way grading computes it. It checks the notebook as last
saved, which is also what gets submitted and graded.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from autograder.otter.verdicts import Verdict, Verdicts

_CACHE = "__autograder_check_cache__"  # in the notebook's globals: (file, mtime, size, question) -> verdicts


def verdicts_for(env: Mapping[str, Any], question: str) -> Verdicts:
    """The public verdicts for `question` on the submission behind `env` (a notebook's globals)."""
    path = locate(env)
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size, question)
    cached = env.get(_CACHE)
    if isinstance(cached, tuple) and cached[0] == key:
        return cached[1]
    saved = time.strftime("%H:%M:%S", time.localtime(stat.st_mtime))
    print(f"Checking {path.name} as saved at {saved} (save the notebook first if you changed it).")
    verdicts = run_check(path, question)
    if isinstance(env, dict):
        env[_CACHE] = (key, verdicts)
    return verdicts


def locate(env: Mapping[str, Any]) -> Path:
    """The file to check: the notebook otter was told about, VS Code's notebook, or the one .ipynb here."""
    for value in list(env.values()):
        nb = getattr(value, "_notebook", None) if type(value).__module__.startswith("otter") else None
        if isinstance(nb, str) and Path(nb).is_file():
            return Path(nb).resolve()
    for name in ("__vsc_ipynb_file__", "__file__"):
        p = env.get(name)
        if isinstance(p, str) and Path(p).suffix in (".ipynb", ".py") and Path(p).is_file():
            return Path(p).resolve()
    found = sorted(Path.cwd().glob("*.ipynb"))
    if len(found) == 1:
        return found[0].resolve()
    raise AssertionError("cannot tell which notebook to check: pass its name to otter.Notebook(\"<name>.ipynb\"), "
                         "or run `autograder check <file>` in a terminal")


def run_check(path: Path, question: str) -> Verdicts:
    """`autograder check --question` on `path`, in the kernel's warm isolated checker, as verdicts."""
    # --- issue 16: one warm checker process per kernel (autograder.otter.warm), a fresh sandboxed child per check
    from autograder.otter import warm

    payload = warm.payload(path, question)
    # --- end issue 16
    if "error" in payload:
        raise AssertionError(payload["error"])
    return Verdicts.of((Verdict(**v) for v in payload["verdicts"]), "autograder check")


def _check_json(path: Path, question: str, worker: Any = None) -> dict[str, Any]:
    """What the subprocess prints: the public verdicts of `api.check`, with the import problem if any.

    `worker`: a started sandbox `Worker` to run the check in (the warm checker's), else a new one."""
    from autograder import api

    try:
        tests, stored = api.check(path, question=question, worker=worker)
    except (FileNotFoundError, ValueError) as exc:
        return {"error": str(exc)}
    problem = stored.load_failure
    if problem is None and stored.run is not None and stored.run.load_error is not None:
        e = stored.run.load_error
        problem = f"your file could not be imported{f' ({e.where})' if e.where else ''}: {e.message}"
    verdicts = []
    for t in tests:
        message = t.output if problem is None or t.outcome.value == "passed" else f"{problem}\n{t.output}"
        verdicts.append({"key": t.key, "score": t.score, "max_score": t.max_score, "outcome": t.outcome.value,
                         "message": message})
    return {"verdicts": verdicts}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.otter.student",
                                     description="Public verdicts of one question, as one JSON line.")
    parser.add_argument("path", type=Path)
    parser.add_argument("--question", required=True)
    args = parser.parse_args(argv)
    payload = _check_json(args.path, args.question)
    sys.stdout.flush()
    os.write(1, (json.dumps(payload) + "\n").encode())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
