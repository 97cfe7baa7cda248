"""The otter plugin that makes otter report the isolated native grader's scores.

otter (7.x) grades by running the student's notebook in a Jupyter kernel and then its test files
in that same kernel: student code can rewrite the tests, read them, or hang. With this plugin,
listed in the autograder zip's otter_config.json, otter's steps become:

1. `before_grading` (before otter touches the submission): delete `.OTTER_LOG` (otter would
   unpickle it with dill, in the grading process), turn off grading from logs, read the test
   files while no student code has run yet, and (as root) make the tests, the rubric and otter's
   config unreadable to the unprivileged uid that the native sandbox runs student code as.
2. `before_execution` (after otter made the PDF and dropped its upload token): grade the
   submission with `python -m autograder grade`, which runs it in its own sandboxed process with
   time limits, and hand otter a notebook with no student code: one cell holding those verdicts.
3. `after_grading`: rebuild every question's result in this process from the verdicts and the
   test files read in step 1, whatever the kernel reported.

If the native grader cannot run, the plugin raises `OtterRuntimeError`: otter writes a results
file with score 0 and an "Autograder Error" entry, and exits non-zero.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import nbformat
from otter.plugins import AbstractOtterPlugin
from otter.run.run_autograder.utils import OtterRuntimeError, print_output
from otter.test_files import GradingResults

from autograder.otter import native
from autograder.otter.results import otter_test_files, summary
from autograder.otter.verdicts import Verdicts

OTTER_LOG = ".OTTER_LOG"
TESTS_DIR = "tests"
PRIVATE = ("tests", "assignments", "otter_config.json")  # in the autograder's source folder


def make_private(source_dir: Path, tests_dir: Path) -> list[Path]:
    """chmod go-rwx what student code has no business reading; only root (the grader) keeps access."""
    changed = []
    for path in [*(source_dir / name for name in PRIVATE), tests_dir]:
        if path.exists():
            path.chmod(0o700 if path.is_dir() else 0o600)
            changed.append(path)
    return changed


class NativeGrader(AbstractOtterPlugin):
    """Otter plugin: scores come from `python -m autograder grade`, never from otter's kernel.

    Config (under the plugin's name in otter_config.json): `assignment` (required: `autograder assign` writes it),
    `timeout_seconds` for the whole native run (default 600), `isolation` (default: the strongest
    sandbox level available; `bwrap`, `uid` or `process`).
    """

    def __init__(self, submission_path: str, submission_metadata: dict[str, Any], plugin_config: dict[str, Any]):
        super().__init__(submission_path, submission_metadata, plugin_config)
        if not (plugin_config or {}).get("assignment"):
            raise OtterRuntimeError("otter_config.json names no assignment for the autograder plugin: rebuild the zip with `autograder assign`")
        self.assignment = str(plugin_config["assignment"])
        self.timeout = float((plugin_config or {}).get("timeout_seconds", native.DEFAULT_TIMEOUT))
        self.isolation = (plugin_config or {}).get("isolation")
        self._tests: dict[str, str] = {}
        self._run: native.NativeRun | None = None

    def before_grading(self, config: Any) -> None:
        """Runs in the submission folder before otter reads or runs anything of the submission."""
        for folder in {Path.cwd(), Path(self.submission_path).parent}:
            for log in list(folder.rglob(OTTER_LOG)):
                shutil.rmtree(log) if log.is_dir() and not log.is_symlink() else log.unlink()
        config.grade_from_log = False
        source = Path.cwd().parent / "source"  # otter's layout: <dir>/source (the zip), <dir>/submission (here)
        tests = sorted((source / TESTS_DIR).glob("*.py"))
        if not tests:
            raise OtterRuntimeError(f"the autograder has no test files in {source / TESTS_DIR}")
        self._tests = {f"{TESTS_DIR}/{p.name}": p.read_text(encoding="utf-8") for p in tests}
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            make_private(source, Path(TESTS_DIR).resolve())

    def before_execution(self, submission: Any) -> nbformat.NotebookNode:
        """Grade natively, then give otter a notebook without student code: the verdicts only."""
        try:
            self._run = native.grade_isolated(Path(self.submission_path), assignment=self.assignment, timeout=self.timeout,
                                              isolation=self.isolation)
        except native.NativeGraderError as exc:
            raise OtterRuntimeError(str(exc)) from exc
        isolation = self._run.results.extra_data.get("provenance", {}).get("isolation") or "unknown"
        print_output(f"Graded by the native grader in {self._run.seconds:.1f} s (isolation: {isolation}).")
        data = self._run.results.model_dump(mode="json")
        cell = (
            "# No student code runs in this kernel: these verdicts come from the native grader.\n"
            "import json\n"
            "from autograder.otter.verdicts import VERDICTS, Verdicts\n"
            f"globals()[VERDICTS] = Verdicts.from_results(json.loads({json.dumps(json.dumps(data))}))\n"
        )
        return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell)],
                                        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})

    def after_grading(self, results: GradingResults) -> None:
        """Replace whatever the kernel reported by the test files run here on the native verdicts."""
        if self._run is None:
            raise OtterRuntimeError("the native grader did not run")
        verdicts = Verdicts.from_results(self._run.results.model_dump(mode="json"))
        try:
            files = otter_test_files(self._tests, verdicts, self._run.results)
        except ValueError as exc:
            raise OtterRuntimeError(str(exc)) from exc
        results.results = {tf.name: tf for tf in files}
        results._catastrophic_error = None  # the kernel's outcome does not count; there is no setter
        results.set_output(summary(self._run.results))
