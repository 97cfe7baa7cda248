"""A real Dask cluster on 127.0.0.1, started with the `dask` command line: a scheduler and two workers.

It grades like `--jobs 2`, loses nothing when a worker is killed mid-batch, and turns a submission
that kills every worker it runs on into that submission's error. Every process is torn down at the end.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

distributed_pkg = pytest.importorskip("distributed")

import cloudpickle  # noqa: E402 - Dask's dependency
from distributed import Client, WorkerPlugin  # noqa: E402

from autograder import api, distributed_worker  # noqa: E402
from autograder.report.results import read_gradebook  # noqa: E402
from conftest import SOLUTION  # noqa: E402
from test_distributed import grade, mixed_class, verdicts  # noqa: E402

pytestmark = pytest.mark.xdist_group("dask")  # one cluster at a time: these tests share a worker

DASK = Path(sys.executable).with_name("dask")
# one death is forgiven, two fail the task (Dask's default forgives three); a worker holds only the task it runs
ENV = {**os.environ, "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "1",
       "DASK_DISTRIBUTED__SCHEDULER__WORKER_SATURATION": "1.0"}
LOOPBACK = ["--host", "127.0.0.1", "--no-dashboard", "--dashboard-address", "127.0.0.1:0"]


class Cluster:
    """A `dask scheduler` and named `dask worker`s, each in its own process group."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.semaphores = _semaphores()
        self.file = folder / "scheduler.json"
        self.procs: dict[str, subprocess.Popen] = {}
        self._start("scheduler", ["scheduler", "--port", "0", "--scheduler-file", str(self.file), *LOOPBACK])
        deadline = time.monotonic() + 60
        while not self.file.exists():
            assert time.monotonic() < deadline and self.procs["scheduler"].poll() is None, self.log("scheduler")
            time.sleep(0.1)
        self.address = json.loads(self.file.read_text())["address"]

    def _start(self, name: str, args: list[str]) -> None:
        with (self.folder / f"{name}.log").open("w") as log:
            self.procs[name] = subprocess.Popen([str(DASK), *args], stdout=log, stderr=subprocess.STDOUT, env=ENV,
                                                cwd=self.folder, start_new_session=True)

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text()[-3000:]

    def ensure(self, names: list[str]) -> None:
        """Start the named workers that are not running, and wait until all of them have joined."""
        for name in names:
            if name not in self.procs or self.procs[name].poll() is not None:
                self._start(name, ["worker", "--scheduler-file", str(self.file), "--nworkers", "1", "--nthreads", "1",
                                   "--name", name, "--death-timeout", "60", "--local-directory", str(self.folder / name), *LOOPBACK])
        with Client(self.address, timeout=30) as c:
            deadline = time.monotonic() + 90
            while not set(names) <= set(self.workers(c)):
                assert time.monotonic() < deadline, "\n".join(self.log(n) for n in names)
                time.sleep(0.2)

    @staticmethod
    def workers(client: Client) -> dict[str, str]:
        """Worker name -> address."""
        return {str(w["name"]): addr for addr, w in client.scheduler_info(n_workers=-1)["workers"].items()}

    def listening(self) -> set[str]:
        """The addresses the cluster's processes (and their children) listen on."""
        import psutil  # Dask's dependency

        found = set()
        for top in self.procs.values():
            try:
                tree = [psutil.Process(top.pid), *psutil.Process(top.pid).children(recursive=True)]
            except psutil.NoSuchProcess:
                continue
            for p in tree:
                try:
                    found |= {c.laddr.ip for c in p.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN}
                except (psutil.NoSuchProcess, psutil.AccessDenied, FileNotFoundError):
                    continue
        return found

    def kill(self, name: str) -> None:
        """SIGKILL a worker's whole process group (its nanny too): it is gone for good."""
        os.killpg(self.procs[name].pid, signal.SIGKILL)
        self.procs[name].wait()

    def close(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self._remove_orphaned_semaphores()

    def _remove_orphaned_semaphores(self) -> None:
        """A SIGKILLed worker's group takes multiprocessing's resource tracker with it, so the named semaphores
        it made stay in /dev/shm. Remove those that appeared while the cluster ran and that no live process
        maps (a concurrent test's semaphores are mapped by their owner and stay)."""
        mapped = set()
        for maps in Path("/proc").glob("[0-9]*/maps"):
            try:
                mapped |= {line.split()[-1] for line in maps.read_text().splitlines() if "/dev/shm/sem." in line}
            except OSError:  # a process that ended meanwhile, or one not ours to read
                continue
        for path in _semaphores() - self.semaphores:
            if str(path) not in mapped:
                path.unlink(missing_ok=True)


def _semaphores() -> set[Path]:
    """multiprocessing's named semaphores in /dev/shm."""
    return set(Path("/dev/shm").glob("sem.mp-*"))


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    c = Cluster(tmp_path_factory.mktemp("dask"))
    try:
        c.ensure(["a", "b"])
        yield c
    finally:
        c.close()


@pytest.fixture(scope="module")
def klass() -> list[Path]:
    return mixed_class()


@pytest.fixture(scope="module")
def local_run(klass, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("local")
    grade(klass, out, jobs=2)
    return out


def test_a_cluster_grades_like_a_local_run_and_skips_what_is_unchanged(cluster, klass, local_run, tmp_path, monkeypatch):
    out = tmp_path / "out"
    batch = grade(klass, out, scheduler=cluster.address)
    assert cluster.listening() == {"127.0.0.1"}
    assert len(batch.graded) == len(klass)
    assert read_gradebook(out / api.GRADEBOOK) == read_gradebook(local_run / api.GRADEBOOK)
    assert verdicts(out) == verdicts(local_run)

    def no_cluster(*args: object) -> None:
        raise AssertionError("unchanged submissions reached the cluster")

    monkeypatch.setattr("autograder.distributed.run", no_cluster)
    again = api.grade_paths(klass, api.GradeOptions(out_dir=out, scheduler=cluster.address))
    assert all(g.reused for g in again.graded)


def test_workers_running_another_grader_stop_the_batch_with_a_clear_error(cluster, klass, tmp_path, monkeypatch):
    real = distributed_worker.GraderIdentity.here
    monkeypatch.setattr(distributed_worker.GraderIdentity, "here",
                        classmethod(lambda cls: real().__class__("0.0.0-elsewhere", "0", ())))  # only in this client
    with pytest.raises(RuntimeError, match="install the same autograder everywhere"):
        grade(klass[:2], tmp_path / "out", scheduler=str(cluster.file))  # a scheduler file stands for the address


class KillOnExecute(WorkerPlugin):
    """Ends the worker process the moment it starts grading `stem`: a submission that brings its worker down."""

    name = "test-kill-on-execute"

    def __init__(self, stem: str):
        self.stem = stem

    def transition(self, key: object, start: str, finish: str, **kwargs: object) -> None:
        if finish == "executing" and isinstance(key, tuple) and key[-1] == self.stem:
            os._exit(1)


def test_a_submission_that_kills_every_worker_it_runs_on_ends_as_its_own_error(cluster, klass, local_run, tmp_path):
    cluster.ensure(["a", "b"])
    sub = tmp_path / "class"
    sub.mkdir()
    shutil.copy(SOLUTION, sub / "kills_its_worker.py")
    others = klass[:3]
    module = sys.modules[__name__]
    cloudpickle.register_pickle_by_value(module)  # the workers cannot import this test module
    try:
        with Client(cluster.address, timeout=30) as spy:
            spy.register_plugin(KillOnExecute("kills_its_worker"))
            try:
                out = tmp_path / "out"
                batch = grade([sub, *others], out, scheduler=cluster.address)
            finally:
                spy.unregister_worker_plugin(KillOnExecute.name)
    finally:
        cloudpickle.unregister_pickle_by_value(module)
    assert len(batch.graded) == 1 + len(others)
    rows = {r["submission"]: r for r in read_gradebook(out / api.GRADEBOOK)}
    local = {r["submission"]: r for r in read_gradebook(local_run / api.GRADEBOOK)}
    assert all(rows[p.stem] == local[p.stem] for p in others)
    assert rows["kills_its_worker"]["score"] == "0"
    res = json.loads((out / "kills_its_worker.json").read_text())
    automatic = [t for t in res["tests"] if t["max_score"] > 0]
    assert all("not graded: the grading worker died each of the 2 times it ran this submission" in t["output"] for t in automatic)


def _running_on(client: Client, name: str, within: float) -> list:
    """The keys the named worker is running, waiting up to `within` seconds for it to run one."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        keys = client.processing().get(Cluster.workers(client).get(name, ""), [])
        if keys:
            return list(keys)
        time.sleep(0.02)
    return []


def test_a_worker_killed_in_the_middle_of_a_batch_costs_nothing(cluster, klass, local_run, tmp_path, monkeypatch):
    cluster.ensure(["a", "b"])
    saved: Counter[str] = Counter()
    real_save = api.save

    def counting_save(out: Path, stem: str, *args: object):
        saved[stem] += 1
        return real_save(out, stem, *args)

    monkeypatch.setattr(api, "save", counting_save)
    finished: Counter[str] = Counter()
    lost: list = []
    with Client(cluster.address, timeout=30) as spy:

        def progress(g: api.Graded, done: int, total: int) -> None:
            finished[g.stem] += 1
            if done == 2:
                lost.extend(_running_on(spy, "b", within=10))
                cluster.kill("b")

        out = tmp_path / "out"
        api.grade_paths(klass, api.GradeOptions(out_dir=out, force=True, scheduler=cluster.address), on_progress=progress)
    assert lost, "worker b was killed while it graded a submission"
    assert finished == Counter({p.stem: 1 for p in klass}) == saved  # each result arrived and was written once
    assert read_gradebook(out / api.GRADEBOOK) == read_gradebook(local_run / api.GRADEBOOK)
    assert verdicts(out) == verdicts(local_run)
