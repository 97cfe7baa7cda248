"""The local executor: N warm sandbox workers on this machine, each running the items it is handed one at a time.

It is handed what to run (`task`) and what to do with each outcome (`receive`) by the
orchestration (`api`), and imports nothing of it: it knows sandboxes, not submissions or scores.
A `Pool` starts its workers when it is made, so that they warm up while the caller still loads
what the items need; `run` is the one-shot form.
"""
from __future__ import annotations

import queue
import threading
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from autograder.sandbox.isolation import Level
from autograder.sandbox.runner import Worker

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class _Work(Generic[T, R]):
    item: T
    task: Callable[[Worker, T], R]
    failed: Callable[[T, str], R]
    receive: Callable[[T, R], None]
    on_start: Callable[[T], None] | None


class Pool:
    """`jobs` sandbox workers, each started at once on a thread of its own (which outlives it, as bwrap needs)."""

    def __init__(self, jobs: int, level: Level):
        self._queue: queue.Queue[_Work[Any, Any] | None] = queue.Queue()
        self._cond = threading.Condition()
        self._left = 0  # items handed out and not yet received
        self._errors: list[BaseException] = []
        self._alive = max(1, jobs)
        self._threads = [threading.Thread(target=self._slot, args=(k, level), name=f"autograder-slot-{k}", daemon=True)
                         for k in range(self._alive)]
        for t in self._threads:
            t.start()

    def _slot(self, k: int, level: Level) -> None:
        try:
            with Worker(slot=k, level=level) as worker:
                while (work := self._queue.get()) is not None:
                    if work.on_start:
                        work.on_start(work.item)
                    try:
                        result = work.task(worker, work.item)
                    except Exception:  # noqa: BLE001 - our bug costs this item a rerun, never the batch
                        result = work.failed(work.item, traceback.format_exc())
                        worker.close()
                    work.receive(work.item, result)
                    with self._cond:
                        self._left -= 1
                        self._cond.notify_all()
        except BaseException as exc:  # noqa: BLE001 - a worker that cannot start (or a receive that raised) stops the batch
            with self._cond:
                self._errors.append(exc)
                self._cond.notify_all()
        finally:
            with self._cond:
                self._alive -= 1
                self._cond.notify_all()

    def run(self, items: Sequence[T], task: Callable[[Worker, T], R], failed: Callable[[T, str], R],
            receive: Callable[[T, R], None], on_start: Callable[[T], None] | None = None) -> None:
        """`receive(item, task(worker, item))` for every item, in the order given; returns when all are received.

        A task that raises is our bug, never the batch's: that item gets `failed(item, traceback)` and its
        worker is restarted for the next one. A worker that cannot start raises here.
        """
        with self._cond:
            self._left += len(items)
        for item in items:
            self._queue.put(_Work(item, task, failed, receive, on_start))
        with self._cond:
            while self._left > 0 and not self._errors and self._alive > 0:
                self._cond.wait()
            if self._errors:
                raise self._errors[0]
            if self._left > 0:
                raise RuntimeError("every sandbox worker stopped before the batch was done")

    def close(self) -> None:
        """Drop what was not started, stop every worker and wait for its thread."""
        try:
            while True:
                self._queue.get_nowait()
        except queue.Empty:
            pass
        for _ in self._threads:
            self._queue.put(None)
        for t in self._threads:
            t.join()

    def __enter__(self) -> "Pool":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def run(items: Sequence[T], jobs: int, level: Level, task: Callable[[Worker, T], R], failed: Callable[[T, str], R],
        receive: Callable[[T, R], None], on_start: Callable[[T], None] | None = None) -> None:
    """`Pool.run` with a pool of `jobs` workers (at most one per item) made for these items alone."""
    with Pool(min(jobs, len(items)), level) as pool:
        pool.run(items, task, failed, receive, on_start)
