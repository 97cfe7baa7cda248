"""`build_assignment`: the student folder and exactly one otter autograder zip, with what each must hold."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from otter.export.exporters.base_exporter import BaseExporter
from otter.test_files import ExceptionTestFile

from autograder import assignment as assignments
from autograder.authoring import build_assignment
from autograder.authoring.build import solution_notebook
from autograder.authoring.bundle import PLUGIN
from conftest import ROOT


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    return build_assignment("sheet03", tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="module")
def zip_entries(dist) -> dict[str, bytes]:
    (z,) = (dist / "autograder").iterdir()
    with zipfile.ZipFile(z) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def test_layout_is_student_folder_and_exactly_one_zip(dist):
    assert dist.name == "sheet03"
    assert sorted(p.name for p in (dist / "student").iterdir()) == ["package", "sheet03.ipynb", "sheet03.py"]
    (wheel,) = (dist / "student" / "package").iterdir()
    assert wheel.name.startswith("mlsheet_autograder-") and wheel.suffix == ".whl"
    assert [p.suffix for p in (dist / "autograder").iterdir()] == [".zip"]
    assert (dist / "student" / "sheet03.py").read_text() == (ROOT / "student_templates" / "sheet03.py").read_text()


def test_zip_is_otters_autograder_with_our_plugin_package_and_rubric(zip_entries):
    for name in ("run_autograder", "run_otter.py", "setup.sh", "environment.yml", "otter_config.json",
                 "requirements.txt", "pyproject.toml", "assignments/sheet03/assignment.toml",
                 "autograder/__init__.py", "autograder/otter/plugin.py", "autograder/sandbox/child.py"):
        assert name in zip_entries, name
    config = json.loads(zip_entries["otter_config.json"])
    assert config["lang"] == "python" and config["show_hidden"] is True
    assert list(config["plugins"][0]) == [PLUGIN]
    env = zip_entries["environment.yml"].decode()
    assert "otter-grader[grading,plugins]==7.0.0" in env and "torch" in env and "/autograder/source" in env
    assert zip_entries["assignments/sheet03/assignment.toml"] == (ROOT / "assignments/sheet03/assignment.toml").read_bytes()


def test_zip_holds_no_solution_and_no_bytecode(zip_entries):
    names = list(zip_entries)
    assert not any(n.startswith("solutions/") or "_assignments" in n or n.startswith("assignments/") and
                   not n.endswith("assignment.toml") for n in names)
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)
    blob = b"".join(zip_entries.values())
    assert b"whose maximiser is a / (a + b)" not in blob


def test_zip_test_files_declare_every_rubric_test_once_with_its_points_and_visibility(zip_entries):
    a = assignments.load("sheet03")
    declared = {}
    for name, data in zip_entries.items():
        if name.startswith("tests/"):
            tf = ExceptionTestFile.from_string(data.decode(), path=name)
            assert name == f"tests/{tf.name}.py"
            for tc in tf.test_cases:
                declared[tc.name] = (tc.points, tc.hidden)
    expected = {t.name: (t.points, t.visibility == "hidden") for t in a.tests}
    assert declared == expected
    assert sorted(n for n in zip_entries if n.startswith("tests/")) == sorted(
        f"tests/{q}.py" for q in a.questions if any(t.question == q for t in a.tests))


def test_two_builds_give_the_same_bytes(dist, tmp_path):
    again = build_assignment("sheet03", tmp_path)
    (z1,), (z2,) = (dist / "autograder").iterdir(), (again / "autograder").iterdir()
    assert z1.read_bytes() == z2.read_bytes()


def test_student_notebook_has_public_tests_only_check_cells_and_locked_scaffolding(dist):
    a = assignments.load("sheet03")
    nb = nbformat.read(dist / "student" / "sheet03.ipynb", as_version=4)
    tests = nb.metadata.otter.tests
    assert nb.metadata.otter.OK_FORMAT is False
    public = {t.question for t in a.tests if t.visibility == "public"}
    assert set(tests) == public
    text = "\n".join(tests.values())
    for t in a.tests:
        assert (repr(t.key) in text) == (t.visibility == "public"), t.key
    sources = [c.source for c in nb.cells]
    assert "grader = notebook_grader('sheet03')" in sources[1]  # any file name (alice.ipynb) works
    assert nb.metadata.autograder == {"assignment": "sheet03"}
    assert [s for s in sources if s.startswith("grader.check")] == [f'grader.check("{q}")' for q in a.questions if q in public]
    answer_cells = [c for c in nb.cells if "otter_answer_cell" in c.metadata.get("tags", [])]
    assert all(c.cell_type == "code" for c in answer_cells) and len(answer_cells) >= 11
    assert all(c.metadata.get("editable") is False for c in nb.cells if c.cell_type == "markdown")
    assert sources[-1].startswith("grader.export(")


def test_otter_export_filtering_keeps_exactly_the_hand_graded_items(dist):
    nb = BaseExporter.load_notebook(str(dist / "student" / "sheet03.ipynb"), filtering=True, pagebreaks=True)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert [s.split(" = ")[0] for s in code] == ['JUSTIFICATIONS["model1"]', 'JUSTIFICATIONS["model2"]',
                                                  'JUSTIFICATIONS["model3"]', "PROBLEM2_ISSUE",
                                                  'JUSTIFICATIONS["problem2"]', "PROOF_3A"]
    prompts = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "Justification" in prompts and "Show" in prompts and "class Model1" not in "\n".join(code)
    assert prompts.count("#newpage") == 6  # one page per hand-graded item


@pytest.mark.skipif(not (shutil.which("xelatex") and shutil.which("pandoc")), reason="otter export needs pandoc and xelatex")
def test_otter_export_makes_a_pdf_of_the_hand_graded_items(tmp_path):
    from pypdf import PdfReader

    nb = tmp_path / "sheet03.ipynb"
    nb.write_text(solution_notebook("sheet03"))
    r = subprocess.run([sys.executable, "-m", "otter", "export", "--filtering", "--pagebreaks", str(nb), str(tmp_path / "s.pdf")],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    pages = [p.extract_text() for p in PdfReader(tmp_path / "s.pdf").pages]
    filled = [p for p in pages if p.strip() and not p.strip().isdigit()]
    assert len(filled) == 6  # each item on a page of its own (otter starts each on an odd page)
    text = "\n".join(filled)
    assert "JUSTIFICATIONS" in text and "PROBLEM2_ISSUE" in text and "PROOF_3A" in text and "class Model1" not in text
