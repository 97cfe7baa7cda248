"""The hostile corpus under the strongest isolation: exact scores, student messages, honest neighbours, no survivors.

One batch grades every `tests/hostile/<stem>.py` with an honest copy of the reference solution
right after it (`<stem>__honest.py`), two at a time, as `autograder grade --jobs 2` does. The helpers
here are shared by `test_isolation_levels.py` and `test_sandbox_batch_kill.py`.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from autograder import api
from autograder.model import RunRecord
from autograder.report.results import GradescopeResults, StoredObservations
from autograder.sandbox import procs, slots
from autograder.sandbox.isolation import UID_BASE, Level, available, landlock_abi
from autograder.sandbox.runner import Limits
from conftest import ROOT, SOLUTION

HOSTILE = ROOT / "tests" / "hostile"
FAST = Limits(submission_seconds=40, question_seconds=8, memory_mb=1024)  # small limits keep the module quick; 8 s leaves room to fill 1 GiB on a loaded machine
SECRET = "s3cr3t-token-of-the-grader"
GRADER_FILES = ["rubric.py", "checks/__init__.py", "sandbox/runner.py", "sandbox/verify.py", "__init__.py"]
STRAYS = ("sleep 600", "sleep 601")  # what spawn_survivors leaves behind if the sweep fails


def stems(level: str) -> list[str]:
    """The corpus files whose verdict holds at `level` (Landlock-dependent ones only where Landlock works)."""
    full_landlock = landlock_abi() >= 6
    keep = []
    for path in sorted(HOSTILE.glob("*.expected.json")):
        levels = json.loads(path.read_text()).get("levels", ["bwrap", "uid", "process"])
        if level in levels or (full_landlock and f"{level}+landlock" in levels):
            keep.append(path.name.removesuffix(".expected.json"))
    return keep


def expected(stem: str) -> dict:
    return json.loads((HOSTILE / f"{stem}.expected.json").read_text())


def batch_folder(tmp: Path, names: list[str], honest_after: bool = True) -> Path:
    """A folder holding the named hostile files, each followed (in sorted order) by an honest copy."""
    folder = tmp / "submissions"
    folder.mkdir()
    for stem in names:
        shutil.copy(HOSTILE / f"{stem}.py", folder / f"{stem}.py")
        if honest_after:
            shutil.copy(SOLUTION, folder / f"{stem}__honest.py")
    return folder


def grade(folder: Path, out: Path, *, level: str | None = None, limits: Limits | None = FAST, jobs: int = 2) -> api.BatchResult:
    """Grade a folder as `autograder grade --jobs 2 --force` would, with a secret in the grader's environment."""
    os.environ["AUTOGRADER_TEST_SECRET"] = SECRET
    try:
        return api.grade_paths([folder], api.GradeOptions(out_dir=out, jobs=jobs, force=True, isolation=level, limits=limits))
    finally:
        os.environ.pop("AUTOGRADER_TEST_SECRET", None)


def failing(res: GradescopeResults) -> list[str]:
    return sorted(t.extra_data["key"] for t in res.tests if t.max_score > 0 and t.score < t.max_score)


def run_record(out: Path, stem: str) -> RunRecord:
    stored = StoredObservations.model_validate_json((out / api.OBSERVATIONS / f"{stem}.json").read_text())
    assert stored.run is not None
    return stored.run


def problems(graded: api.Graded, out: Path, exp: dict) -> list[str]:
    """Every way the graded submission differs from its expected verdict."""
    res, found = graded.results, []
    if failing(res) != sorted(exp["failing"]):
        found.append(f"failing {failing(res)} != expected {sorted(exp['failing'])}")
    if "score" in exp and res.score != exp["score"]:
        found.append(f"score {res.score} != {exp['score']}")
    tests = {t.extra_data["key"]: t for t in res.tests}
    for key, text in exp.get("messages", {}).items():
        if text not in tests[key].output:
            found.append(f"{key}: {text!r} not in {tests[key].output!r}")
    if exp.get("summary") and exp["summary"] not in res.output:
        found.append(f"summary: {exp['summary']!r} not in {res.output[:300]!r}")
    run = run_record(out, graded.stem)
    if exp.get("captured") and exp["captured"] not in run.stdout + run.stderr:
        found.append(f"captured output lacks {exp['captured']!r}")
    written = (out / f"{graded.stem}.json").read_text() + run.stdout + run.stderr
    found += [f"{word!r} appears in the results or the captured output" for word in exp.get("excludes", []) if word in written]
    return found


