"""Grading on a Dask cluster (`--scheduler`): one task per submission; this client validates and writes every file.

`local` / `local:N` start a LocalCluster on 127.0.0.1; any other address joins a running scheduler.
Dask is an optional extra, imported only here and in `distributed_worker` (the code the workers run).
"""
from __future__ import annotations

import itertools
import os
import sys
import traceback
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from autograder import api, load
from autograder.assignment import Assignment
from autograder.model import ProbeError, ProbeRecord, RunRecord
from autograder.report.results import GradescopeResults, StoredObservations
from autograder.sandbox.isolation import Level
from autograder.sandbox.runner import Limits

if TYPE_CHECKING:
    from distributed import Client, Future, WorkerPlugin

INSTALL_HINT = "grading on a Dask cluster (--scheduler) needs Dask: pip install 'mlsheet-autograder[dask]'"
WINDOW = 256  # submissions in flight at least (4 per worker thread if more): bounds what the scheduler holds
WORKER_WAIT = 300.0  # seconds a remote scheduler may take to get its first worker
CONNECT_TIMEOUT = 30.0


def run(scheduler: str, a: Assignment, todo: list[tuple[Path, bytes]], stems: dict[Path, str], out: Path,
        level: Level, limits: Limits, finish: Callable[[api.Graded], None]) -> None:
    """Grade `todo` on the cluster at `scheduler`; each result is validated, saved and finished here, once."""
    try:
        import distributed  # noqa: F401 - Dask's package, not this module
    except ImportError as exc:
        raise RuntimeError(f"{INSTALL_HINT} ({exc})") from exc
    with connect(scheduler, level) as client:
        _grade(client, a, todo, stems, out, level, limits, finish)


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
        # fork: a worker starts with this process's imports instead of importing torch again, which on a small
        # machine costs more than grading a class (a forked worker sets torch to one thread before its first op)
        config["distributed.worker.multiprocessing-method"] = "fork"
    return config


@contextmanager
def connect(address: str, level: Level) -> Iterator[Client]:
    """A client of a new LocalCluster (`local`, `local:N`) or of the scheduler at `address` (or in a scheduler file)."""
    from autograder.distributed_worker import SandboxPlugin

    plugin = SandboxPlugin(level.value)
    n = local_workers(address)
    with _local_cluster(n, plugin) if n is not None else _remote(address, plugin) as client:
        yield client


@contextmanager
def _local_cluster(n: int, plugin: WorkerPlugin) -> Iterator[Client]:
    import dask
    from distributed import Client, LocalCluster

    config = _local_config()
    if config.get("distributed.worker.multiprocessing-method") == "fork":
        from autograder import checks

        checks.preload()  # once here, not once in every forked worker
    with dask.config.set(config):
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


def _grade(client: Client, a: Assignment, todo: list[tuple[Path, bytes]], stems: dict[Path, str], out: Path,
           level: Level, limits: Limits, finish: Callable[[api.Graded], None]) -> None:
    from distributed import as_completed

    from autograder.distributed_worker import GraderIdentity, grade

    expect = GraderIdentity.here()
    batch = f"grade-{uuid.uuid4().hex[:8]}"  # one task group per batch, each key (batch, stem)
    queue = iter(todo)
    running: dict[Future, tuple[Path, bytes]] = {}
    done = as_completed()

    def submit(item: tuple[Path, bytes]) -> None:
        p, data = item
        f = client.submit(grade, a, str(p), data, limits, level.value, expect, key=(batch, stems[p]), retries=0)
        running[f] = item
        done.add(f)

    # more tasks than twice the threads: Dask queues them on the scheduler and hands each worker one at a time
    for item in itertools.islice(queue, max(WINDOW, 4 * sum(client.nthreads().values()))):
        submit(item)
    try:
        for f in done:
            p, data = running.pop(f)
            stored, res = _outcome(f, a, p, data, level)
            f.release()
            finish(api.Graded(path=p, stem=stems[p], results=api.save(out, stems[p], stored, res)))
            nxt = next(queue, None)
            if nxt is not None:
                submit(nxt)
    finally:
        if running:
            client.cancel(list(running))


def _outcome(f: Future, a: Assignment, p: Path, data: bytes, level: Level) -> tuple[StoredObservations, GradescopeResults]:
    """A finished task's validated results, the crash result of a worker-killing submission, or RuntimeError."""
    from distributed import KilledWorker

    from autograder.distributed_worker import ClusterSetupError

    if f.status == "finished":
        stored_json, res_json = f.result()
        try:
            return StoredObservations.model_validate_json(stored_json), GradescopeResults.model_validate_json(res_json)
        except ValidationError as exc:
            raise RuntimeError(f"a Dask worker sent back invalid results for {p}: {exc}") from exc
    if f.status == "cancelled":
        raise RuntimeError(f"the Dask scheduler dropped the task of {p} (was it restarted?)")
    exc = f.exception()
    if isinstance(exc, KilledWorker):
        return crashed(a, str(p), level, tries=exc.allowed_failures + 1, last_worker=str(exc.last_worker.address))
    if isinstance(exc, ClusterSetupError):
        raise RuntimeError(f"grading on the cluster stopped at {p}: {exc}") from exc
    # our bug on the worker: as in a local run, it costs this submission a rerun, never the batch
    stored = StoredObservations(submission=str(p), sha256=load.digest(data), assignment=a.name,
                                probe_fingerprint=a.probe_fingerprint, grader_error="".join(traceback.format_exception(exc)))
    return stored, api.judge(a, stored)[1]


def crashed(a: Assignment, name: str, level: Level, *, tries: int, last_worker: str) -> tuple[StoredObservations, GradescopeResults]:
    """The result of a submission whose worker died every time it ran it: every probe crashed, scored as usual."""
    # no sha256: the next `grade` tries it again (a worker's death may be the machine's fault) instead of reusing this
    message = (f"not graded: the grading worker died each of the {tries} times it ran this submission — code that "
               "exhausts the machine's memory can do this; if yours runs within the limits, ask your instructor to grade it again")
    err = ProbeError(kind="crashed", message=message)
    run = RunRecord(records={p.id: ProbeRecord(probe=p.id, error=err) for p in a.probes}, attempts=tries,
                    isolation=level.value, notes=[f"dask: the worker died on each of {tries} attempts (last: {last_worker})"])
    stored = StoredObservations(submission=name, sha256=None, assignment=a.name, probe_fingerprint=a.probe_fingerprint, run=run)
    _, res = api.judge(a, stored)
    return stored, res
