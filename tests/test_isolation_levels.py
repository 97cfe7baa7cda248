"""The weaker isolation levels (`--isolation uid`, `--isolation process`) on the part of the corpus they withstand.

`uid`: no namespaces, the child runs as the slot's unprivileged uid. `process`: the child keeps the
grader's uid (here root); what protects the machine then is Landlock, so files whose verdict needs
it run only where the kernel offers Landlock with signal scoping (ABI >= 6). Attacks that would
hurt the machine at a level that cannot stop them (kill(-1) or a fork bomb as root) are never run.
"""
from __future__ import annotations

import os
import shutil
import signal
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from autograder.sandbox import isolation, procs
from autograder.sandbox.isolation import Level, available, landlock_abi, offered, unreadable_by_others, visible
from autograder.sandbox.runner import Job, Limits, Worker
from conftest import SOLUTION
from test_sandbox_hostile import batch_folder, expected, grade, honest_problems, leftovers, planted, problems, stems

HONEST_AFTER = {"os_exit_in_forward", "patch_torch_rng", "spawn_survivors", "memory_then_abort"}
pytestmark = [pytest.mark.skipif(os.getuid() != 0, reason="the uid level needs root"),
              pytest.mark.xdist_group("levels")]  # each batch graded once, on one worker (needs pytest < 9.2: pytest-xdist#1386)
needs_uid = pytest.mark.skipif(Level.UID not in offered(), reason=(
    f"the uid level is refused here: the sandbox uid cannot read {unreadable_by_others()} "
    "(tests/test_hosts.py grades it with an interpreter every uid can read)"))


def _grade_level(tmp, level: str) -> dict:
    names = stems(level)
    folder = batch_folder(tmp, names, honest_after=False)
    for stem in HONEST_AFTER & set(names):
        shutil.copy(SOLUTION, folder / f"{stem}__honest.py")
    out = tmp / "grades"
    batch = grade(folder, out, level=level)
    return {"batch": batch, "out": out, "graded": {g.stem: g for g in batch.graded}, "leftovers": leftovers()}


@pytest.fixture(scope="module")
def uid_batch(tmp_path_factory):
    return _grade_level(tmp_path_factory.mktemp("uid"), "uid")


@pytest.fixture(scope="module")
def process_batch(tmp_path_factory):
    return _grade_level(tmp_path_factory.mktemp("process"), "process")


@needs_uid
@pytest.mark.parametrize("stem", stems("uid"))
def test_uid_level_verdicts(uid_batch, stem):
    assert problems(uid_batch["graded"][stem], uid_batch["out"], expected(stem)) == []


@pytest.mark.parametrize("stem", stems("process"))
def test_process_level_verdicts(process_batch, stem):
    assert problems(process_batch["graded"][stem], process_batch["out"], expected(stem)) == []


@pytest.mark.parametrize("level", [pytest.param("uid", marks=needs_uid), "process"])
def test_weaker_levels_keep_honest_scores_and_leave_nothing_behind(request, level):
    result = request.getfixturevalue(f"{level}_batch")
    assert honest_problems(result["batch"]) == {}
    assert result["leftovers"] == []
    assert planted() == []
    assert {g.results.provenance().isolation for g in result["batch"].graded} == {level}


def test_levels_are_ordered_and_a_stronger_one_cannot_be_forced():
    best = available()
    assert available("process") is Level.PROCESS
    if best is not Level.BWRAP:
        with pytest.raises(RuntimeError, match="not available here"):
            available("bwrap")


def test_every_level_says_what_it_protects():
    for level in Level:
        text = level.describe()
        assert "rlimits" in text
        assert ("Landlock ABI" in text) == (landlock_abi() > 0)


