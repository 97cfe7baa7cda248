"""Loading submissions: .py and .ipynb, magics skipped, bad files reported, never raised."""
from __future__ import annotations

import json
from pathlib import Path

import nbformat

from autograder import load


def _nb(path: Path, cells: list) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    nbformat.write(nb, path)
    return path


def test_py_file_keeps_lines(tmp_path):
    p = tmp_path / "a.py"
    p.write_text("x = 1\ny = 2\n")
    src = load.load(p)
    assert isinstance(src, load.Source)
    assert src.text == "x = 1\ny = 2\n"
    assert src.labels[:2] == ["line 1", "line 2"]
    assert src.sha256 == load.digest(p.read_bytes())


def test_notebook_skips_magics_shell_lines_and_markdown(tmp_path):
    p = _nb(tmp_path / "n.ipynb", [
        nbformat.v4.new_markdown_cell("# title"),
        nbformat.v4.new_code_cell("%matplotlib inline\nimport math\n!pip install torch"),
        nbformat.v4.new_code_cell("%%time\nwhile True:\n    pass"),
        nbformat.v4.new_code_cell("def f():\n    %time 1\n    return math.pi"),
    ])
    src = load.load(p)
    assert isinstance(src, load.Source)
    ns: dict = {}
    exec(compile(src.text, "nb", "exec"), ns)  # the cell magic's endless loop is not executed
    assert ns["f"]() == ns["math"].pi
    lines = src.text.splitlines()
    assert lines[1] == "import math" and src.labels[1] == "cell 2, line 2"
    assert src.labels[lines.index("def f():")] == "cell 4, line 1"


def test_invalid_notebook_is_a_failure_not_an_exception(tmp_path):
    p = tmp_path / "bad.ipynb"
    p.write_text("{not json")
    res = load.load(p)
    assert isinstance(res, load.LoadFailure)
    assert "not a valid notebook" in res.message
    p.write_text(json.dumps({"cells": 3}))
    assert isinstance(load.load(p), load.LoadFailure)


def test_unreadable_and_non_utf8_and_wrong_suffix(tmp_path):
    missing = load.load(tmp_path / "nope.py")
    assert isinstance(missing, load.LoadFailure) and "cannot read" in missing.message
    p = tmp_path / "latin.py"
    p.write_bytes(b"x = '\xe9'\n")
    res = load.load(p)
    assert isinstance(res, load.LoadFailure) and "UTF-8" in res.message
    q = tmp_path / "a.txt"
    q.write_text("x")
    res = load.load(q)
    assert isinstance(res, load.LoadFailure) and ".py or .ipynb" in res.message


def test_discover_folders_recursively_and_reports_missing(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.ipynb").write_text("{}")
    (tmp_path / "a.py").write_text("")
    (tmp_path / "notes.txt").write_text("")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "c.py").write_text("")
    files, problems = load.discover([tmp_path, tmp_path / "gone.py"])
    assert [f.name for f in files] == ["a.py", "b.ipynb"]
    assert problems and "gone.py" in problems[0]

