"""What one job can and cannot see of the machine, of its worker and of the jobs before it.

Each test drives the session's warm worker (the strongest level here) with small jobs: honest code
finds a normal Python (real source file, private home/temp/cache dirs, seeded generators), and a
job cannot read an earlier job's submission from memory, dodge the timers by sending protocol
messages itself, leave System V IPC or keys behind, or crash the server with a deep tree.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from autograder.sandbox import cleanup, course_imports, seccomp, slots
from autograder.sandbox.runner import Job, Limits

ANSWERS = {"id": "answers", "kind": "answers", "options": {"names": []}}
QUICK = Limits(submission_seconds=40, question_seconds=8)


def run(worker, source: str, *, probes: list[dict] | None = None, limits: Limits = QUICK, seed: int = 0):
    lines = [f"line {i}" for i in range(1, source.count("\n") + 2)]
    return worker.run(Job(source=source, line_labels=lines, probes=probes or [ANSWERS], seed=seed), limits)


HONEST_ENVIRONMENT = '''
import inspect, os, random, tempfile
import numpy, torch, torch.utils.checkpoint
@torch.jit.script
def double(x: torch.Tensor) -> torch.Tensor:
    return 2 * x
def helper():
    return 1
layer = torch.nn.Linear(3, 3)
y = torch.utils.checkpoint.checkpoint(layer, torch.ones(2, 3, requires_grad=True), use_reentrant=False)
y.sum().backward()
for var in ("HOME", "TMPDIR", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
    with open(os.path.join(os.environ[var], "written"), "w") as fh:
        fh.write("ok")
print("source:", inspect.getsource(helper).splitlines()[0])
print("jit:", double(torch.ones(1)).item())
print("tempdir is home:", tempfile.gettempdir() == os.environ["HOME"])
print("draws:", random.random(), float(numpy.random.rand()), float(torch.rand(1)))
'''


def test_honest_code_finds_a_normal_python(worker):
    # non-reentrant checkpointing imports torch._dynamo on first use: 3-7 s on this loaded machine
    record = run(worker, HONEST_ENVIRONMENT, limits=Limits(submission_seconds=60, question_seconds=30))
    assert record.load_error is None, record.stderr
    assert "source: def helper():" in record.stdout
    assert "jit: 2.0" in record.stdout
    assert "tempdir is home: True" in record.stdout


PLOTTING = '''
import os, sys
import matplotlib
matplotlib.use("TkAgg")  # a desktop preamble: this headless process keeps Agg instead of raising ImportError
import matplotlib.pyplot as plt
plt.switch_backend("QtAgg")
print("backend:", plt.get_backend().lower())
config = plt.matplotlib.get_configdir()
print("config dir:", "the job's" if config.startswith(os.environ["HOME"]) else "the server's" if not os.path.exists(config) else config)
plt.plot([0, 1], [1, 0])
plt.savefig(os.path.join(os.environ["HOME"], "loss.png"))
print("saved:", os.path.getsize(os.path.join(os.environ["HOME"], "loss.png")) > 0)
'''


def test_a_grading_worker_hands_its_jobs_a_working_matplotlib_already_imported(worker):
    pytest.importorskip("matplotlib")
    record = run(worker, PLOTTING)
    assert record.load_error is None, record.stderr
    # the source names matplotlib: the server imported it first (a child paid 0.6-0.9 s for it in its fresh config
    # dir), in a throwaway config dir gone since, so no job writes where another reads; headless Agg, whatever
    # backend the code asks for
    assert "config dir: the server's" in record.stdout  # imported there, in a directory removed since
    assert "backend: agg" in record.stdout
    assert "saved: True" in record.stdout


def test_a_one_off_worker_imports_matplotlib_in_the_child_with_the_same_headless_backend():
    pytest.importorskip("matplotlib")
    from autograder.sandbox.runner import Worker

    with Worker(preload=False) as cold:  # `autograder check`'s worker: nothing imported ahead in its server
        record = run(cold, PLOTTING)
    assert record.load_error is None, record.stderr
    assert "config dir: the job's" in record.stdout and "backend: agg" in record.stdout and "saved: True" in record.stdout


def test_the_server_is_asked_for_listed_course_packages_the_source_names_and_imports_nothing_else():
    assert course_imports.named_in("import matplotlib.pyplot as plt\nfrom IPython.display import display") == [
        "matplotlib.pyplot", "IPython.display"]
    assert course_imports.named_in("import torch  # no plots: mymatplotlib_helpers is another name") == []
    assert course_imports.warm(["os", "this_module_does_not_exist"]) == []  # not listed: never imported


def test_python_and_numpy_generators_are_seeded_from_the_job_seed(worker):
    source = "import random, numpy, torch\nprint('draws:', random.random(), float(numpy.random.rand()), float(torch.rand(1)))\n"
    draws = [run(worker, source, seed=s).stdout for s in (3, 3, 4)]
    assert draws[0] == draws[1] != draws[2]


SNOOP = '''
import re
def halves(hexed):  # never the whole marker in one object: the scan would find its own search key
    raw = bytes.fromhex(hexed)
    return raw[len(raw) // 2:][::-1], raw[:len(raw) // 2][::-1]
def holds(data, key):
    head, tail = key
    i = data.find(head)
    while i >= 0:
        if data[i + len(head):i + len(head) + len(tail)] == tail:
            return True
        i = data.find(head, i + 1)
    return False
marker, own = halves({hexed!r}), halves({own!r})
found = {{"earlier": False, "own": False}}
import ctypes
with open("/proc/self/maps") as maps:
    regions = [line.split() for line in maps]
for fields in regions:  # every private writable mapping: the heap, arenas, anonymous memory
    if not fields[1].startswith("rw") or (len(fields) > 5 and fields[5].startswith("[v")):
        continue
    lo, hi = (int(p, 16) for p in fields[0].split("-"))
    data = ctypes.string_at(lo, hi - lo)
    found["earlier"] |= holds(data, marker)
    found["own"] |= holds(data, own)
print("snoop:", found)
'''


def test_a_job_cannot_read_an_earlier_submission_from_memory(worker):
    """The server never holds a submission: the next child's heap has no trace of the one before."""
    secret, own = "zqEarlierSubmissionMarker4711", "zqThisSubmissionMarker0815"
    assert run(worker, f"SECRET = {secret!r}\nprint(SECRET)\n").load_error is None
    record = run(worker, SNOOP.format(hexed=secret.encode()[::-1].hex(), own=own.encode()[::-1].hex()) + f"X = {own!r}\n")
    assert record.load_error is None, record.stderr
    # the scan finds what this job's own source holds, so a miss for the earlier one means it is not there
    assert "snoop: {'earlier': False, 'own': True}" in record.stdout


