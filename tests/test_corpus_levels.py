"""Every correct corpus file gets full marks at every isolation level this machine offers.

An environment problem (a directory the sandbox cannot read, a cache it cannot write) must never
look like a student's mistake: a correct file that loses points at one level only is a grader bug.
The default level is graded by tests/test_corpus.py (the whole corpus); this grades the correct files
at every weaker one as a batch, and the mistaken files are graded at the rootless level as an ordinary
user too (tests/test_hosts.py). (Until the corpus passed 170 files, the mistaken ones were graded here
as well, at every level: no difference in this project's runs, and a minute of the suite's 15.)
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from autograder import api
from autograder.sandbox.isolation import offered
from conftest import CORPUS

CASES = sorted(p for p in (CORPUS / "correct").iterdir() if p.suffix in (".py", ".ipynb"))


def _levels() -> list[str]:
    return [level.value for level in offered()[1:]]  # the weaker levels this host offers


def _expected(path: Path) -> list[str]:
    return sorted(json.loads(path.with_name(path.stem + ".expected.json").read_text())["failing"])


@pytest.fixture(scope="module", params=_levels())
def graded(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"corpus-{request.param}")
    for path in CASES:
        shutil.copy(path, folder / f"{path.parent.name}__{path.name}")
    out = folder / "grades"
    batch = api.grade_paths([folder], api.GradeOptions(out_dir=out, jobs=2, isolation=request.param))
    assert batch.isolation == request.param
    return request.param, out


@pytest.mark.slow
def test_every_level_gives_the_corpus_its_exact_verdicts(graded):
    level, out = graded
    wrong = {}
    for path in CASES:
        res = json.loads((out / f"{path.parent.name}__{path.stem}.json").read_text())
        failing = sorted(t["extra_data"]["key"] for t in res["tests"] if t["max_score"] > 0 and t["score"] < t["max_score"])
        grader_errors = [t["name"] for t in res["tests"] if t.get("extra_data", {}).get("outcome") == "grader_error"]
        if failing != _expected(path) or grader_errors:
            first = next((t["output"] for t in res["tests"] if t["max_score"] > 0 and t["score"] < t["max_score"]), "")
            wrong[f"{path.parent.name}/{path.name}"] = (failing, grader_errors, first[:300])
    assert wrong == {}, f"at level {level}"