def honest_problems(batch: api.BatchResult) -> dict[str, str]:
    """Honest copies that did not get 42/42, with their first failure."""
    bad = {}
    for g in batch.graded:
        if g.stem.endswith("__honest") and (g.results.score != 42 or failing(g.results)):
            first = next((t.output for t in g.results.tests if t.max_score > 0 and t.score < t.max_score), "")
            bad[g.stem] = f"{g.results.score:g}/42: {first[:300]}"
    return bad


def leftovers() -> list[str]:
    """Processes of sandbox uids whose slot no live worker holds, and strays of spawn_survivors."""
    found = []
    for index in range(slots.MAX_SLOTS):
        lock = slots.directory() / f"{index}.lock"
        if not lock.exists():
            continue
        fd = os.open(lock, os.O_RDWR | os.O_CLOEXEC)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue  # held by a live worker (perhaps another grader): its children are its own business
        finally:
            os.close(fd)
        found += [f"uid {UID_BASE + index}: pid {pid}" for pid in procs.of_uid(UID_BASE + index)]
    for entry in os.listdir("/proc"):
        try:
            cmd = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        found += [f"pid {entry}: {cmd}" for stray in STRAYS if cmd == stray or cmd == f"nohup {stray}"]
    return found


def digests() -> dict[str, str]:
    package = ROOT / "autograder"
    return {name: hashlib.sha256((package / name).read_bytes()).hexdigest() for name in GRADER_FILES}


def planted() -> list[Path]:
    """Files the hostile corpus tries to create outside its sandbox."""
    roots = [ROOT / "autograder", ROOT / "autograder" / "checks", ROOT / "autograder" / "sandbox", ROOT / "grades", HOSTILE]
    names = ("zz_hostile_was_here.py", "write_fake_results.json", "write_fake_results__honest.json")
    return [r / n for r in roots for n in names if (r / n).exists()]


# ---------------------------------------------------------------------------------------------------
pytestmark = [pytest.mark.skipif(available() is not Level.BWRAP, reason="needs bubblewrap and root"),
              pytest.mark.xdist_group("hostile")]  # the batch graded once, on one worker (needs pytest < 9.2: pytest-xdist#1386)


@pytest.fixture(scope="module")
def hostile_batch(tmp_path_factory):
    """Grade the whole corpus, each file followed by an honest copy, two at a time."""
    tmp = tmp_path_factory.mktemp("hostile")
    before = digests()
    names = stems("bwrap")
    out = tmp / "grades"
    batch = grade(batch_folder(tmp, names), out, level="bwrap")
    return {"batch": batch, "out": out, "names": names, "before": before,
            "graded": {g.stem: g for g in batch.graded}, "leftovers": leftovers()}


@pytest.mark.parametrize("stem", stems("bwrap"))
def test_hostile_submission_gets_its_exact_score_and_message(hostile_batch, stem):
    graded = hostile_batch["graded"][stem]
    assert problems(graded, hostile_batch["out"], expected(stem)) == []


def test_every_honest_submission_after_a_hostile_one_gets_42(hostile_batch):
    assert len([s for s in hostile_batch["graded"] if s.endswith("__honest")]) == len(hostile_batch["names"])
    assert honest_problems(hostile_batch["batch"]) == {}


def test_nothing_survives_the_batch(hostile_batch):
    assert hostile_batch["leftovers"] == []


def test_grader_files_and_output_folder_are_untouched(hostile_batch):
    assert digests() == hostile_batch["before"]
    assert planted() == []
    out = hostile_batch["out"]
    names = {p.name for p in out.iterdir()}
    want = {f"{s}.json" for s in hostile_batch["graded"]} | {"gradebook.csv", api.OBSERVATIONS, api.RUBRIC_DIR}
    assert names == want
    for stem, graded in hostile_batch["graded"].items():
        on_disk = GradescopeResults.model_validate_json((out / f"{stem}.json").read_text())
        assert on_disk.score == graded.results.score
        assert on_disk.provenance().isolation == "bwrap"


def test_the_memory_limit_is_named_at_its_default_of_2_gib(tmp_path):
    folder = batch_folder(tmp_path, ["memory_huge_tensor"], honest_after=False)
    batch = grade(folder, tmp_path / "grades", level="bwrap", limits=api.limits_for(api.assignments.load("sheet03")), jobs=1)
    (graded,) = batch.graded
    out = {t.extra_data["key"]: t.output for t in graded.results.tests}["q1b.forward"]
    assert out.startswith("Model2: your code ran out of memory in forward (line ")
    assert "(the 2 GiB memory limit was reached: DefaultCPUAllocator: can't allocate memory: you tried to allocate 8589934592 bytes" in out
    assert graded.results.score == 35
