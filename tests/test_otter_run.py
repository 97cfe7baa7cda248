"""`otter run -a <zip>` end to end: the reference notebook gets full marks, a mistaken one the expected
partial score, question by question the same as the native grader; the Gradescope layout too."""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from autograder.authoring import build_assignment
from autograder.authoring.build import solution_notebook
from autograder.otter.run import gradescope_run, otter_run, question_scores
from conftest import CORPUS

pytestmark = pytest.mark.slow

# four mistakes, each in a cell of its own question: what the native grader must find, and otter report
MISTAKES = {
    "return self.f(h + torch.randn_like(h))": "return self.f(h.detach() + torch.randn_like(h))",  # q1b: no gradient to g
    "return self.f(h + z)": "return self.f(h)",  # q1c: no noise
    'REPARAM_NEEDED["model1"] = False': 'REPARAM_NEEDED["model1"] = True',  # q1a: wrong answer
    'D_STAR_CASES["generator_misses"] = 1.0': 'D_STAR_CASES["generator_misses"] = 0.0',  # q3b: two wrong values
    'D_STAR_CASES["generator_hallucinates"] = 0.0': 'D_STAR_CASES["generator_hallucinates"] = 1.0',
}
MISTAKEN_SCORES = {"q1a": 7.0, "q1b": 4.0, "q1c": 6.0, "q2": 10.0, "q3a": 5.0, "q3b": 1.0}
FULL = {"q1a": 8.0, "q1b": 8.0, "q1c": 8.0, "q2": 10.0, "q3a": 5.0, "q3b": 3.0}


def notebook(path: Path, replacements: dict[str, str] | None = None, *, prepend: str | None = None) -> Path:
    """The reference notebook with each `old` text replaced once (and a code cell put first)."""
    nb = nbformat.reads(solution_notebook("sheet03"), as_version=4)
    for old, new in (replacements or {}).items():
        cells = [c for c in nb.cells if c.cell_type == "code" and old in c.source]
        assert len(cells) == 1, old
        cells[0].source = cells[0].source.replace(old, new, 1)
    if prepend:
        nb.cells.insert(2, nbformat.v4.new_code_cell(prepend))
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def ag_zip(tmp_path_factory) -> Path:
    (z,) = (build_assignment("sheet03", tmp_path_factory.mktemp("dist")) / "autograder").iterdir()
    return z


def test_reference_notebook_gets_full_marks(ag_zip, tmp_path, grade):
    nb = notebook(tmp_path / "sheet03.ipynb")
    run = otter_run(ag_zip, nb)
    assert run.exit_code == 0, run.log[-3000:]
    assert question_scores(run.results) == FULL == grade(nb).question_scores()
    (public,) = [t for t in run.results["tests"] if t["name"] == "Public Tests"]
    assert public["visibility"] == "visible" and public["output"].count("All test cases passed!") == 6


def test_mistaken_notebook_gets_the_expected_partial_score_question_by_question(ag_zip, tmp_path, grade):
    nb = notebook(tmp_path / "sheet03.ipynb", MISTAKES)
    run = otter_run(ag_zip, nb)
    assert run.exit_code == 0, run.log[-3000:]
    assert question_scores(run.results) == MISTAKEN_SCORES == grade(nb).question_scores()
    (public,) = [t for t in run.results["tests"] if t["name"] == "Public Tests"]
    native = {t.extra_data["key"]: t for t in grade(nb).tests}
    assert native["q1b.gradients"].output in public["output"]  # the public failure, in the native words
    assert native["q1b.pathwise"].output not in public["output"]  # a hidden one stays hidden
    assert all(t["visibility"] == "after_published" for t in run.results["tests"] if t["name"] != "Public Tests")


def test_gradescope_layout_grades_a_py_file_with_the_zips_own_package_and_rubric(ag_zip):
    wrong = CORPUS / "wrong" / "model2_detach_h.py"  # fails q1b.gradients (public) and q1b.pathwise
    run = gradescope_run(ag_zip, wrong)
    assert run.exit_code == 0, run.log[-3000:]
    assert question_scores(run.results) == {**FULL, "q1b": 4.0}
    assert "/source/autograder/otter/plugin.py" not in run.log  # no traceback from the plugin