FAKE_LOADED_THEN_WORK = '''
import os, time
os.write(3, b'{"type": "loaded"}\\n')  # pretend the import is over: the timer must not stop
from autograder.sandbox import child
_send = child._Channel.send
child._Channel.send = lambda self, **m: None if m.get("type") == "loaded" else _send(self, **m)
time.sleep(5)
print("past the limit", flush=True)
'''


def test_a_fake_loaded_message_does_not_stop_the_import_timer():
    """Before every gap was timed, a forged 'loaded' let the import run on unbounded."""
    from autograder.sandbox.runner import Worker

    with Worker() as w:
        record = run(w, FAKE_LOADED_THEN_WORK, limits=Limits(submission_seconds=40, question_seconds=3))
    assert "past the limit" not in record.stdout
    assert record.load_error is not None and record.load_error.kind == "timeout", record.load_error
    assert record.load_error.message.startswith("importing the submission took longer than 3 s")


def notebook_job(cells: list[str]) -> Job:
    """A notebook's job, its lines labelled as the loader labels them."""
    lines: list[str] = []
    labels: list[str] = []
    for k, cell in enumerate(cells, 1):
        body = cell.split("\n")
        lines += body
        labels += [f"cell {k}, line {i}" for i in range(1, len(body) + 1)]
    return Job(source="\n".join(lines) + "\n", line_labels=labels, probes=[ANSWERS], seed=0, ipython=True)