@needs_uid
def test_a_child_dies_with_its_fork_server(tmp_path):
    """SIGKILL of the worker (no pid namespace at the uid level) takes the sleeping child with it."""
    worker = Worker(level=Level.UID)
    worker.start()
    job = Job(source="import time\ntime.sleep(60)\n", line_labels=["line 1", "line 2"], seed=0,
              probes=[{"id": "answers", "kind": "answers", "options": {"names": []}}])
    try:
        with ThreadPoolExecutor(1) as pool:
            future = pool.submit(worker.run, job, Limits(submission_seconds=2, question_seconds=30))
            deadline = time.monotonic() + 30
            while not procs.of_uid(worker.uid) and time.monotonic() < deadline:
                time.sleep(0.05)
            child = procs.of_uid(worker.uid)
            assert child, "the child started"
            os.kill(worker._proc.pid, signal.SIGKILL)  # noqa: SLF001 - the test kills the worker itself
            time.sleep(0.5)
            assert not any(pid in procs.of_uid(worker.uid) for pid in child)
            record = future.result(timeout=60)
        assert "took the grader's sandbox worker down" in record.load_error.message
        left = [p for p in Path(tempfile.gettempdir()).glob("job-*") if p.stat().st_uid == worker.uid]
        assert left, "the killed server could not remove its job's private dir"
    finally:
        worker.release()
    # the next server of that slot removes what the killed one left in the host's /tmp before any job runs
    with Worker(slot=worker.preferred, level=Level.UID) as again:
        if again.uid == worker.uid:
            assert not any(p.exists() for p in left)


@needs_uid
def test_a_child_that_cannot_be_confined_never_runs_the_submission(tmp_path):
    """If the uid drop fails, the child exits before any submission code, and the message blames the grader."""
    marker = tmp_path / "ran_unconfined"
    worker = Worker(level=Level.UID)
    worker.start()
    worker.uid = -7  # an impossible uid: limits.enter fails
    job = Job(source=f"open({str(marker)!r}, 'w').write('x')\n", line_labels=["line 1"], seed=0,
              probes=[{"id": "answers", "kind": "answers", "options": {"names": []}}])
    try:
        record = worker.run(job, Limits(submission_seconds=10, question_seconds=5))
    finally:
        worker.release()
    assert record.load_error is not None
    assert record.load_error.message.startswith("the grader could not start the process that runs your code (it exited with status 70")
    assert "the child could not be confined" in record.stderr
    assert not marker.exists()


def test_an_installed_grader_is_hidden_except_its_sandbox_parts(tmp_path):
    """A wheel in site-packages: the child sees the other packages and only autograder/{__init__.py,sandbox,probes}."""
    site = tmp_path / "venv" / "lib" / "python3" / "site-packages"
    package = site / "autograder"
    for part in ("sandbox", "probes", "checks", "_assignments/sheet03"):
        (package / part).mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "rubric.py").write_text("")
    (site / "torch").mkdir()
    (site / "numpy.pth").write_text("")
    (tmp_path / "venv" / "bin").mkdir()
    shown = visible({tmp_path / "venv", site, Path("/usr")}, package)
    assert shown == sorted([Path("/usr"), tmp_path / "venv" / "bin", package / "__init__.py", package / "probes",
                            package / "sandbox", site / "numpy.pth", site / "torch"])


def test_the_uid_level_is_refused_naming_a_root_the_sandbox_uid_cannot_read(tmp_path, monkeypatch):
    """A root of the interpreter closed to others (not only behind a closed parent): the uid level is refused."""
    closed = tmp_path / "closed-site-packages"
    closed.mkdir(mode=0o700)
    closed.chmod(0o700)
    roots = isolation.readable_roots()
    monkeypatch.setattr(isolation, "readable_roots", lambda: [*roots, str(closed)])
    assert unreadable_by_others() == str(closed)
    with pytest.raises(RuntimeError, match=f"cannot read {closed}"):
        available("uid")


@needs_uid
@pytest.mark.skipif(not isolation.tunnels(), reason="no interpreter root behind a closed directory here")
def test_python_under_a_closed_home_is_reached_through_a_descriptor():
    """Python under /root (0700): the uid-level child imports lazily through a descriptor; /root stays closed."""
    closed = next(str(a) for r in isolation.tunnels() for a in Path(r).parents if os.stat(a).st_mode & 0o001 == 0)
    source = (f"import decimal, fractions, os\nprint('decimal', decimal.Decimal('1.5'))\n"
              f"try:\n    os.listdir({closed!r})\n    print('PWNED')\nexcept PermissionError:\n    print('closed stays closed')\n")
    with Worker(level=Level.UID) as worker:
        record = worker.run(Job(source=source, line_labels=[f"line {i}" for i in range(1, 9)], seed=0,
                                probes=[{"id": "answers", "kind": "answers", "options": {"names": []}}]),
                            Limits(submission_seconds=30, question_seconds=20))
    assert record.load_error is None, record.stderr
    assert "decimal 1.5" in record.stdout and "closed stays closed" in record.stdout


