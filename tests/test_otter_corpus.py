"""otter run with this project's zip and the native grader agree question by question, and both match
the verdict recorded beside each notebook.

otter's scores are rebuilt from the native grader's results alone (`autograder.otter.plugin`: the
submission file goes to `autograder grade` as it is, otter's kernel runs no student code), so the
notebooks graded through otter are one of each verdict the corpus records, plus every notebook that
reaches the file system around it (%%writefile, %run, %load), whose folder under otter is otter's, or that
otter must read in an old nbformat. Every notebook of the corpus is graded natively by test_corpus; a full otter run costs 10-15 s each."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from autograder import assignment as assignments
from autograder.authoring import build_assignment
from autograder.load.notebook import code_cells
from autograder.otter.run import otter_run, question_scores
from conftest import CORPUS

pytestmark = pytest.mark.slow
ALL_NOTEBOOKS = sorted(CORPUS.glob("*/*.ipynb"))
FOLDER_MAGICS = re.compile(r"^\s*(%%writefile|%run|%load)\b", re.MULTILINE)  # shell lines do nothing in the sandbox


def failing(nb: Path) -> frozenset[str]:
    return frozenset(json.loads(nb.with_suffix(".expected.json").read_text())["failing"])


def reaches_folder(nb: Path) -> bool:
    return any(FOLDER_MAGICS.search(cell.source) for cell in code_cells(nb.read_text(encoding="utf-8")))


def old_format(nb: Path) -> bool:
    """Saved in nbformat 1-3: otter reads the file itself before it hands it to the native grader."""
    return json.loads(nb.read_text(encoding="utf-8")).get("nbformat", 4) < 4


def through_otter(notebooks: list[Path]) -> list[Path]:
    """The first notebook of each recorded verdict, every notebook that reaches its folder or is in an old format."""
    firsts = {}
    for nb in notebooks:
        firsts.setdefault(failing(nb), nb)
    return [nb for nb in notebooks if nb in firsts.values() or reaches_folder(nb) or old_format(nb)]


NOTEBOOKS = through_otter(ALL_NOTEBOOKS)


@pytest.fixture(scope="module")
def ag_zip(tmp_path_factory) -> Path:
    (z,) = (build_assignment("sheet03", tmp_path_factory.mktemp("dist")) / "autograder").iterdir()
    return z


def expected_scores(nb: Path) -> dict[str, float]:
    """Per question: full points minus the points of the tests listed as failing beside the notebook."""
    a = assignments.load("sheet03")
    return {q: sum(t.points for t in a.tests if t.question == q and t.key not in failing(nb)) for q in a.questions}


def test_every_verdict_of_the_corpus_notebooks_goes_through_otter():
    assert {p.parent.name for p in NOTEBOOKS} == {"correct", "wrong"}
    assert {failing(nb) for nb in NOTEBOOKS} == {failing(nb) for nb in ALL_NOTEBOOKS}
    assert len(NOTEBOOKS) < len(ALL_NOTEBOOKS)


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_otter_and_native_agree_question_by_question(ag_zip, grade, nb):
    native = grade(nb).question_scores()
    run = otter_run(ag_zip, nb)
    assert run.exit_code == 0, run.log[-3000:]
    otter = question_scores(run.results)
    assert otter == {q: native.get(q, 0.0) for q in otter}
    assert otter == expected_scores(nb)
