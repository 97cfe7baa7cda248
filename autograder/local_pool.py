"""The local executor: N warm sandbox workers on this machine, each running the items it is handed one at a time.

It is handed what to run (`task`) and what to do with each outcome (`receive`) by the
orchestration (`api`), and imports nothing of it: it knows sandboxes, not submissions or scores.
"""
from __future__ import annotations

import threading
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from autograder.sandbox.isolation import Level
from autograder.sandbox.runner import Worker

T = TypeVar("T")
R = TypeVar("R")


def run(items: Sequence[T], jobs: int, level: Level, task: Callable[[Worker, T], R], failed: Callable[[T, str], R],
        receive: Callable[[T, R], None], on_start: Callable[[T], None] | None = None) -> None:
    """`receive(item, task(worker, item))` for every item, `jobs` workers at a time, in the order given.

    A task that raises is our bug, never the batch's: that item gets `failed(item, traceback)` and
    its worker is restarted for the next one.
    """
    queue = list(reversed(items))
    lock = threading.Lock()

    def slot(k: int) -> None:
        with Worker(slot=k, level=level) as worker:  # started on this thread, which outlives it
            while True:
                with lock:
                    if not queue:
                        return
                    item = queue.pop()
                if on_start:
                    on_start(item)
                try:
                    result = task(worker, item)
                except Exception:  # noqa: BLE001 - our bug costs this item a rerun, never the batch
                    result = failed(item, traceback.format_exc())
                    worker.close()
                receive(item, result)

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for f in [pool.submit(slot, k) for k in range(max(1, min(jobs, len(queue))))]:
            f.result()
