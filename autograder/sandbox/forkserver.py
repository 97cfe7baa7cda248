"""The warm worker: imports torch once, then forks a fresh single-use child for every job.

Runs inside the sandbox (see `isolation`), as `python -m autograder.sandbox.forkserver FD UID PRIVATE_DEV WARM`:
FD is its end of the control socket, UID the unprivileged uid its children take (or -1),
PRIVATE_DEV 1 when /dev (so /dev/shm) belongs to this sandbox alone (the bubblewrap levels), and
WARM 1 to import beforehand what honest code makes torch import lazily (`LAZY_IMPORTS`: each
fresh child would otherwise pay it again); asked by a `warm` message, it imports the course packages
a job will use (`course_imports`). Only the standard library, torch, the probes and those packages
are imported here.

The server never sees a submission: each job's spec (its source) comes in a memfd that only the
job's own child reads, so a child inherits no earlier submission from the server's memory.

The server is a child subreaper: whatever a job starts, even a daemon that double-forks and calls
setsid, stays its descendant, so that `sweep` finds and kills it after the job.
"""
from __future__ import annotations

import ctypes
import gc
import importlib
import json
import os
import select
import signal
import socket
import sys
import tempfile
import traceback

import torch

torch.set_num_threads(1)  # before any op: forked children of a multithreaded parent can deadlock

import torch.distributions  # noqa: E402,F401 - warm the imports students use
import torch.nn.functional  # noqa: E402,F401

try:  # the child seeds numpy's global generator; numpy.random imports more of the stdlib lazily
    import numpy.random  # noqa: E402,F401
except ImportError:
    pass

from autograder.sandbox import child, cleanup, course_imports, landlock, limits, procs, warmup, wire  # noqa: E402
from autograder.sandbox.isolation import SHARED_MEMORY  # noqa: E402

_WATCH_SECONDS = 0.1  # how often a running job's processes are counted
# what torch imports on first use of things honest submissions use: torch.broadcast_shapes (every
# MultivariateNormal) -> symbolic_shapes and sympy (0.35 s); torch.utils.checkpoint -> torch._dynamo (0.8 s)
LAZY_IMPORTS = ("torch.fx.experimental.symbolic_shapes", "torch._dynamo")


def _read_spec(fd: int) -> dict:
    with os.fdopen(fd, "rb") as fh:
        return json.loads(fh.read())


def _child(fds: list[int], tmpdir: str) -> None:
    """The job's main process: read its spec, wire its descriptors, confine it, run the submission; never returns."""
    result_fd, out_fd, err_fd, spec_fd = fds
    spec = _read_spec(spec_fd)
    os.dup2(out_fd, 1)
    os.dup2(err_fd, 2)
    os.dup2(result_fd, 3)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.closerange(4, 1 << 16)
    sys.stdout = open(1, "w", buffering=1, closefd=False)
    sys.stderr = open(2, "w", buffering=1, closefd=False)
    try:
        limits.enter({**spec["limits"], "tmpdir": tmpdir})
    except BaseException as exc:  # noqa: BLE001 - never run student code unconfined
        os.write(2, f"autograder: the child could not be confined: {exc!r}\n".encode())
        os._exit(70)
    child.run_job({**spec, "workdir": tmpdir}, 3)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(0)


def _wait_job(sock: socket.socket, pid: int, uid: int | None, bomb_at: int) -> tuple[int, int, int]:
    """Wait for the job's main process; kill the job on request or when it holds `bomb_at` processes.

    Returns (wait status, peak resident KiB, processes seen when it was stopped as a fork bomb or 0).
    """
    pidfd = os.pidfd_open(pid)
    bomb = 0
    try:
        while True:
            ready, _, _ = select.select([sock, pidfd], [], [], _WATCH_SECONDS)
            if pidfd in ready:
                _, status, usage = os.wait4(pid, 0)
                return status, usage.ru_maxrss, bomb
            if sock in ready:
                msg, _ = wire.recv(sock)
                if msg is None:  # the grader went away: clean up and leave
                    procs.kill_job(pid)
                    os.wait4(pid, 0)
                    procs.sweep(uid, pid)
                    sys.exit(0)
                if msg.get("op") == "kill":
                    procs.kill_job(pid)
            procs.reap_others(pid)
            if not ready and not bomb and (n := procs.count(uid)) >= bomb_at:
                bomb = n
                procs.kill_job(pid)  # the sweep after the main process is reaped kills the rest
    finally:
        os.close(pidfd)


