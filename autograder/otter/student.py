"""A student's `grader.check("<question>")`: the public tests of `autograder check`, on the saved notebook.

The check runs in a separate process (`python -m autograder.otter.student PATH --question Q`,
which prints the public results as JSON), so a student sees exactly the feedback that
`autograder check` gives, computed the way grading computes it. It checks the notebook as last
saved, which is also what gets submitted and graded.

The notebook's init cell is `grader = notebook_grader("<assignment>")`: it finds the notebook
whatever its file name (Jupyter's and VS Code's own record of it, else the one notebook here of
that assignment). The notebook's metadata records its assignment, which `autograder check` uses,
and each generated test case names it too: a notebook of another assignment is checked against
its own rubric, and a test case of one assignment never passes on a notebook of another.
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

from autograder.otter.verdicts import NOTEBOOK_KEY, Verdict, Verdicts

_CACHE = "__autograder_check_cache__"  # in the notebook's globals: (file, mtime, size, question) -> verdicts


def notebook_grader(assignment: str, path: str | None = None) -> Any:
    """otter's `Notebook` for this notebook of `assignment`, found whatever its name (or at `path`)."""
    import otter  # the student's environment has it; grading does not import this function

    found = Path(path) if path else _this_notebook(assignment)
    return otter.Notebook(str(found) if found else None)


def _this_notebook(assignment: str) -> Path | None:
    """The running notebook: as Jupyter (`__session__`, JPY_SESSION_NAME) or VS Code records it, else the one here."""
    try:
        from IPython import get_ipython

        ns = getattr(get_ipython(), "user_ns", None) or {}
    except ImportError:
        ns = {}
    for candidate in (ns.get("__vsc_ipynb_file__"), ns.get("__session__"), os.environ.get("JPY_SESSION_NAME")):
        if isinstance(candidate, str) and candidate.endswith(".ipynb") and Path(candidate).is_file():
            return Path(candidate)
    here = sorted(Path.cwd().glob("*.ipynb"))
    ours = [p for p in here if recorded_assignment(p) == assignment]
    if len(ours) == 1 or len(here) == 1:
        return (ours or here)[0]
    print(f"Cannot tell which notebook this is ({assignment} notebooks here: {', '.join(p.name for p in ours) or 'none'}). "
          f'Run `grader = notebook_grader("{assignment}", "<this file>.ipynb")` in a new cell.')
    return None


def recorded_assignment(path: Path) -> str | None:
    """The assignment a notebook records in its metadata (None: not a handed-out notebook)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))["metadata"][NOTEBOOK_KEY]["assignment"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def verdicts_for(env: Mapping[str, Any], question: str, assignment: str | None = None) -> Verdicts:
    """The public verdicts for `question` on the submission behind `env` (a notebook's globals).

    `assignment`: the one the test case belongs to; a notebook recording another one is refused.
    """
    path = locate(env)
    recorded = recorded_assignment(path) if path.suffix == ".ipynb" else None
    if assignment and recorded and recorded != assignment:
        raise AssertionError(f"{path.name} is a notebook of {recorded}, but this check belongs to {assignment}: "
                             f"check it in the {assignment} notebook, or run `autograder check {path.name}`")
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
