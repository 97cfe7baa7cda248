"""`grader.check` keeps one warm, isolated checker per kernel: reused, replaced when killed, gone with the kernel.

Timings are printed by benchmarks/bench_isolation.py, never asserted here.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from autograder import api
from autograder.otter import warm
from conftest import CORPUS

# Model2 with its noise cut off from the gradient: q1b.gradients (public) fails, everything else here passes
DETACH = ("z = h + eps ", "z = h.detach() + eps ")
# a second import of the notebook's code in one process fails: every check must run in a fresh child
FRESH = ("import builtins\n"
         "builtins.__dict__['_imports_of_this_code'] = builtins.__dict__.get('_imports_of_this_code', 0) + 1\n"
         "assert builtins._imports_of_this_code == 1, 'this code was imported twice in one process'")
DRIVER = '''\
import json, os, signal
from autograder.otter import student, warm

def outcomes(question):
    return {key: v.passed for key, v in student.verdicts_for(globals(), question).by_key.items()}

seen = {"q1a": outcomes("q1a")}
pids = [warm._CHECKER.pid]
seen["q1b"] = outcomes("q1b")
pids.append(warm._CHECKER.pid)
seen["q3a"] = outcomes("q3a")
pids.append(warm._CHECKER.pid)
os.kill(pids[0], signal.SIGKILL)  # a killed checker: the next check must start another, unnoticed
warm._CHECKER._proc.wait()
seen["q2"] = outcomes("q2")
pids.append(warm._CHECKER.pid)
print("RESULT " + json.dumps({"seen": seen, "pids": pids, "started": warm._CHECKER.started}))
'''


def _notebook(folder: Path) -> tuple[Path, nbformat.NotebookNode]:
    """A corpus notebook (shell and magic lines left out), made wrong in q1b, with the driver cells appended."""
    nb = nbformat.read(CORPUS / "wrong" / "nb_model3_forgets_noise.ipynb", as_version=4)
    cells = [c for c in nb.cells if not (c.cell_type == "code" and c.source.lstrip().startswith(("!", "%")))]
    (model2,) = [c for c in cells if c.source.startswith("class Model2")]
    assert DETACH[0] in model2.source
    model2.source = model2.source.replace(*DETACH)
    head = nbformat.v4.new_code_cell("import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n" + FRESH)
    nb.cells = [head, *cells]
    path = folder / "sheet03.ipynb"
    nbformat.write(nb, path)  # the file the checks read: without the driver, as a student would have saved it
    nb.cells.append(nbformat.v4.new_code_cell(DRIVER))
    return path, nb


def _gone(pid: int, seconds: float = 60.0) -> bool:
    """Whether `pid` ended (or is a zombie) within `seconds` (a liveness wait, not a timing check)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.2)
    return False


@pytest.mark.slow
def test_one_warm_checker_per_kernel_gives_the_verdicts_of_autograder_check(tmp_path, worker):
    path, nb = _notebook(tmp_path)
    NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    printed = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    result = json.loads(printed.split("RESULT ", 1)[1].splitlines()[0])

    expected = {}
    for q in result["seen"]:
        tests, _ = api.check(path, question=q, worker=worker)
        expected[q] = {t.key: t.score == t.max_score for t in tests}
    assert result["seen"] == expected
    assert expected["q1b"] == {"q1b.forward": True, "q1b.gradients": False}  # the detached noise, seen
    assert all(all(v.values()) for q, v in expected.items() if q != "q1b")  # no check failed the notebook's import

    first, second, third, after_kill = result["pids"]
    assert first == second == third  # one checker, reused by every check
    assert after_kill not in (None, first) and result["started"] == 2  # the killed one replaced
    assert _gone(after_kill)  # and it went with the kernel


def test_a_missing_file_is_an_error_message_and_the_checker_stays(tmp_path):
    checker = warm.WarmChecker()
    try:
        reply = checker.check(tmp_path / "nowhere.ipynb", "q1a")
        assert "cannot read" in reply["error"] and "nowhere.ipynb" in reply["error"]
        pid = checker.pid
        reply = checker.check(tmp_path / "still-nowhere.ipynb", "q1a")
        assert "still-nowhere.ipynb" in reply["error"] and checker.pid == pid and checker.started == 1
    finally:
        checker.close()
    assert checker.pid is None and _gone(pid)