def test_a_notebook_cell_that_runs_too_long_is_interrupted_and_the_cells_after_it_run(worker):
    """A training loop left in a cell cost a whole notebook its import (0/24): it is stopped as Jupyter's interrupt
    stops it, at 80 % of the question's time, and the cells after it run, each timed on its own."""
    job = notebook_job(["steps = 0\nwhile True:\n    steps += 1", "print('after the loop:', steps > 0)",
                        "import time\ntime.sleep(1.5)", "time.sleep(1.5)\nprint('later cells have their own time')"])
    record = worker.run(job, Limits(submission_seconds=40, question_seconds=2.5))
    assert record.load_error is None, record.load_error
    assert "after the loop: True" in record.stdout and "later cells have their own time" in record.stdout
    [interrupted] = record.cell_errors
    assert interrupted.kind == "timeout" and interrupted.where in ("cell 1, line 2", "cell 1, line 3")
    assert interrupted.message.startswith("this cell was still running after 2 s and was interrupted")
    assert record.records["answers"].observation is not None


def test_a_notebook_runs_as_main_as_in_a_kernel_and_its_classes_pickle_and_show_their_source(worker):
    """A notebook's `__name__` is "__main__" in Jupyter: a cell under `if __name__ == "__main__":` runs (it set
    D_STAR_CASES in a corpus notebook: 39/42 before), and its classes, of module __main__, pickle and show their
    source as in a kernel."""
    job = notebook_job(["import inspect, torch\nclass Net(torch.nn.Module):\n    def __init__(self):\n"
                        "        super().__init__()\n        self.lin = torch.nn.Linear(2, 2)",
                        "if __name__ == '__main__':\n    print('ran as main')",
                        "torch.save(Net(), 'net.pt')\nprint('reloaded:', type(torch.load('net.pt', weights_only=False)).__name__)",
                        "print('source:', inspect.getsource(Net).splitlines()[0])"])
    record = worker.run(job, QUICK)
    assert record.load_error is None and record.cell_errors == [], (record.load_error, record.cell_errors)
    assert "ran as main" in record.stdout and "reloaded: Net" in record.stdout
    assert "source: class Net(torch.nn.Module):" in record.stdout


STUCK = "import time\nwhile True:\n    try:\n        time.sleep(10)\n    except BaseException:\n        pass"  # catches the interrupt


def test_a_cell_that_will_not_be_interrupted_is_left_out_and_the_notebook_run_again_without_it(worker):
    """A training loop whose step sits in a bare `try/except` swallows the interrupt: the parent kills the child at the
    question's time, and the notebook is run again without that cell (it had cost every answer, 0/42)."""
    job = notebook_job(["A = 1", STUCK, "print('after the stuck cell:', A + 1)"])
    record = worker.run(job, Limits(submission_seconds=40, question_seconds=2.5))
    assert record.load_error is None, record.load_error
    assert "after the stuck cell: 2" in record.stdout
    [skipped] = record.cell_errors
    assert skipped.kind == "timeout" and skipped.where == "cell 2"
    assert skipped.message.startswith("this cell was still running after 2 s and did not stop when interrupted")
    assert record.records["answers"].observation is not None


def test_more_cells_that_will_not_be_interrupted_than_are_left_out_stop_the_notebook_with_its_message(worker):
    job = notebook_job([STUCK, STUCK, STUCK])
    record = worker.run(job, Limits(submission_seconds=40, question_seconds=2.5))
    assert record.load_error is not None and record.load_error.kind == "timeout"
    assert record.load_error.message.startswith("a cell of the notebook ran longer than 2.5 s and could not be interrupted")


