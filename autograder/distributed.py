"""Grading on a Dask cluster (`--scheduler`): one task per submission; the client receives every outcome.

`local` / `local:N` start a LocalCluster on 127.0.0.1; any other address joins a running scheduler.
Dask is an optional extra, imported only here and in `distributed_worker` (the code the workers run).

This is an executor: the orchestration (`api`) hands it what to run on a worker (`Task`) and what to
do with each outcome (`receive`); it imports nothing of the orchestration, and knows sandboxes,
not submissions, scores or files.
"""
from __future__ import annotations

import itertools
import os
import sys
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar, Union

from autograder.sandbox.isolation import Level

if TYPE_CHECKING:
    from distributed import Client, Future, WorkerPlugin

T = TypeVar("T")
INSTALL_HINT = "grading on a Dask cluster (--scheduler) needs Dask: pip install 'mlsheet-autograder[dask]'"
WINDOW = 256  # submissions in flight at least (4 per worker thread if more): bounds what the scheduler holds
WORKER_WAIT = 300.0  # seconds a remote scheduler may take to get its first worker
CONNECT_TIMEOUT = 30.0


@dataclass(frozen=True)
class Task:
    """One unit of work for the cluster: `fn(worker, *args)` in a warm sandbox `Worker` of some Dask worker.

    `fn` and `args` are pickled to the worker (`fn` by reference: the worker imports its module).
    """

    key: str  # unique in the batch (Dask's key, with the batch's name)
    fn: Callable[..., object]
    args: tuple


@dataclass(frozen=True)
class Done:
    """The task returned `value` (not validated here: it came from another machine)."""

    value: object


@dataclass(frozen=True)
class Crashed:
    """Every worker that ran the task died (Dask's `allowed-failures` + 1 tries)."""

    tries: int
    last_worker: str


@dataclass(frozen=True)
class Failed:
    """The task raised on the worker: the grader's bug there, never the batch's."""

    error: BaseException


Outcome = Union[Done, Crashed, Failed]


def run(scheduler: str, level: Level, work: Iterable[tuple[T, Task]], receive: Callable[[T, Outcome], None],
        *, warm: Callable[[], None] | None = None) -> None:
    """Run every task on the cluster at `scheduler`; `receive(item, outcome)` here, once per item, as each ends.

    `warm`: what a worker process runs once while its sandbox starts, e.g. importing what the tasks
    will need. Raises RuntimeError when the cluster cannot run the batch (no Dask, unreachable,
    workers of another grader or without the sandbox).
    """
    try:
        import distributed  # noqa: F401 - Dask's package, not this module
    except ImportError as exc:
        raise RuntimeError(f"{INSTALL_HINT} ({exc})") from exc
    with connect(scheduler, level, warm) as client:
        _run(client, level, work, receive)


def local_workers(address: str) -> int | None:
    """N for `local:N` (`local`: one worker per CPU); None for any other address."""
    if address == "local":
        return os.cpu_count() or 1
    if not address.startswith("local:"):
        return None
    n = address.removeprefix("local:")
    if not n.isdigit() or int(n) < 1:
        raise RuntimeError(f"--scheduler {address}: N in local:N must be a number of workers, at least 1")
    return int(n)


def _local_config() -> dict[str, object]:
    """Dask settings for the LocalCluster this client starts."""
    # saturation 1.0: a worker holds only the task it runs, so its death makes no bystander suspicious
    # no work stealing: with queued tasks there is nothing to steal, only the scheduler's time to spend
    config: dict[str, object] = {"distributed.scheduler.worker-saturation": 1.0, "distributed.scheduler.work-stealing": False}
    if sys.platform.startswith("linux"):
        # forkserver: a worker is forked from multiprocessing's fork server, a fresh single-threaded process that
        # has imported torch once (`FORKSERVER_PRELOAD`), instead of importing torch again, which on a small machine
        # costs more than grading a class. Not fork: this process runs threads (Dask's event loop, a caller's), and
        # a worker forked from it once hung in its own event loop, holding a lock no thread of it would release
        config["distributed.worker.multiprocessing-method"] = "forkserver"
    return config


# what a local worker imports anyway, imported once in the fork server that Dask's workers are forked from
FORKSERVER_PRELOAD = ("distributed", "torch", "autograder.distributed_worker")


def _preload_forkserver() -> None:
    """Have the fork server import `FORKSERVER_PRELOAD` (unless it is running already: then it keeps what it has)."""
    from distributed.utils import get_mp_context

    get_mp_context().set_forkserver_preload(list(FORKSERVER_PRELOAD))  # after Dask's own choice, which it replaces


