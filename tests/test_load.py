"""Loading submissions: .py and .ipynb read as IPython reads them, bad files reported, never raised."""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import nbformat
import pytest

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
    assert src.labels == [] and [src.label(1), src.label(2)] == ["line 1", "line 2"]  # a .py file's lines are its own
    assert src.sha256 == load.digest(p.read_bytes())


def _run(src: load.Source) -> dict:
    ns: dict = {}
    exec(compile(src.text, "nb", "exec"), ns)
    return ns


def _failed_line(exc: BaseException) -> int:
    tb = exc.__traceback__
    while tb.tb_next:
        tb = tb.tb_next
    return tb.tb_lineno


def test_notebook_ipython_syntax_is_read_as_ipython_reads_it(tmp_path):
    p = _nb(tmp_path / "n.ipynb", [
        nbformat.v4.new_markdown_cell("# title"),
        nbformat.v4.new_code_cell("%matplotlib inline\nimport math\n!pip install torch\nmath.sqrt?\nmath.pi??\n?math"),
        nbformat.v4.new_code_cell("files = !ls /\nt = %time math.sqrt(16)\n%time u = 5\n%config InlineBackend.figure_format = 'svg'"),
        nbformat.v4.new_code_cell("def f():\n    %time 1\n    return math.pi\nshell = get_ipython()"),
    ])
    src = load.load(p)
    assert isinstance(src, load.Source)
    ns = _run(src)
    assert ns["f"]() == ns["math"].pi and ns["t"] == 4.0 and ns["u"] == 5
    assert ns["files"] == [] and ns["shell"] is None  # a shell command gives nothing; no IPython shell, as in a script
    assert "get_ipython" not in src.text
    lines = src.text.splitlines()
    assert lines[1] == "import math" and src.labels[1] == "cell 2, line 2"
    assert src.labels[lines.index("def f():")] == "cell 4, line 1"
    assert src.labels[lines.index("u = 5")] == "cell 3, line 3"