def test_a_cell_message_outside_a_notebooks_import_breaks_the_protocol():
    from autograder.sandbox import protocol
    from autograder.sandbox.runner import Worker, _Attempt

    cell = protocol.parse(b'{"type": "cell"}')
    notebook, script = notebook_job(["x = 1"]), Job(source="x = 1\n", line_labels=[], probes=[ANSWERS], seed=0)
    for job, loaded, accepted in ((notebook, False, True), (notebook, True, False), (script, False, False)):
        state = _Attempt(job=job, pending=["answers"], hello=True, loaded=loaded)
        assert Worker(preload=False)._apply(state, cell) is accepted  # noqa: SLF001 - the state machine alone
        assert (state.violation is None) is accepted


WORK_BETWEEN_QUESTIONS = '''
import os, time, json
from autograder.sandbox import child
_send = child._Channel.send
class Slow:
    def __repr__(self):
        os.write(3, (json.dumps({"type": "probe_error", "probe": "a", "error": {"kind": "exception", "message": "x"}}) + "\\n").encode())
        child._Channel.send = lambda self, **m: None if m.get("probe") == "a" else _send(self, **m)
        time.sleep(5)  # no probe is running now, as far as the parent knows
        print("past the limit", flush=True)
        return "slow"
value = Slow()
'''


def test_work_between_two_questions_is_timed_too():
    from autograder.sandbox.runner import Worker

    probes = [{"id": "a", "kind": "answers", "options": {"names": ["value"]}},
              {"id": "b", "kind": "answers", "options": {"names": []}}]
    with Worker() as w:
        record = run(w, WORK_BETWEEN_QUESTIONS, probes=probes, limits=Limits(submission_seconds=40, question_seconds=3))
    assert "past the limit" not in record.stdout
    assert any("between two questions" in note for note in record.notes), record.notes
    assert record.records["b"].error is None  # the next question ran in a fresh child


IPC = '''
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
def attempt(name, call):
    ctypes.set_errno(0)
    result = call()
    print(name, result, os.strerror(ctypes.get_errno()) if result == -1 else "created")
attempt("shmget", lambda: libc.shmget(0, 1 << 20, 0o1600))
attempt("msgget", lambda: libc.msgget(0, 0o1600))
attempt("semget", lambda: libc.semget(0, 1, 0o1600))
nr = {"x86_64": 248, "aarch64": 217}[os.uname().machine]
attempt("add_key", lambda: libc.syscall(nr, b"user", b"left-behind", b"secret", 6, -3))
'''


@pytest.mark.skipif(seccomp.program() is None, reason="no seccomp table for this CPU architecture")
def test_system_v_ipc_and_keyrings_are_denied(worker):
    record = run(worker, IPC)
    assert record.load_error is None, record.stderr
    for name in ("shmget", "msgget", "semget", "add_key"):
        assert f"{name} -1 Operation not permitted" in record.stdout


DEEP_TREE = '''
import os
fd = os.open(".", os.O_RDONLY)
for _ in range(1500):
    os.mkdir("d", dir_fd=fd)
    inner = os.open("d", os.O_RDONLY, dir_fd=fd)
    os.close(fd)
    fd = inner
os.fchmod(fd, 0)
'''


def test_a_deep_tree_in_the_private_dir_does_not_crash_the_server(worker):
    run(worker, "pass\n")
    server = worker._proc.pid  # noqa: SLF001 - the test watches the server itself
    assert run(worker, DEEP_TREE).load_error is None
    after = run(worker, "print('next job')\n")
    assert "next job" in after.stdout and after.attempts == 1
    assert worker._proc.pid == server  # noqa: SLF001