def _run(sock: socket.socket, job_limits: dict, fds: list[int], uid: int | None, private_dev: bool) -> None:
    tmpdir = tempfile.mkdtemp(prefix="job-")
    if uid is not None:
        os.chown(tmpdir, uid, uid)
    base_kib = procs.rss_kib(os.getpid())
    pid = os.fork()
    if pid == 0:
        try:
            sock.close()
            _child(fds, tmpdir)
        except BaseException:  # noqa: BLE001 - the grader's own failure: say what it was
            os.write(2, f"autograder: the job's process failed before the submission ran:\n{traceback.format_exc()}".encode())
        finally:
            os._exit(70)  # a forked child must never return into the server's loop
    for fd in fds:
        os.close(fd)
    wire.send(sock, {"op": "started", "pid": pid})
    bomb_at = max(4, int(job_limits.get("max_processes", 64)) // 2)
    status, peak_kib, bomb = _wait_job(sock, pid, uid, bomb_at)
    if not bomb and (n := procs.count(uid)) >= bomb_at:  # a bomb still growing when the main process ended
        bomb = n
    left = procs.sweep(uid, pid)
    cleanup.remove_tree(tmpdir)
    if private_dev:  # POSIX shared memory of this job, in the sandbox's own /dev
        cleanup.empty_dir(SHARED_MEMORY)
    elif uid is not None:  # the host's /dev/shm: only what the job's dedicated uid made there
        cleanup.remove_owned(SHARED_MEMORY, uid)
    # at the process level the job has the grader's own uid: what it left in the host's /dev/shm cannot be told
    # from the user's other programs' (a browser keeps its memory there), so it stays
    wire.send(sock, {"op": "exited", "pid": pid, **describe(status), "left_behind": left,
                     "peak_mb": max(0, peak_kib - base_kib) // 1024, "processes": bomb})


def describe(status: int) -> dict:
    """A wait status as plain data."""
    if os.WIFSIGNALED(status):
        return {"signal": os.WTERMSIG(status), "code": None}
    return {"signal": None, "code": os.WEXITSTATUS(status)}


def _landlock_works() -> int:
    """Try Landlock in a throwaway child: the ABI the jobs can apply, 0 if it fails here."""
    version = landlock.abi()
    if not version:
        return 0
    pid = os.fork()
    if pid == 0:
        try:
            limits.no_new_privs()
            landlock.restrict(["/usr"], [])
        except BaseException:  # noqa: BLE001 - any failure means: do not use it
            os._exit(1)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    return version if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 else 0


_MADV_HUGEPAGE, _MADV_COLLAPSE = 14, 25  # Linux >= 6.1 for the second
_HUGE = 2 << 20


def _huge_pages() -> int:
    """Back this server's private writable memory with transparent huge pages: the number of regions collapsed.

    A fork then copies one page-table entry per 2 MiB instead of 512 (a fork and exit of the torch-warm
    server: 26 ms -> 9 ms on this project's machine); a child's first write into such a page splits it
    and copies 4 KiB, as before (Linux >= 5.8). Where the kernel refuses (THP off, an old kernel),
    nothing changes.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
        with open("/proc/self/maps") as fh:
            maps = fh.read().splitlines()
    except (OSError, AttributeError):
        return 0
    done = 0
    for line in maps:
        fields = line.split()
        anonymous = len(fields) < 6 or fields[5] == "[heap]"
        if not fields[1].startswith("rw") or fields[1][3] != "p" or not anonymous:
            continue
        lo, hi = (int(x, 16) for x in fields[0].split("-"))
        lo, hi = (lo + _HUGE - 1) & ~(_HUGE - 1), hi & ~(_HUGE - 1)
        if hi > lo and libc.madvise(lo, hi - lo, _MADV_HUGEPAGE) == 0 and libc.madvise(lo, hi - lo, _MADV_COLLAPSE) == 0:
            done += 1
    return done


def main() -> None:
    """Serve jobs until the control socket closes."""
    fd, uid_arg = int(sys.argv[1]), int(sys.argv[2])
    private_dev = len(sys.argv) > 3 and sys.argv[3] == "1"
    many_jobs = len(sys.argv) > 4 and sys.argv[4] == "1"
    if many_jobs:
        for name in LAZY_IMPORTS:
            try:
                importlib.import_module(name)
            except ImportError:  # another torch: its children import what they need themselves
                pass
        warmup.run()  # what the probes set up on first use: once here, not in every child (about 3 ms a job)
    child.seed_generators(0)  # its first call imports and sets up more of torch: once here, not in every child (3 ms)
    # every object so far is the server's: no collection in a child walks (and so copies) their pages
    gc.collect()  # not the warm-up's garbage, though
    gc.freeze()
    if many_jobs:  # 0.7 s once, about 17 ms less for every job
        _huge_pages()
    uid = None if uid_arg < 0 else uid_arg
    if uid is not None and not private_dev:  # the host's /tmp and /dev/shm: what a killed server of this slot left
        cleanup.remove_owned(tempfile.gettempdir(), uid)  # (its jobs' private dirs) is removed before any job runs
        cleanup.remove_owned(SHARED_MEMORY, uid)
    sock = socket.socket(fileno=fd)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    procs.become_subreaper()
    procs.undumpable()  # a job of the same uid (the userns and process levels) cannot ptrace or read this server
    wire.send(sock, {"op": "ready", "pid": os.getpid(), "landlock": _landlock_works()})
    while True:
        msg, fds = wire.recv(sock, max_fds=4)
        if msg is None:  # no job runs (each was swept): skip the interpreter's teardown of torch
            os._exit(0)
        if msg.get("op") == "run" and len(fds) == 4:
            _run(sock, msg["limits"], fds, uid, private_dev)
        elif msg.get("op") == "warm" and not fds:  # between jobs: no job runs, so nothing of one is in this process
            done = course_imports.warm([str(n) for n in msg.get("modules") or []])
            gc.collect()
            gc.freeze()
            wire.send(sock, {"op": "warmed", "modules": done})
        else:
            for fd in fds:
                os.close(fd)


if __name__ == "__main__":
    main()
