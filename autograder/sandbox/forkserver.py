"""The warm worker: imports torch once, then forks a fresh single-use child for every job.

Runs inside the sandbox (see `isolation`), as `python -m autograder.sandbox.forkserver FD UID`:
FD is its end of the control socket, UID the unprivileged uid its children take (or -1).
Only the standard library, torch and the probes are imported here.
"""
from __future__ import annotations

import os
import select
import shutil
import signal
import socket
import sys
import tempfile
import time

import torch

torch.set_num_threads(1)  # before any op: forked children of a multithreaded parent can deadlock

import torch.distributions  # noqa: E402,F401 - warm the imports students use
import torch.nn.functional  # noqa: E402,F401

from autograder.sandbox import child, limits, wire  # noqa: E402

_SWEEP_ROUNDS = 20


def _pids_of(uid: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as fh:
                for line in fh:
                    if line.startswith("Uid:"):
                        if int(line.split()[1]) == uid:
                            pids.append(int(entry))
                        break
        except OSError:
            continue
    return pids


def sweep(uid: int | None, pgid: int) -> int:
    """Kill every process the job left behind; return how many still exist (0 when clean)."""
    try:
        os.killpg(pgid, signal.SIGKILL)
    except OSError:
        pass
    if uid is None:
        return 0
    for _ in range(_SWEEP_ROUNDS):
        left = _pids_of(uid)
        if not left:
            return 0
        killer = os.fork()
        if killer == 0:  # kill(-1) as that uid reaches exactly the processes of that uid
            try:
                os.setresuid(uid, uid, uid)
                os.kill(-1, signal.SIGKILL)
            finally:
                os._exit(0)
        os.waitpid(killer, 0)
        time.sleep(0.005)
    return len(_pids_of(uid))


def _child(spec: dict, fds: list[int], tmpdir: str) -> None:
    result_fd, out_fd, err_fd = fds
    os.dup2(out_fd, 1)
    os.dup2(err_fd, 2)
    os.dup2(result_fd, 3)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.closerange(4, 1 << 16)
    sys.stdout = open(1, "w", buffering=1, closefd=False)
    sys.stderr = open(2, "w", buffering=1, closefd=False)
    limits.enter({**spec["limits"], "tmpdir": tmpdir})
    child.run_job(spec, 3)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(0)


def _run(sock: socket.socket, spec: dict, fds: list[int], uid: int | None) -> None:
    tmpdir = tempfile.mkdtemp(prefix="job-")
    if uid is not None:
        os.chown(tmpdir, uid, uid)
    pid = os.fork()
    if pid == 0:
        sock.close()
        _child(spec, fds, tmpdir)
    for fd in fds:
        os.close(fd)
    wire.send(sock, {"op": "started", "pid": pid})
    pidfd = os.pidfd_open(pid)
    status = None
    while status is None:
        ready, _, _ = select.select([sock, pidfd], [], [])
        if sock in ready:
            msg, _ = wire.recv(sock)
            if msg is None or msg.get("op") == "kill":
                try:
                    os.killpg(pid, signal.SIGKILL)
                except OSError:
                    os.kill(pid, signal.SIGKILL)
            if msg is None:
                os.waitpid(pid, 0)
                sweep(uid, pid)
                sys.exit(0)
        if pidfd in ready:
            _, status = os.waitpid(pid, 0)
    os.close(pidfd)
    left = sweep(uid, pid)
    shutil.rmtree(tmpdir, ignore_errors=True)
    wire.send(sock, {"op": "exited", "pid": pid, **describe(status), "left_behind": left})


def describe(status: int) -> dict:
    """A wait status as plain data."""
    if os.WIFSIGNALED(status):
        return {"signal": os.WTERMSIG(status), "code": None}
    return {"signal": None, "code": os.WEXITSTATUS(status)}


def main() -> None:
    """Serve jobs until the control socket closes."""
    fd, uid_arg = int(sys.argv[1]), int(sys.argv[2])
    uid = None if uid_arg < 0 else uid_arg
    sock = socket.socket(fileno=fd)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    wire.send(sock, {"op": "ready", "pid": os.getpid()})
    while True:
        msg, fds = wire.recv(sock, max_fds=3)
        if msg is None:
            return
        if msg.get("op") == "run" and len(fds) == 3:
            _run(sock, msg["spec"], fds, uid)
        else:
            for fd in fds:
                os.close(fd)


if __name__ == "__main__":
    main()