def test_remove_tree_handles_depth_locked_dirs_and_symlinks(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep").write_text("x")
    top = tmp_path / "job"
    path = top
    for _ in range(3000):  # deeper than Python's recursion limit and PATH_MAX
        path = path / "dd"
    os.makedirs(top)
    fd = os.open(top, os.O_RDONLY)
    for _ in range(3000):
        os.mkdir("dd", dir_fd=fd)
        inner = os.open("dd", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = inner
    os.symlink(outside, "link", dir_fd=fd)
    os.close(fd)
    (top / "locked").mkdir()
    (top / "locked" / "f").write_text("x")
    (top / "locked").chmod(0)
    cleanup.remove_tree(str(top))
    assert not top.exists()
    assert (outside / "keep").read_text() == "x"


def test_the_seccomp_program_denies_a_foreign_abi_and_knows_its_tables():
    rows = seccomp.program("x86_64")
    assert rows is not None and rows[-1] == (0x06, 0, 0, 0x00050001) and rows[-2] == (0x06, 0, 0, 0x7FFF0000)
    deny = len(rows) - 1
    assert rows[1][2] + 2 == deny  # another architecture's syscall: denied
    assert all(r[1] + i + 1 == deny for i, r in enumerate(rows) if r[0] == 0x15 and i > 1)
    assert seccomp.program("sparc") is None


def test_a_slot_directory_with_a_foreign_owner_or_open_mode_is_refused(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir(mode=0o700)
    assert slots.problem(mine, os.geteuid()) is None
    assert slots.problem(tmp_path / "absent", os.geteuid()) is None
    assert "belongs to uid" in slots.problem(mine, os.geteuid() + 1)
    mine.chmod(0o755)
    assert "others may use it" in slots.problem(mine, os.geteuid())
    link = tmp_path / "link"
    link.symlink_to(mine)
    assert "is not a directory" in slots.problem(link, os.geteuid())


def test_an_explicit_slot_directory_that_is_not_safe_is_an_error(tmp_path, monkeypatch):
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(stat.S_IRWXU | stat.S_IRWXG | stat.S_IRWXO)
    monkeypatch.setenv("AUTOGRADER_SLOT_DIR", str(folder))
    with pytest.raises(RuntimeError, match="others may use it"):
        slots.directory()
    monkeypatch.setenv("AUTOGRADER_SLOT_DIR", str(tmp_path / "fresh"))
    assert slots.directory() == Path(tmp_path / "fresh")
    assert stat.S_IMODE((tmp_path / "fresh").stat().st_mode) == 0o700


def test_cgroup_v2_detection_and_worker_group(tmp_path, monkeypatch):
    """On this project's cgroup v1 test machine only the detection and the file protocol can be tested."""
    from autograder.sandbox import cgroups

    assert cgroups.delegated(tmp_path)[0] is None  # no cgroup.controllers: not v2
    (tmp_path / "cgroup.controllers").write_text("cpu io memory pids\n")
    grader = tmp_path / "user.slice" / "grader"
    grader.mkdir(parents=True)
    (grader.parent / "cgroup.controllers").write_text("cpu memory\n")
    (grader.parent / "cgroup.subtree_control").write_text("")
    parent, why = cgroups.delegated(tmp_path, "/user.slice/grader")
    assert parent is None and "['pids']" in why
    (grader.parent / "cgroup.controllers").write_text("cpu memory pids\n")
    parent, why = cgroups.delegated(tmp_path, "/user.slice/grader")
    assert parent == grader.parent, why
    group = cgroups.WorkerGroup(parent)
    assert (parent / "cgroup.subtree_control").read_text() == "+memory +pids"
    (group.path / "memory.swap.max").write_text("max")
    group.limit(3 << 30, 68)
    assert [(group.path / f).read_text() for f in ("memory.max", "memory.swap.max", "pids.max")] == [str(3 << 30), "0", "68"]
    for f in group.path.iterdir():
        f.unlink()
    group.remove()
    assert not group.path.exists()
