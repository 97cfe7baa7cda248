"""The local executor: every item once, a task's exception costs that item only, a worker that cannot start stops the batch."""
from __future__ import annotations

import threading

import pytest

from autograder import local_pool
from autograder.sandbox.isolation import Level


class FakeWorker:
    """Stands in for a sandbox worker: records its start, its restarts and the thread that started it."""

    started: list[int] = []
    refuse = False

    def __init__(self, slot: int = 0, level: Level | None = None):
        self.slot, self.closed = slot, 0

    def __enter__(self) -> "FakeWorker":
        if FakeWorker.refuse:
            raise RuntimeError("the sandbox at isolation level 'bwrap' cannot run honest code: test")
        FakeWorker.started.append(threading.get_ident())
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def close(self) -> None:
        self.closed += 1


@pytest.fixture(autouse=True)
def fake(monkeypatch):
    FakeWorker.started, FakeWorker.refuse = [], False
    monkeypatch.setattr(local_pool, "Worker", FakeWorker)


def test_every_item_is_received_once_and_a_raising_task_costs_only_its_item():
    received: dict[int, str] = {}
    lock = threading.Lock()

    def task(worker: FakeWorker, item: int) -> str:
        if item == 3:
            raise ValueError("our bug")
        return f"ok {item}"

    def receive(item: int, result: str) -> None:
        with lock:
            assert item not in received
            received[item] = result

    local_pool.run(list(range(10)), 2, Level.PROCESS, task, lambda item, trace: f"failed {item}: {trace.splitlines()[-1]}", receive)
    assert received == {**{i: f"ok {i}" for i in range(10) if i != 3}, 3: "failed 3: ValueError: our bug"}
    assert len(FakeWorker.started) == 2 and len(set(FakeWorker.started)) == 2  # each worker on a thread of its own


def test_a_pool_starts_its_workers_before_it_is_handed_anything():
    with local_pool.Pool(2, Level.PROCESS) as pool:
        for _ in range(200):
            if len(FakeWorker.started) == 2:
                break
            threading.Event().wait(0.01)
        assert len(FakeWorker.started) == 2
        seen = []
        pool.run(["a", "b", "c"], lambda w, item: item.upper(), lambda item, trace: "", lambda item, r: seen.append(r))
        assert sorted(seen) == ["A", "B", "C"]


def test_a_worker_that_cannot_start_stops_the_batch_with_its_message():
    FakeWorker.refuse = True
    with pytest.raises(RuntimeError, match="cannot run honest code"):
        local_pool.run([1, 2, 3], 2, Level.PROCESS, lambda w, item: item, lambda item, trace: 0, lambda item, r: None)