@contextmanager
def connect(address: str, level: Level, warm: Callable[[], None] | None = None) -> Iterator[Client]:
    """A client of a new LocalCluster (`local`, `local:N`) or of the scheduler at `address` (or in a scheduler file)."""
    from autograder.distributed_worker import SandboxPlugin

    plugin = SandboxPlugin(level.value, warm)
    n = local_workers(address)
    with _local_cluster(n, plugin) if n is not None else _remote(address, plugin) as client:
        yield client


@contextmanager
def _local_cluster(n: int, plugin: WorkerPlugin) -> Iterator[Client]:
    import dask
    from distributed import Client, LocalCluster

    config = _local_config()
    with dask.config.set(config):
        if config.get("distributed.worker.multiprocessing-method") == "forkserver":
            _preload_forkserver()
        # all on 127.0.0.1; no dashboard (the scheduler's small HTTP server takes a free loopback port); the
        # plugin given at start, so that each worker warms its sandbox while the cluster comes up
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1", scheduler_port=0,
                               dashboard_address=None, scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
                               plugins=(plugin,))
    with cluster, Client(cluster) as client:
        yield client


@contextmanager
def _remote(address: str, plugin: WorkerPlugin) -> Iterator[Client]:
    from distributed import Client

    if "://" in address:
        where = {"address": address}
    elif Path(address).is_file():
        where = {"scheduler_file": address}
    else:
        raise RuntimeError(f"--scheduler {address}: expected local, local:N, a scheduler address such as "
                           "tcp://10.0.0.5:8786, or a scheduler file")
    try:
        client = Client(**where, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError, TypeError) as exc:  # TypeError: tls:// without a TLS configuration
        hint = " (tls:// needs the DASK_DISTRIBUTED__COMM__TLS__* settings: see docs/distributed.md)" if "tls" in address else ""
        raise RuntimeError(f"cannot reach the Dask scheduler at {address}: {exc}{hint}") from exc
    with client:
        client.register_plugin(plugin)  # idempotent: workers that have it keep their warm sandboxes
        try:
            client.wait_for_workers(1, timeout=WORKER_WAIT)
        except TimeoutError as exc:
            raise RuntimeError(f"the Dask scheduler at {address} has had no worker for {WORKER_WAIT:g} s: "
                               f"start some with `dask worker {client.scheduler.address}`") from exc
        yield client


def _run(client: Client, level: Level, work: Iterable[tuple[T, Task]], receive: Callable[[T, Outcome], None]) -> None:
    from distributed import as_completed

    from autograder.distributed_worker import GraderIdentity, execute

    expect = GraderIdentity.here()
    batch = f"batch-{uuid.uuid4().hex[:8]}"  # one task group per batch, each key (batch, task key)
    queue = iter(work)
    running: dict[Future, tuple[T, str]] = {}
    done = as_completed()

    def submit(item: T, task: Task) -> None:
        f = client.submit(execute, task.fn, task.args, level.value, expect, key=(batch, task.key), retries=0)
        running[f] = (item, task.key)
        done.add(f)

    # more tasks than twice the threads: Dask queues them on the scheduler and hands each worker one at a time
    for item, task in itertools.islice(queue, max(WINDOW, 4 * sum(client.nthreads().values()))):
        submit(item, task)
    try:
        for f in done:
            item, key = running.pop(f)
            outcome = _outcome(f, key)
            f.release()
            receive(item, outcome)
            nxt = next(queue, None)
            if nxt is not None:
                submit(*nxt)
    finally:
        if running:
            client.cancel(list(running))


def _outcome(f: Future, key: str) -> Outcome:
    """A finished task's outcome, or RuntimeError when the batch cannot go on."""
    from distributed import KilledWorker

    from autograder.distributed_worker import ClusterSetupError

    if f.status == "finished":
        return Done(f.result())
    if f.status == "cancelled":
        raise RuntimeError(f"the Dask scheduler dropped the task {key} (was it restarted?)")
    exc = f.exception()
    if isinstance(exc, KilledWorker):
        return Crashed(tries=exc.allowed_failures + 1, last_worker=str(exc.last_worker.address))
    if isinstance(exc, ClusterSetupError):
        raise RuntimeError(f"grading on the cluster stopped at {key}: {exc}") from exc
    return Failed(exc)
