"""otter run with this project's zip and the native grader agree question by question on every
notebook of the corpus, and both match the verdict recorded beside each notebook."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from autograder import assignment as assignments
from autograder.authoring import build_assignment
from autograder.otter.run import otter_run, question_scores
from conftest import CORPUS

pytestmark = pytest.mark.slow
NOTEBOOKS = sorted(CORPUS.glob("*/*.ipynb"))


@pytest.fixture(scope="module")
def ag_zip(tmp_path_factory) -> Path:
    (z,) = (build_assignment("sheet03", tmp_path_factory.mktemp("dist")) / "autograder").iterdir()
    return z


def expected_scores(nb: Path) -> dict[str, float]:
    """Per question: full points minus the points of the tests listed as failing beside the notebook."""
    a = assignments.load("sheet03")
    failing = set(json.loads(nb.with_suffix(".expected.json").read_text())["failing"])
    return {q: sum(t.points for t in a.tests if t.question == q and t.key not in failing) for q in a.questions}


def test_the_corpus_has_notebooks_of_both_kinds():
    assert {p.parent.name for p in NOTEBOOKS} == {"correct", "wrong"}


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_otter_and_native_agree_question_by_question(ag_zip, grade, nb):
    native = grade(nb).question_scores()
    run = otter_run(ag_zip, nb)
    assert run.exit_code == 0, run.log[-3000:]
    otter = question_scores(run.results)
    assert otter == {q: native.get(q, 0.0) for q in otter}
    assert otter == expected_scores(nb)
