"""The Dask worker's side: warm sandboxes kept by a worker plugin, and the task wrapper that runs one unit in one.

State lives in the `SandboxPlugin` instance that Dask keeps in `worker.plugins` (a per-process cache
of warm fork servers); nothing is kept at module level. Student code runs only inside those
sandboxes. What a task does (parse, drive the sandbox, score: as a local run does) is handed in by
the client (`distributed.Task`); this module imports nothing of the orchestration.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from distributed import WorkerPlugin, get_worker

import autograder
from autograder.assignment import PROBE_CODE_VERSION
from autograder.sandbox.isolation import Level, available
from autograder.sandbox.runner import Worker

PLUGIN = "autograder-sandbox"
T = TypeVar("T")


class ClusterSetupError(RuntimeError):
    """A worker cannot grade at all (no sandbox, another grader version): the batch stops, no result is made up."""


@dataclass(frozen=True)
class GraderIdentity:
    """What produces a result: a worker running anything else refuses the task."""

    version: str
    probe_code: str
    checks: tuple[tuple[str, str], ...]

    @classmethod
    def here(cls) -> "GraderIdentity":
        from autograder import checks

        return cls(version=autograder.__version__, probe_code=PROBE_CODE_VERSION, checks=tuple(sorted(checks.VERSIONS.items())))


def _one_torch_thread() -> None:
    """Score with one torch thread, as Dask gives its spawned workers (OMP_NUM_THREADS=1)."""
    # A worker forked from a process whose torch already ran a parallel op hangs in its own first
    # parallel op unless it does this before (OpenMP's thread pool does not survive fork).
    import torch

    torch.set_num_threads(1)


class _Sandbox:
    """A started fork server (it holds a machine-wide slot) and the one thread that starts, drives and stops it."""

    def __init__(self, level: Level):
        self.level = level
        self.worker = Worker(level=level)
        # bwrap's --die-with-parent kills the fork server when the *thread* that started it ends (Dask's
        # threads come and go), so every call that may (re)start it runs on a thread that lives as long as it
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="autograder-sandbox")
        try:
            available(level.value)
            self.call(Worker.start)
        except Exception as exc:
            self.close()
            raise ClusterSetupError(f"no {level.value} sandbox on this worker: {exc}") from exc

    def call(self, fn: Callable[..., T], *args: object) -> T:
        """`fn(worker, *args)` on the sandbox's own thread."""
        return self._thread.submit(fn, self.worker, *args).result()

    def close(self) -> None:
        """Stop the fork server, free its slot, end the thread."""
        try:
            self.call(Worker.release)
        finally:
            self._thread.shutdown()


class SandboxPlugin(WorkerPlugin):
    """One warm sandbox per thread of a Dask worker process (one thread: one sandbox), started at setup."""

    name = PLUGIN
    idempotent = True  # registering again (a second batch) keeps the warm sandboxes

    def __init__(self, level: str, warm: Callable[[], None] | None = None):
        self.level = level
        self.warm = warm  # handed in by the client: run once while the sandbox starts

    def setup(self, worker: object) -> None:
        self._lock = threading.Lock()
        self._idle: list[_Sandbox] = []
        self._warming = threading.Thread(target=self._warm, name="autograder-warm-up", daemon=True)
        self._warming.start()

    def _warm(self) -> None:
        try:
            if self.warm is not None:
                self.warm()
            sandbox = _Sandbox(Level(self.level))
        except Exception:  # noqa: BLE001 - the first task tries again and reports why
            return
        with self._lock:
            self._idle.append(sandbox)

    def teardown(self, worker: object) -> None:
        self._warming.join(timeout=60)
        with self._lock:
            idle, self._idle = self._idle, []
        for sandbox in idle:
            sandbox.close()

    @contextmanager
    def sandbox(self, level: Level) -> Iterator[_Sandbox]:
        """A warm sandbox at `level` for one submission; it goes back to the pool unless the run raised."""
        self._warming.join()
        _one_torch_thread()  # before this process's first torch op
        with self._lock:
            found = next((s for s in self._idle if s.level == level), None)
            stale = [s for s in self._idle if s.level != level]
            self._idle = [s for s in self._idle if s is not found and s not in stale]
        for s in stale:
            s.close()
        sandbox = found or _Sandbox(level)
        try:
            yield sandbox
        except BaseException:
            sandbox.close()
            raise
        with self._lock:
            self._idle.append(sandbox)


def execute(fn: Callable[..., T], args: tuple, level: str, expect: GraderIdentity) -> T:
    """The Dask task: `fn(worker, *args)` in this worker process's warm sandbox at `level`."""
    mine = GraderIdentity.here()
    if mine != expect:
        raise ClusterSetupError(f"this worker grades with {mine}, the client with {expect}: install the same autograder everywhere")
    worker = get_worker()
    plugin = worker.plugins.get(PLUGIN)
    if not isinstance(plugin, SandboxPlugin):
        raise ClusterSetupError(f"the {PLUGIN} plugin is missing on worker {worker.address}")
    with plugin.sandbox(Level(level)) as sandbox:
        return sandbox.call(fn, *args)
