"""Shared fixtures: the assignment, one warm sandbox worker per test process, helpers to grade files."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import api
from autograder import assignment as assignments
from autograder.report.results import GradescopeResults
from autograder.sandbox.runner import Worker

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
SOLUTION = ROOT / "solutions" / "sheet03.py"
TEMPLATE = ROOT / "student_templates" / "sheet03.py"
AUTOGRADER = [sys.executable, "-m", "autograder"]


def pytest_configure(config: pytest.Config) -> None:
    """Refuse `--dist loadgroup` where xdist cannot group: on pytest >= 9.2 xdist <= 3.8 ignores xdist_group
    (pytest-xdist#1386), and the module batches, the Dask cluster and the test users' venv would be set up on
    both workers, silently."""
    if getattr(config.option, "dist", "no") != "loadgroup":
        return
    from importlib.metadata import version

    from packaging.version import Version

    if Version(pytest.__version__) >= Version("9.2") and Version(version("pytest-xdist")) <= Version("3.8.0"):
        raise pytest.UsageError(f"--dist loadgroup does not group on pytest {pytest.__version__} with pytest-xdist "
                                f"{version('pytest-xdist')} (pytest-xdist#1386): install the dev extra (pytest < 9.2)")


@pytest.fixture(scope="session")
def sheet03() -> assignments.Assignment:
    return assignments.load("sheet03")


@pytest.fixture(scope="session")
def worker():
    with Worker() as w:
        yield w


@pytest.fixture(scope="session")
def grade(sheet03, worker):
    """grade(path, assignment=None) -> GradescopeResults, through the real sandbox."""

    def run(path: Path, a: assignments.Assignment | None = None) -> GradescopeResults:
        a = a or sheet03
        _, res = api.grade_one(worker, a, str(path), path.read_bytes(), api.limits_for(a))
        return res

    return run


def failing(res: GradescopeResults) -> list[str]:
    """Keys of the automatic tests that did not get full marks."""
    return sorted(t.extra_data["key"] for t in res.tests if t.max_score > 0 and t.score < t.max_score)


def by_key(res: GradescopeResults) -> dict[str, object]:
    return {t.extra_data["key"]: t for t in res.tests}


def cli(*args: str, cwd: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run `python -m autograder ARGS` and capture its output."""
    return subprocess.run([*AUTOGRADER, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout)


def load_json(path: Path) -> dict:
    return json.loads(path.read_text())
