"""A student's `grader.check("q1b")` in the notebook shows the public feedback of `autograder check`."""
from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from autograder import api
from autograder.authoring.build import solution_notebook
from autograder.otter import student
from conftest import cli

DETACH = ("return self.f(h + torch.randn_like(h))", "return self.f(h.detach() + torch.randn_like(h))")


def _student_notebook(folder: Path) -> Path:
    """The reference notebook cut to one wrong question (q1b) and one right one (q3a)."""
    nb = nbformat.reads(solution_notebook("sheet03"), as_version=4)
    keep = []
    for cell in nb.cells:
        src = cell.source
        if (src.startswith(("# Initialize Otter", "import torch", "class Model2", "def optimal_discriminator"))
                or src in ('grader.check("q1b")', 'grader.check("q3a")')):
            keep.append(cell)
    nb.cells = keep
    (model2,) = [c for c in nb.cells if c.source.startswith("class Model2")]
    model2.source = model2.source.replace(*DETACH)
    path = folder / "sheet03.ipynb"
    nbformat.write(nb, path)
    return path


def _outputs(cell) -> str:
    return "\n".join(o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in cell.get("outputs", []))


@pytest.mark.slow
def test_grader_check_in_the_notebook_shows_what_autograder_check_says(tmp_path):
    path = _student_notebook(tmp_path)
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    checks = {c.source: _outputs(c) for c in nb.cells if c.source.startswith("grader.check")}
    q1b, q3a = checks['grader.check("q1b")'], checks['grader.check("q3a")']

    tests, _ = api.check(path, question="q1b")
    assert [t.key for t in tests] == ["q1b.forward", "q1b.gradients"]
    (wrong,) = [t for t in tests if t.score < t.max_score]
    assert wrong.key == "q1b.gradients" and wrong.output in q1b  # the same words, in the notebook
    assert "Test case failed" in q1b and "q1b: Model2 forward returns" in q1b
    assert "Checking sheet03.ipynb as saved at" in q1b
    assert "q3a results: All test cases passed!" in q3a

    r = cli("check", str(path), "--question", "q1b")  # and in the terminal
    assert r.returncode == 1 and wrong.output.split("(")[0] in r.stdout


def test_the_check_subprocess_prints_the_public_verdicts_as_json(tmp_path, capfd):
    path = _student_notebook(tmp_path)
    assert student.main([str(path), "--question", "q3a"]) == 0
    payload = json.loads(capfd.readouterr().out.strip().splitlines()[-1])
    assert {v["key"]: v["outcome"] for v in payload["verdicts"]} == {"q3a.values": "passed", "q3a.floats": "passed"}
    assert student.main([str(path), "--question", "q9"]) == 0
    assert "unknown question" in json.loads(capfd.readouterr().out.strip().splitlines()[-1])["error"]


def test_locate_finds_the_notebook_otter_was_given_then_the_only_one_here(tmp_path, monkeypatch):
    nb = tmp_path / "mine.ipynb"
    nb.write_text("{}")

    class Notebook:  # what `otter.Notebook("mine.ipynb")` keeps
        __module__ = "otter.check.notebook"
        _notebook = str(nb)

    assert student.locate({"grader": Notebook()}) == nb.resolve()
    monkeypatch.chdir(tmp_path)
    assert student.locate({}) == nb.resolve()
    (tmp_path / "other.ipynb").write_text("{}")
    with pytest.raises(AssertionError, match="cannot tell which notebook"):
        student.locate({})