def test_cell_magics_time_capture_run_their_body_writefile_does_not(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # %%writefile writes helper.py into the working directory
    p = _nb(tmp_path / "n.ipynb", [
        nbformat.v4.new_code_cell("%%time\na = 1\nmath?"),
        nbformat.v4.new_code_cell("%%capture out\nb = 2"),
        nbformat.v4.new_code_cell("out.show()\nshown = out.stdout"),
        nbformat.v4.new_code_cell("%%timeit -n 1\nc = 3"),
        nbformat.v4.new_code_cell("%%writefile helper.py\nraise SystemExit('must not run')"),
        nbformat.v4.new_code_cell("%%bash\nrm -rf /"),
        nbformat.v4.new_code_cell("%%time\nd = undefined_name"),
    ])
    src = load.load(p)
    assert isinstance(src, load.Source)
    with pytest.raises(NameError) as err:
        _run(src)
    assert src.label(_failed_line(err.value)) == "cell 7, line 2"  # the body of a cell magic keeps its own line numbers
    ns: dict = {}
    exec(compile(src.text.replace("d = undefined_name", "d = 4"), "nb", "exec"), ns)
    assert (ns["a"], ns["b"], ns["d"], ns["shown"]) == (1, 2, 4, "")  # `out` is bound, as IPython binds it
    assert "c" not in ns  # %%timeit's body ran in a scope of its own, as in IPython's timing function
    assert (tmp_path / "helper.py").read_text() == "raise SystemExit('must not run')\n"  # written, not run


def test_labels_stay_right_when_ipython_joins_or_drops_lines(tmp_path):
    p = _nb(tmp_path / "n.ipynb", [
        nbformat.v4.new_code_cell("\n\n!pip install \\\n    torch\nx = 1\ny = 1 / 0"),
    ])
    src = load.load(p)
    assert isinstance(src, load.Source)
    with pytest.raises(ZeroDivisionError) as err:
        _run(src)
    assert src.label(_failed_line(err.value)) == "cell 1, line 6"


def test_a_syntax_error_keeps_its_cell_and_line(tmp_path):
    p = _nb(tmp_path / "n.ipynb", [nbformat.v4.new_code_cell("%matplotlib inline\nx = (1,\n"),
                                   nbformat.v4.new_code_cell("y = 2")])
    src = load.load(p)
    assert isinstance(src, load.Source)
    with pytest.raises(SyntaxError) as err:
        compile(src.text, "nb", "exec")
    assert src.label(err.value.lineno) in {"cell 1, line 2", "cell 2, line 1"}


def test_outputs_do_not_count_against_the_code_limit(tmp_path):
    code = "import math\n" + "x = 1  # padding\n" * 1200  # about 20 KB of code
    image = nbformat.v4.new_output("display_data", data={"image/png": "A" * (3 << 20)})
    cells = [nbformat.v4.new_code_cell(code, outputs=[image]) for _ in range(10)]
    p = _nb(tmp_path / "plots.ipynb", cells)
    assert p.stat().st_size > 30_000_000
    src = load.load(p)
    assert isinstance(src, load.Source) and "import math" in src.text


def test_code_over_the_limit_and_files_over_the_raw_cap_are_refused(tmp_path, monkeypatch):
    p = _nb(tmp_path / "big.ipynb", [nbformat.v4.new_code_cell("x = 1\n" * (load.MAX_BYTES // 6 + 10))])
    res = load.load(p)
    assert isinstance(res, load.LoadFailure) and "of code (outputs are not counted)" in res.message
    py = tmp_path / "big.py"
    py.write_bytes(b"#" * (load.MAX_BYTES + 1))
    res = load.load(py)
    assert isinstance(res, load.LoadFailure) and "over the 5.0 MiB limit" in res.message
    monkeypatch.setattr(load, "MAX_RAW_BYTES", 1000)
    q = _nb(tmp_path / "raw.ipynb", [nbformat.v4.new_code_cell("x = 1", outputs=[
        nbformat.v4.new_output("stream", name="stdout", text="y" * 5000)])])
    assert len(load.read(q)) == 1001  # never read further than one byte past the cap
    res = load.load(q)
    assert isinstance(res, load.LoadFailure) and "over the 1000 bytes limit" in res.message and "with its outputs" in res.message


@pytest.mark.parametrize("content, why", [
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('{"cells": [' + "[" * 100_000 + "]" * 100_000 + "]}", "nested too deeply"),
    ('{"cells": [{"cell_type": "code", "source": 3}]}', "the source of cell 1 is a JSON number, not text"),
    ('{"cells": [{"cell_type": "code", "source": null}]}', "the source of cell 1 is a JSON null, not text"),
    ('{"cells": [{"cell_type": "code", "source": ["x = 1", 2]}]}', "the source of cell 1 is a JSON array, not text"),
    ('{"cells": 3}', "its `cells` is a JSON number, not a list"),
    ('{"cells": [{"cell_type": "code", "source": "x = 1"}, "text"]}', "cell 2 is a JSON string, not an object"),
    ('{"nbformat": 4}', "it has no list of cells"),
    ("[1, 2]", "its top level is a JSON array, not an object"),
    ('{"cells": [{"cell_type": "code", "source": ["x = 1  # \\ud83d"]}]}', "the source of cell 1 holds '\\ud83d' at character 10"),
    ("{not json", "it is not JSON"),
])
def test_malformed_notebooks_are_a_clear_failure_never_an_exception(tmp_path, content, why):
    p = tmp_path / "bad.ipynb"
    p.write_text(content)
    res = load.load(p)
    assert isinstance(res, load.LoadFailure)
    assert res.message.startswith("bad.ipynb is not a valid notebook: ") and why in res.message


def test_millions_of_blank_lines_make_no_huge_labels(tmp_path):
    body = "x = 1\n" + "\n" * 5_200_000
    py = tmp_path / "blank.py"
    py.write_text(body + "y = 2\n")
    src = load.load(py)
    assert isinstance(src, load.Source) and src.labels == [] and src.label(5_200_002) == "line 5200002"
    p = _nb(tmp_path / "blank.ipynb", [nbformat.v4.new_code_cell(body), nbformat.v4.new_code_cell("y = 2")])
    src = load.load(p)
    assert isinstance(src, load.Source) and src.labels == ["cell 1, line 1", "cell 2, line 1", "end"]
    q = _nb(tmp_path / "long.ipynb", [nbformat.v4.new_code_cell(body + "y = 2")])
    res = load.load(q)
    assert isinstance(res, load.LoadFailure) and f"more than {load.MAX_LINES} lines" in res.message


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



def test_a_link_out_of_the_submissions_folder_is_refused(tmp_path):
    subs, secret = tmp_path / "subs", tmp_path / "solutions"
    subs.mkdir()
    secret.mkdir()
    (secret / "sheet03.py").write_text("ANSWER = 1\n")
    (subs / "alice.py").write_text("x = 1\n")
    (subs / "mallory.py").symlink_to(secret / "sheet03.py")
    (subs / "alias.py").symlink_to(subs / "alice.py")  # inside the folder: fine
    (subs / "linked").symlink_to(secret, target_is_directory=True)
    files, problems = load.discover([subs])
    assert sorted(f.name for f in files) == ["alias.py", "alice.py"]
    assert any("mallory.py: a symbolic link to" in p and "outside" in p for p in problems)
    assert not any("linked" in str(f) for f in files)
    files, problems = load.discover([subs / "mallory.py"])
    assert files == [] and "not graded" in problems[0]


def test_ipython_leaves_plain_python_as_it_is_so_the_loader_may_skip_it():
    """The loader's fast path rests on this: IPython's transformers do not change code that is valid Python."""
    from IPython.core.inputtransformer2 import TransformerManager

    root = Path(__file__).resolve().parent.parent
    files = [root / "solutions" / "sheet03.py", *sorted((root / "tests" / "corpus").glob("*/*.py"))]
    assert len(files) > 20
    manager = TransformerManager()
    for f in files:
        text = load.load(f).text.strip("\n") + "\n"  # decoded as Python decodes it (one file is cp1252)
        assert manager.transform_cell(text) == text, f.name


def test_a_notebook_calling_display_without_importing_it_is_graded_as_in_jupyter(tmp_path, grade):
    """IPython's shell gives every notebook `display()`; outside a shell it prints (as the sandbox does). A .py has
    it too: Colab's "Download .py" keeps a notebook's display() calls, which plain Python could only fail on."""
    from conftest import SOLUTION

    p = _nb(tmp_path / "display.ipynb", [
        nbformat.v4.new_code_cell(SOLUTION.read_text()),
        nbformat.v4.new_code_cell("display(REPARAM_NEEDED, D_STAR_CASES, clear=False)"),
    ])
    res = grade(p)
    assert (res.score, res.max_score) == (42, 42), [t.output for t in res.tests if t.score < t.max_score][:2]
    py = tmp_path / "display.py"
    py.write_text(SOLUTION.read_text() + "\ndisplay(REPARAM_NEEDED)\n")
    res = grade(py)
    assert (res.score, res.max_score) == (42, 42), [t.output for t in res.tests if t.score < t.max_score][:2]
    assert "{'model1': False" in res.output  # what display() printed


def test_a_link_swapped_in_after_discovery_is_not_read(tmp_path):
    subs, secret = tmp_path / "subs", tmp_path / "solutions"
    (subs / "inner").mkdir(parents=True)
    secret.mkdir()
    (secret / "sheet03.py").write_text("ANSWER = 1\n")
    (subs / "mallory.py").write_text("x = 1\n")
    (subs / "inner" / "bob.py").write_text("y = 2\n")
    files, problems = load.discover([subs])
    assert problems == [] and [f.name for f in files] == ["bob.py", "mallory.py"]
    assert load.read(files[0], within=load.folder_of(files[0], [subs])) == b"y = 2\n"
    (subs / "mallory.py").unlink()
    (subs / "mallory.py").symlink_to(secret / "sheet03.py")  # swapped in between discovery and reading
    with pytest.raises(OSError) as err:
        load.read(files[1], within=load.folder_of(files[1], [subs]))
    assert "a symbolic link to" in err.value.strerror and "outside" in err.value.strerror
    (subs / "inner").rename(tmp_path / "inner-moved")
    (subs / "inner").symlink_to(secret, target_is_directory=True)  # a folder swapped for a link
    (secret / "bob.py").write_text("SECRET = 1\n")
    with pytest.raises(OSError):
        load.read(files[0], within=load.folder_of(files[0], [subs]))


def test_a_fifo_swapped_in_is_refused_not_waited_on(tmp_path):
    import os

    (tmp_path / "f.py").write_text("x = 1\n")
    files, _ = load.discover([tmp_path])
    (tmp_path / "f.py").unlink()
    os.mkfifo(tmp_path / "f.py")
    with pytest.raises(OSError) as err:
        load.read(files[0], within=tmp_path)
    assert err.value.strerror == "not a regular file"


def test_a_pep263_declaration_is_honoured_and_undeclared_non_utf8_is_refused(tmp_path):
    text = "# -*- coding: cp1252 -*-\n# Übung – Lösung\nx = 'é'\n"
    p = tmp_path / "win.py"
    p.write_bytes(text.encode("cp1252"))
    src = load.load(p)
    assert isinstance(src, load.Source) and src.text == text and _run(src)["x"] == "é"
    bom = tmp_path / "bom.py"
    bom.write_bytes(b"\xef\xbb\xbfx = '\xc3\xa9'\n")
    assert load.load(bom).text == "x = 'é'\n"
    cases = {b"x = 1\n# \xdcbung\n": "is not UTF-8 text (byte 8): save it as UTF-8, or name its encoding on line 1",
             b"# coding: klingon\nx = 1\n": "has an encoding declaration Python cannot use (unknown encoding: klingon)",
             b"\xef\xbb\xbf# coding: latin-1\nx = 1\n": "has an encoding declaration Python cannot use",
             b"# coding: cp1252\nx = '\x81'\n": "declares the encoding cp1252 (PEP 263), but byte 22 is not cp1252 text",
             b"# coding: rot13\nx = 1\n": "declares the encoding rot13, in which Python cannot read source",
             b"# coding: utf-16\nx = 1\n": "declares the encoding utf-16, in which Python cannot read source",
             b"# coding: punycode\nx = 1\n": "declares the encoding punycode, in which Python cannot read source"}
    for data, why in cases.items():
        res = load.parse(tmp_path / "bad.py", data)
        assert isinstance(res, load.LoadFailure) and res.message.startswith("bad.py ") and why in res.message, res.message
        assert "your fault" in res.message


def test_the_child_writes_the_source_file_in_its_declared_encoding():
    """inspect, linecache and TorchScript read submission.py back through its PEP 263 line: they must get the text."""
    import io
    import tokenize

    from autograder.sandbox import child

    for text in ("# -*- coding: cp1252 -*-\nx = 'Lösung'\n", "x = 'Lösung'\n", "# coding: euc-jp\nx = '解'\n"):
        data = child._as_file(text)
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        assert data.decode(encoding) == text and (data == text.encode()) == ("coding" not in text)
    for text in ("# coding: latin-1\nx = 'λ'\n", "# coding: rot13\nx = 1\n", "# coding: utf-16\nx = 1\n"):
        assert child._as_file(text) == text.encode()  # a notebook cell may declare what no reader can honour: UTF-8


def test_writefile_writes_its_body_where_the_import_finds_it_and_runs_none_of_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    p = _nb(tmp_path / "n.ipynb", [
        nbformat.v4.new_code_cell("%%writefile helpers_wf.py\nSIDE = 'module'\nraise_here = 1"),
        nbformat.v4.new_code_cell("%%file -a helpers_wf.py\nMORE = 2"),  # IPython's alias
        nbformat.v4.new_code_cell("%%writefile /tmp/outside_wf.py\nx = 1"),
        nbformat.v4.new_code_cell("%%writefile ../up_wf.py\nx = 1"),
        nbformat.v4.new_code_cell("%%writefile \"{name}.py\"\nx = 1"),
        nbformat.v4.new_code_cell("%%writefile\nno name"),
        nbformat.v4.new_code_cell("from helpers_wf import SIDE, MORE\ny = 1 / 0"),
    ])
    src = load.load(p)
    assert isinstance(src, load.Source)
    assert [src.labels[i] for i, line in enumerate(src.text.splitlines()) if "# (not run)" in line] == [
        "cell 1, line 2", "cell 1, line 3", "cell 2, line 2", "cell 3, line 2", "cell 4, line 2", "cell 5, line 2",
        "cell 6, line 2"]
    monkeypatch.syspath_prepend(str(tmp_path))  # the child puts its working directory first on sys.path
    with pytest.raises(ZeroDivisionError) as err:
        _run(src)
    assert src.label(_failed_line(err.value)) == "cell 7, line 2"
    assert (tmp_path / "helpers_wf.py").read_text() == "SIDE = 'module'\nraise_here = 1\nMORE = 2\n"
    assert sorted(f.name for f in tmp_path.iterdir()) == ["helpers_wf.py", "n.ipynb"]  # nothing else written
    assert not Path("/tmp/outside_wf.py").exists() and not (tmp_path.parent / "up_wf.py").exists()
    assert "SIDE" not in _run_without_import(src)  # the body defines nothing in the notebook itself


def test_timeit_runs_its_code_once_in_a_scope_of_its_own_as_ipythons_timing_function(tmp_path):
    """A `%%timeit` cell that redefines a helper to time an alternative left the notebook with that alternative
    (38/42: a .sample() helper cut the encoder's gradient); in IPython the timing function binds nothing."""
    p = _nb(tmp_path / "n.ipynb", [
        nbformat.v4.new_code_cell("calls = []\ndef helper():\n    return 'notebook'"),
        nbformat.v4.new_code_cell("%%timeit\ndef helper():\n    return 'timed'\ncalls.append(helper())"),
        nbformat.v4.new_code_cell("%timeit bound = calls.append('line')"),
        nbformat.v4.new_code_cell("%time kept = 1"),
    ])
    src = load.load(p)
    assert isinstance(src, load.Source)
    ns = _run(src)
    assert ns["helper"]() == "notebook" and "bound" not in ns and ns["kept"] == 1
    assert ns["calls"] == ["timed", "line"]  # run once each, reading (and mutating) the notebook's objects


def test_run_magic_runs_a_file_of_the_folder_and_gives_the_notebook_its_names(tmp_path, monkeypatch):
    """`%%writefile models_rf.py` then `%run models_rf.py`, a Jupyter pattern: the classes the file defines are the
    notebook's, as IPython's %run gives them (12/42 before: every model 'not defined')."""
    monkeypatch.chdir(tmp_path)
    p = _nb(tmp_path / "n.ipynb", [
        nbformat.v4.new_code_cell("%%writefile models_rf.py\nclass Model1:\n    pass\nWHO = __name__"),
        nbformat.v4.new_code_cell("%run models_rf.py\nFIRST = WHO"),  # as __main__
        nbformat.v4.new_code_cell("%run -n models_rf.py\nNAMED = WHO"),  # -n: under its own name
        nbformat.v4.new_code_cell("counter = 1"),
        nbformat.v4.new_code_cell("%%writefile bump_rf.py\ncounter += 1"),
        nbformat.v4.new_code_cell("%run -i bump_rf.py"),  # -i: in the notebook's namespace
        nbformat.v4.new_code_cell("%run ../outside_rf.py\n%run -m models_rf\n%run -d models_rf.py"),  # not run
    ])
    src = load.load(p)
    assert isinstance(src, load.Source)
    ns = _run(src)
    assert ns["Model1"].__name__ == "Model1" and (ns["FIRST"], ns["NAMED"]) == ("__main__", "models_rf")
    assert ns["counter"] == 2
    assert [line.split("  #")[0] for line in src.text.splitlines()[-3:]] == ["None", "None", "None"]


def _run_without_import(src: load.Source) -> dict:
    ns: dict = {}
    exec(compile(src.text.split("from helpers_wf")[0], "nb", "exec"), ns)
    return ns


def _tagged(tmp_path: Path, *cells: tuple[str, bool]) -> load.Source:
    meta = {"tags": ["raises-exception"]}
    src = load.load(_nb(tmp_path / "t.ipynb", [nbformat.v4.new_code_cell(c, metadata=meta if tag else {}) for c, tag in cells]))
    assert isinstance(src, load.Source)
    return src


def _child_load(src: load.Source, monkeypatch, cell_errors: list | None = None) -> dict:
    """The child's own loading (in this process: no sandbox needed to see which exceptions pass)."""
    import sys
    import types

    from autograder.sandbox import child

    monkeypatch.setitem(sys.modules, "otter", types.ModuleType("otter"))
    monkeypatch.setitem(sys.modules, "submission", types.ModuleType("submission"))
    monkeypatch.setitem(sys.modules, "__main__", sys.modules["__main__"])  # a notebook is __main__ while it loads
    monkeypatch.setattr(child, "SUBMISSION_FILENAME", "nb")
    monkeypatch.setattr(sys, "argv", list(sys.argv))  # the child sets it to the submission's name
    return child._load(src.text, src.labels, cell_errors=cell_errors)


def test_a_cell_tagged_raises_exception_may_raise_as_nbclient_allows(tmp_path, monkeypatch):
    src = _tagged(tmp_path, ("a = 1", False), ("b = 2\nraise ValueError('on purpose')\nnever = 3", True),
                  ("c = a + b", False), ("d = (", True), ("e = 5", False))
    assert src.labels[1:3] == ["cell 2 [raises-exception], line 1", "cell 2 [raises-exception], line 2"]
    ns = _child_load(src, monkeypatch)
    assert (ns["a"], ns["b"], ns["c"], ns["e"]) == (1, 2, 3, 5) and "never" not in ns  # a tagged syntax error: skipped


def test_a_cells_exit_or_interrupt_ends_only_that_cell_as_in_ipythons_shell(tmp_path, monkeypatch):
    """`raise SystemExit("stop here")` before a long training cell, common in course notebooks, cost everything."""
    src = _tagged(tmp_path, ("a = 1", False), ("raise SystemExit('stop here')\nnever = 1", False),
                  ("import sys\nsys.exit(3)", True), ("raise KeyboardInterrupt", False), ("b = 2", False))
    errors: list = []
    ns = _child_load(src, monkeypatch, errors)
    assert (ns["a"], ns["b"]) == (1, 2) and "never" not in ns
    assert [(e["exc_type"], e["where"]) for e in errors] == [("SystemExit", "cell 2, line 1"),
                                                            ("KeyboardInterrupt", "cell 4, line 1")]
    assert errors[0]["message"] == "the cell called sys.exit('stop here'); in a notebook that ends only the cell"


@pytest.mark.parametrize("cells, exc, where", [
    ([("raise MemoryError", True)], MemoryError, "cell 1 [raises-exception], line 1"),
    ([("x = 1", False), ("raise MemoryError", False)], MemoryError, "cell 2, line 1"),
])
def test_what_no_notebook_cell_lets_pass(tmp_path, monkeypatch, cells, exc, where):
    src = _tagged(tmp_path, *cells)
    with pytest.raises(exc) as err:
        _child_load(src, monkeypatch)
    line = err.value.lineno if exc is SyntaxError else _failed_line(err.value)
    assert src.label(line) == where


def test_an_untagged_cell_that_raises_or_does_not_compile_is_reported_and_the_next_cells_run(tmp_path, monkeypatch):
    """As otter-grader runs a notebook (errors ignored) and Jupyter's Run All with errors allowed: the error is the
    student's to read, and costs only what the cell would have defined."""
    src = _tagged(tmp_path, ("a = 1", False), ("b = 2\nraise ValueError('plot failed')\nnever = 3", False),
                  ("x = (", False), ("raise RuntimeError('demo')", True), ("c = a + b\ny = undefined", False), ("e = 5", False))
    errors: list = []
    ns = _child_load(src, monkeypatch, errors)
    assert (ns["a"], ns["b"], ns["c"], ns["e"]) == (1, 2, 3, 5) and "never" not in ns and "y" not in ns
    assert [(e["exc_type"], e["where"]) for e in errors] == [
        ("ValueError", "cell 2, line 2"), ("SyntaxError", "cell 3, line 1"), ("NameError", "cell 5, line 2")]
    assert "plot failed" in errors[0]["message"]  # the tagged cell's RuntimeError is expected: not reported


def test_a_py_file_stops_at_its_first_error(tmp_path, monkeypatch):
    py = tmp_path / "s.py"
    py.write_text("a = 1\nraise ValueError('stop')\nb = 2\n")
    src = load.load(py)
    assert isinstance(src, load.Source)
    with pytest.raises(ValueError):
        _child_load(src, monkeypatch, [])


def test_future_imports_hold_past_a_tagged_cell(tmp_path, monkeypatch):
    src = _tagged(tmp_path, ("from __future__ import annotations", False), ("raise ValueError", True),
                  ("def f(x: undefined_name) -> int:\n    return x", False))
    assert _child_load(src, monkeypatch)["f"].__annotations__ == {"x": "undefined_name", "return": "int"}


def test_notebooks_tagged_or_writing_files_are_graded_in_the_sandbox(tmp_path, grade):
    """Through the real child: the workdir is the cwd and on sys.path; a tagged cell's error passes silently, an
    untagged one's is reported, and costs what the cell did not define."""
    from conftest import SOLUTION

    solution = SOLUTION.read_text()
    ok = _nb(tmp_path / "ok.ipynb", [
        nbformat.v4.new_code_cell("%%writefile sheet_wf.py\n" + solution),
        nbformat.v4.new_code_cell("import os\nassert os.path.isfile('sheet_wf.py')"),  # the workdir is the cwd
        nbformat.v4.new_code_cell("raise RuntimeError('demo')", metadata={"tags": ["raises-exception"]}),
        nbformat.v4.new_code_cell("from sheet_wf import *"),
    ])
    res = grade(ok)
    assert (res.score, res.max_score) == (42, 42), [t.output for t in res.tests if t.score < t.max_score][:2]
    plot = _nb(tmp_path / "plot.ipynb", [
        nbformat.v4.new_code_cell(solution),
        nbformat.v4.new_code_cell("x = 1\nraise RuntimeError('plot failed')"),
    ])
    res = grade(plot)
    assert (res.score, res.max_score) == (42, 42)
    assert "cell 2, line 2: RuntimeError: plot failed" in res.output and "the cells after them still ran" in res.output
    late = _nb(tmp_path / "late.ipynb", [
        nbformat.v4.new_code_cell("raise RuntimeError('before the models')\n" + solution),
    ])
    res = grade(late)
    assert res.score == 0 and "`Model1` is not defined (a cell of your notebook raised an error" in res.tests[0].output
    assert "cell 1, line 1: RuntimeError: before the models" in res.output


def test_a_cell_tagged_skip_execution_is_not_run_as_nbclient_skips_it(tmp_path):
    p = _nb(tmp_path / "s.ipynb", [
        nbformat.v4.new_code_cell("a = 1"),
        nbformat.v4.new_code_cell("%%time\nraise SystemExit('hours of training')\na = 2", metadata={"tags": ["skip-execution"]}),
        nbformat.v4.new_code_cell("b = a\nc = undefined_name"),
    ])
    src = load.load(p)
    assert isinstance(src, load.Source) and src.labels[1:4] == ["cell 2, line 1", "cell 2, line 2", "cell 2, line 3"]
    ns: dict = {}
    with pytest.raises(NameError) as err:
        exec(compile(src.text, "nb", "exec"), ns)
    assert ns["b"] == 1 and src.label(_failed_line(err.value)) == "cell 3, line 2"  # cell 2 did not run


def test_a_writefile_name_or_body_cannot_inject_code():
    """The name and the body reach the written line as string constants, whatever quotes or newlines they hold."""
    import ast

    from autograder.load import magics

    cell = "%%writefile \"x'); import os; os.system('id'); ('.py\"\n'''\"\"\"\\\nend"
    head, *rest = magics.to_python(cell)
    assert len(rest) == 2 and all(line.startswith("# (not run) ") for line in rest)
    (stmt,) = ast.parse(head).body
    assert isinstance(stmt, ast.With)
    call = stmt.items[0].context_expr
    assert [a.value for a in call.args] == ["x'); import os; os.system('id'); ('.py", "w"]
    write = stmt.body[0].value
    assert write.args[0].value == "'''\"\"\"\\\nend\n"


def _exported(tmp_path: Path, cells: list[str]) -> Path:
    """A notebook written as `jupyter nbconvert --to script` (and JupyterLab's "Download as Python") writes it."""
    from nbconvert.exporters import PythonExporter

    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                                            "language_info": {"name": "python", "file_extension": ".py"}})
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    body, _ = PythonExporter().from_notebook_node(nb)
    path = tmp_path / "exported.py"
    path.write_text(body)
    return path


def test_a_notebook_exported_as_a_script_is_read_as_the_notebook(tmp_path, monkeypatch):
    """nbconvert writes magics as get_ipython() calls (for `ipython file.py`): they do what the notebook's magics do."""
    monkeypatch.chdir(tmp_path)
    path = _exported(tmp_path, [
        "%matplotlib inline\n!pip install -q torch\nfiles = !ls",
        "%%capture out\n!pip install -q otter-grader\nA = 1",
        "%%time\nclass Model:\n    pass\nB = A + 1",
        "%%writefile helpers_exported.py\nSIDE = 'module'",
        "%%bash\necho never",
        "from helpers_exported import SIDE\nC = %time B + 1\ndisplay(C)",
    ])
    assert "get_ipython()" in path.read_text()
    src = load.load(path)
    assert isinstance(src, load.Source) and src.ipython and src.labels == []
    assert len(src.text.rstrip().splitlines()) == len(path.read_text().rstrip().splitlines())  # every line keeps its number
    assert "get_ipython" not in src.text
    monkeypatch.syspath_prepend(str(tmp_path))
    ns = _child_load(src, monkeypatch)
    assert (ns["files"], ns["A"], ns["B"], ns["C"], ns["SIDE"], ns["out"].stdout) == ([], 1, 2, 3, "module", "")
    assert isinstance(ns["Model"], type)
    assert (tmp_path / "helpers_exported.py").read_text() == "SIDE = 'module'\n"  # as nbconvert wrote the body


def test_a_script_of_ones_own_calling_get_ipython_sees_none_and_others_are_left_as_they_are(tmp_path, monkeypatch):
    own = tmp_path / "own.py"
    own.write_text("from IPython import get_ipython\nIN_SHELL = get_ipython() is not None\n")
    src = load.load(own)
    assert isinstance(src, load.Source) and src.ipython
    assert _child_load(src, monkeypatch)["IN_SHELL"] is False
    plain = tmp_path / "plain.py"
    plain.write_text("x = 1\n")
    src = load.load(plain)
    assert isinstance(src, load.Source) and not src.ipython and src.text == "x = 1\n"


def test_a_py_holding_ipython_lines_is_read_as_ipython_reads_it_and_a_python_error_stays_one(tmp_path, monkeypatch):
    """Colab's "Download .py" comments out % magics but keeps `!cmd` lines: not Python, yet what IPython runs."""
    colab = tmp_path / "colab.py"
    colab.write_text('"""Automatically generated by Colab."""\n\n!pip install -q torchinfo\n\n'
                     "# Commented out IPython magic to ensure Python compatibility.\nimport math\n# %matplotlib inline\n"
                     "files = !ls\n%time X = math.pi\n")
    src = load.load(colab)
    assert isinstance(src, load.Source) and src.ipython and src.labels == []
    assert len(src.text.splitlines()) == len(colab.read_text().splitlines())  # every line keeps its number
    ns = _child_load(src, monkeypatch)
    assert (ns["files"], ns["X"]) == ([], math.pi)
    broken = tmp_path / "broken.py"
    broken.write_text("!pip install -q torchinfo\nx = (1,\n")  # still no Python once the shell line does nothing
    src = load.load(broken)
    assert isinstance(src, load.Source) and not src.ipython and src.text == broken.read_text()  # its own SyntaxError, graded as such


def test_a_module_level_parse_args_sees_the_options_of_python_file_py(tmp_path, monkeypatch):
    """pytorch/examples `vae/main.py` parses its options at import: in the child argv is the file's, not the server's."""
    script = tmp_path / "cli.py"
    script.write_text("import argparse, sys\nparser = argparse.ArgumentParser()\nparser.add_argument('--epochs', type=int, default=10)\n"
                      "args = parser.parse_args()\nARGV = list(sys.argv)\n")
    src = load.load(script)
    assert isinstance(src, load.Source)
    monkeypatch.setattr(sys, "argv", ["forkserver.py", "5", "61000", "1", "1"])
    ns = _child_load(src, monkeypatch)
    assert (ns["args"].epochs, ns["ARGV"]) == (10, ["nb"])


def test_a_future_import_may_open_any_cell_as_ipython_compiles_cell_by_cell(tmp_path, monkeypatch):
    """pytorch/examples vae/main.py starts with `from __future__ import print_function`: pasted into a later cell it runs
    in Jupyter (each cell is compiled alone), so it must load here too, its flag holding in the cells after it."""
    src = load.load(_nb(tmp_path / "f.ipynb", [
        nbformat.v4.new_code_cell("!pip install -q torch\nx = 1"),
        nbformat.v4.new_code_cell("from __future__ import annotations\ndef f(a: undefined_name) -> int:\n    return a"),
        nbformat.v4.new_code_cell("def g(b: other_name):\n    return b"),
    ]))
    assert isinstance(src, load.Source)
    ns = _child_load(src, monkeypatch)
    assert ns["x"] == 1 and ns["f"].__annotations__ == {"a": "undefined_name", "return": "int"}
    assert ns["g"].__annotations__ == {"b": "other_name"}
    late = load.load(_nb(tmp_path / "g.ipynb", [nbformat.v4.new_code_cell("x = 1\nfrom __future__ import annotations")]))
    errors: list = []
    _child_load(late, monkeypatch, errors)  # inside a cell, not at its top: Jupyter refuses that cell as well
    assert [(e["exc_type"], e["where"]) for e in errors] == [("SyntaxError", "cell 1, line 2")]


def test_a_syntax_error_names_the_python_that_read_it(tmp_path, monkeypatch):
    """A file written for a newer Python (Colab runs 3.12: PEP 701 f-strings) fails to compile on an older grader:
    the student reads which Python read it, not only that their code has a syntax error."""
    from autograder.sandbox import child

    with pytest.raises(SyntaxError) as caught:
        compile("x = (\n", "nb", "exec")
    err = child._syntax_error(caught.value, [])
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert err["message"].endswith(f"(read as Python {version}, the grader's version)")
    assert err["exc_type"] == "SyntaxError" and err["where"] == "line 1"


def test_an_nbformat_3_notebook_is_upgraded_as_jupyter_opens_it(tmp_path, monkeypatch):
    """IPython 2 saved cells under `worksheets` with their code in `input`: nbformat upgrades it, as Jupyter does."""
    from nbformat import v3

    nb = v3.new_notebook(worksheets=[v3.new_worksheet(cells=[
        v3.new_heading_cell("Sheet 03", level=1),
        v3.new_code_cell(input="import math\nA = math.pi", prompt_number=1),
        v3.new_text_cell("markdown", source="text"),
        v3.new_code_cell(input="%time B = 2 * A"),
    ])])
    path = tmp_path / "old.ipynb"
    path.write_text(v3.writes_json(nb))
    src = load.load(path)
    assert isinstance(src, load.Source) and src.ipython
    assert src.labels[:2] == ["cell 2, line 1", "cell 2, line 2"]  # the cells' numbers in the upgraded notebook
    assert _child_load(src, monkeypatch)["B"] == 2 * math.pi
    broken = tmp_path / "broken.ipynb"
    broken.write_text('{"nbformat": 3, "nbformat_minor": 0, "worksheets": [{"cells": 5}], "metadata": {}}')
    failure = load.load(broken)
    assert isinstance(failure, load.LoadFailure) and "nbformat 3 notebook that nbformat cannot upgrade" in failure.message


@pytest.mark.parametrize("name", ["bare_except_training_loop", "sigalrm_time_limit_training"])
def test_a_last_cell_that_swallows_the_interrupt_costs_no_answer(name, grade):
    """Round-8 hunt (0/42 before): a correct notebook ending in a long training cell whose step sits in a bare
    `try/except: continue`, or which times itself with its own SIGALRM handler, does not stop when interrupted; the
    parent kills the child and runs the notebook again without that cell, as a TA would run the answer cells.
    (Kept out of tests/corpus: each costs a question's time, and the corpus is graded many times.)"""
    res = grade(Path(__file__).parent / "notebooks" / f"{name}.ipynb")
    assert (res.score, res.max_score) == (42, 42), [t.output for t in res.tests if t.score < t.max_score][:2]
    assert "did not stop when interrupted (code that catches the interrupt, or one long call): the notebook was run " \
           "again without it" in res.output
