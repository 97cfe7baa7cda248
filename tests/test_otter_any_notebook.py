"""`grader.check` in a notebook of any name, and each notebook checked against its own assignment's rubric."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from autograder import api
from autograder.authoring.build import solution_notebook
from autograder.otter import student
from conftest import ROOT

OTHER_POINTS = 'points = 2\nvisibility = "public"\nprobe = "q3a"'


def _cut(folder: Path, name: str, assignment: str = "sheet03") -> Path:
    """The reference notebook cut to q3a, saved as `name`, recording `assignment`."""
    nb = nbformat.reads(solution_notebook("sheet03"), as_version=4)
    nb.cells = [c for c in nb.cells if c.source.startswith(("# Initialize Otter", "import torch", "def optimal_discriminator"))
                or c.source == 'grader.check("q3a")']
    nb.metadata["autograder"]["assignment"] = assignment
    path = folder / name
    nbformat.write(nb, path)
    return path


def _other_assignment(root: Path) -> None:
    """Assignment `other`: sheet03's rubric with q3a's public test worth 7 points and renamed."""
    text = (ROOT / "assignments" / "sheet03" / "assignment.toml").read_text()
    text = text.replace('name = "sheet03"', 'name = "other"').replace(
        'name = "q3a: optimal_discriminator equals p*/(p* + p_theta) on random densities"\npoints = 2',
        'name = "q3a (other): D* on random densities"\npoints = 7')
    (root / "other").mkdir(parents=True)
    (root / "other" / "assignment.toml").write_text(text)
    shutil.copytree(ROOT / "assignments" / "sheet03", root / "sheet03")


@pytest.mark.slow
def test_grader_check_runs_in_a_renamed_notebook(tmp_path):
    from nbclient import NotebookClient

    path = _cut(tmp_path, "alice.ipynb")
    _cut(tmp_path, "scratch-of-another-sheet.ipynb", assignment="sheet04")  # another notebook beside it
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    out = "\n".join(o.get("text", "") + o.get("data", {}).get("text/plain", "")
                    for c in nb.cells if c.source == 'grader.check("q3a")' for o in c.outputs)
    assert "Checking alice.ipynb as saved at" in out and "q3a results: All test cases passed!" in out, out


def test_a_notebook_of_another_assignment_is_checked_against_its_own_rubric(tmp_path, monkeypatch):
    _other_assignment(tmp_path / "assignments")
    monkeypatch.setenv("AUTOGRADER_ASSIGNMENTS", str(tmp_path / "assignments"))
    mine = _cut(tmp_path, "mine.ipynb", assignment="other")
    tests, _ = api.check(mine, question="q3a")  # no assignment given: the notebook's own
    assert {t.name: t.max_score for t in tests} == {"q3a (other): D* on random densities": 7,
                                                    "q3a: optimal_discriminator accepts plain floats": 1}
    assert all(t.score == t.max_score for t in tests)
    tests, _ = api.check(_cut(tmp_path, "theirs.ipynb"), question="q3a")  # sheet03's notebook: sheet03's rubric
    assert {t.max_score for t in tests if t.key == "q3a.values"} == {2}


def test_a_test_case_of_one_assignment_refuses_a_notebook_of_another(tmp_path):
    path = _cut(tmp_path, "mine.ipynb", assignment="sheet04")

    class Notebook:  # what `otter.Notebook("mine.ipynb")` keeps
        __module__ = "otter.check.notebook"
        _notebook = str(path)

    with pytest.raises(AssertionError, match="mine.ipynb is a notebook of sheet04, but this check belongs to sheet03"):
        student.verdicts_for({"grader": Notebook()}, "q3a", "sheet03")


def test_the_init_cell_finds_the_notebook_of_its_assignment_whatever_its_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    alice = _cut(tmp_path, "alice.ipynb")
    _cut(tmp_path, "other.ipynb", assignment="sheet04")
    grader = student.notebook_grader("sheet03")
    assert Path(grader._notebook).resolve() == alice.resolve()
    assert student.recorded_assignment(alice) == "sheet03"
    monkeypatch.setenv("JPY_SESSION_NAME", str(tmp_path / "other.ipynb"))  # Jupyter says which notebook runs
    assert Path(student.notebook_grader("sheet04")._notebook).name == "other.ipynb"
    nb = json.loads((ROOT / "student_templates" / "sheet03.ipynb").read_text())
    assert nb["metadata"]["autograder"] == {"assignment": "sheet03"}
    assert "notebook_grader('sheet03')" in "".join(nb["cells"][1]["source"])