def test_root_without_namespaces_says_which_level_it_falls_back_to(monkeypatch):
    """Gradescope-like: root, bubblewrap cannot create namespaces, Python perhaps under a 0700 directory."""
    isolation._probe.cache_clear()
    monkeypatch.setattr(isolation, "_bwrap_failure", lambda userns: "bubblewrap failed: No permissions to create new namespace")
    try:
        level = available()
        notes = isolation.refusals()
        assert notes[0].startswith("level 'bwrap' refused: bubblewrap failed")
        if unreadable_by_others() is None:
            assert level is Level.UID
        else:
            assert level is Level.PROCESS
            assert f"level 'uid' refused: the sandbox uid cannot read {unreadable_by_others()}" in notes[1]
            assert "falling back to 'process'" in notes[1]
            assert "note: level 'bwrap' refused" in Level.PROCESS.describe()
    finally:
        isolation._probe.cache_clear()


def test_an_ordinary_user_denied_user_namespaces_is_told_what_to_enable(monkeypatch):
    isolation._probe.cache_clear()
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    monkeypatch.setattr(isolation, "_bwrap_failure", lambda userns: "bubblewrap failed: bwrap: setting up uid map: Permission denied")
    try:
        assert available() is Level.PROCESS
        text = " ".join(isolation.refusals())
        assert "kernel.apparmor_restrict_unprivileged_userns=0" in text and "bwrap-userns-restrict" in text
        assert "falling back to 'process'" in text
        with pytest.raises(RuntimeError, match="isolation level 'userns' is not available here"):
            available("userns")
    finally:
        isolation._probe.cache_clear()


@pytest.mark.parametrize("platform", ["darwin", "win32"])
def test_a_host_without_linux_is_told_so_as_the_machines_limit(monkeypatch, tmp_path, platform):
    """The sandbox is Linux's (namespaces, /proc, memfd): elsewhere every command stops with the cause, never a crash."""
    from autograder import api
    from conftest import SOLUTION

    monkeypatch.setattr(isolation.sys, "platform", platform)
    with pytest.raises(RuntimeError, match=f"this machine runs {platform}: this is the machine's limit, not your code's"):
        available()
    with pytest.raises(RuntimeError, match="WSL 2 on Windows"):
        api.check(SOLUTION)


SHARED_MEMORY_USER = """
import os, uuid
import torch
from torch.utils.data import DataLoader, TensorDataset

SHM_NAME = "/dev/shm/autograder-test-" + uuid.uuid4().hex  # what a crashed job might leave
with open(SHM_NAME, "w") as fh:
    fh.write("left behind")
# a DataLoader's workers need POSIX semaphores and shared memory, in /dev/shm
LOADED = sum(len(b[0]) for b in DataLoader(TensorDataset(torch.randn(64, 3)), batch_size=16, num_workers=2))
assert LOADED == 64
"""


@pytest.mark.parametrize("level", ["bwrap", pytest.param("uid", marks=needs_uid), "process"])
def test_shared_memory_works_at_every_level_and_a_dedicated_uid_leaves_none(tmp_path, level):
    """POSIX shared memory in /dev/shm (a DataLoader with workers) is allowed; what a job leaves there is removed
    where it can be told apart: the sandbox's own /dev/shm (bwrap), the slot uid's entries (uid); not at `process`."""
    if level not in {lvl.value for lvl in offered()}:
        pytest.skip(f"{level} is not offered here")
    before = set(os.listdir("/dev/shm"))
    sub = tmp_path / "class"
    sub.mkdir()
    (sub / "dataloader.py").write_text(SHARED_MEMORY_USER + SOLUTION.read_text())
    batch = grade(sub, tmp_path / "out", level=level, jobs=1)
    res = batch.graded[0].results
    assert (res.score, res.max_score) == (42, 42), [t.output for t in res.tests if t.score < t.max_score][:1]
    left = {n for n in set(os.listdir("/dev/shm")) - before if n.startswith("autograder-test-")}
    for name in left:
        os.unlink(f"/dev/shm/{name}")
    assert len(left) == (1 if level == "process" else 0)
