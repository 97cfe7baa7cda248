"""A batch killed with SIGKILL in the middle, run again: every result present, valid and right; nothing left over."""
from __future__ import annotations

import json
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from autograder.report.results import GradescopeResults, StoredObservations
from autograder.sandbox.isolation import Level, available
from conftest import AUTOGRADER, CORPUS, SOLUTION
from test_sandbox_hostile import HOSTILE, expected, failing, leftovers

HONEST = [f"honest_{i:02d}" for i in range(10)]
HOSTILE_STEMS = ["os_exit_in_forward", "print_fake_scores", "write_fake_results", "kill_grader_via_proc"]
WRONG = ["model2_detach_h", "dstar_swapped"]
pytestmark = pytest.mark.skipif(available() is not Level.BWRAP, reason="needs bubblewrap and root")


def _folder(tmp: Path) -> tuple[Path, dict[str, list[str]]]:
    """Submissions and, for each stem, the automatic tests it must fail."""
    folder = tmp / "class"
    folder.mkdir()
    want: dict[str, list[str]] = {}
    for stem in HONEST:
        shutil.copy(SOLUTION, folder / f"{stem}.py")
        want[stem] = []
    for stem in HOSTILE_STEMS:
        shutil.copy(HOSTILE / f"{stem}.py", folder / f"{stem}.py")
        want[stem] = sorted(expected(stem)["failing"])
    for stem in WRONG:
        shutil.copy(CORPUS / "wrong" / f"{stem}.py", folder / f"{stem}.py")
        want[stem] = sorted(json.loads((CORPUS / "wrong" / f"{stem}.expected.json").read_text())["failing"])
    return folder, want


def _results(out: Path) -> list[Path]:
    return list(out.glob("*.json"))


def _temps(out: Path) -> set[Path]:
    return set(out.rglob(".*.tmp"))


def _wait_for_leftovers_to_go(seconds: float = 10.0) -> list[str]:
    end = time.monotonic() + seconds
    while (found := leftovers()) and time.monotonic() < end:
        time.sleep(0.1)
    return found


def test_a_batch_killed_mid_way_completes_on_the_next_run(tmp_path):
    folder, want = _folder(tmp_path)
    out = tmp_path / "grades"
    log = (tmp_path / "first.err").open("w")
    first = subprocess.Popen([*AUTOGRADER, "grade", str(folder), "--out", str(out), "--jobs", "2"],
                             stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.monotonic() + 120
    while len(_results(out)) < 3 and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert first.poll() is None, "the batch finished before it could be killed"
    first.send_signal(signal.SIGKILL)
    first.wait()
    log.close()
    assert "isolation: bwrap — bubblewrap sandbox" in (tmp_path / "first.err").read_text()
    done_before = {p.stem for p in _results(out)}
    assert 0 < len(done_before) < len(want), "killed mid-batch"
    for path in _results(out):  # what the killed run wrote is whole
        GradescopeResults.model_validate_json(path.read_text())
        StoredObservations.model_validate_json((out / "observations" / path.name).read_text())
    assert _wait_for_leftovers_to_go() == [], "the sandboxes die with the grader"
    temps_after_kill = _temps(out)

    second = subprocess.run([*AUTOGRADER, "grade", str(folder), "--out", str(out), "--jobs", "2"],
                            capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr
    assert "(unchanged, reused)" in second.stderr
    for stem, fails in want.items():
        res = GradescopeResults.model_validate_json((out / f"{stem}.json").read_text())
        assert failing(res) == fails, stem
        assert fails or res.score == 42, stem
        StoredObservations.model_validate_json((out / "observations" / f"{stem}.json").read_text())
    assert {p.stem for p in _results(out)} == set(want)
    rows = (out / "gradebook.csv").read_text().splitlines()
    assert len(rows) == 1 + len(want)
    assert _temps(out) <= temps_after_kill, "the second run leaves no half-written file of its own"
    assert leftovers() == []
