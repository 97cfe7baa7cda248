"""Finding, counting and killing what a job started, from inside the fork server (stdlib only)."""
from __future__ import annotations

import ctypes
import os
import signal
import time

_PR_SET_CHILD_SUBREAPER = 36
_PR_SET_DUMPABLE = 4
_SWEEP_ROUNDS = 50


def become_subreaper() -> None:
    """Orphans of our descendants are re-parented to us instead of init, so a daemon cannot slip away."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def undumpable() -> None:
    """No core dumps, no ptrace and no /proc/PID/mem of this process by unprivileged processes, even of its uid."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _stat(pid: str) -> tuple[str, int] | None:
    """(state, ppid) of a process, None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    fields = data[data.rfind(b")") + 2:].split()
    return fields[0].decode(), int(fields[1])


def _table() -> dict[int, tuple[str, int]]:
    table = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (st := _stat(entry)) is not None:
            table[int(entry)] = st
    return table


def descendants(root: int | None = None) -> list[int]:
    """Living (not zombie) descendants of `root` (default: this process)."""
    root = os.getpid() if root is None else root
    table = _table()
    children: dict[int, list[int]] = {}
    for pid, (_, ppid) in table.items():
        children.setdefault(ppid, []).append(pid)
    found, todo = [], [root]
    while todo:
        for kid in children.get(todo.pop(), []):
            todo.append(kid)
            if table[kid][0] != "Z":
                found.append(kid)
    return found


def of_uid(uid: int) -> list[int]:
    """Living processes whose effective uid is `uid`."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if os.stat(f"/proc/{entry}").st_uid != uid:
                continue
        except OSError:
            continue
        st = _stat(entry)
        if st is not None and st[0] != "Z":
            pids.append(int(entry))
    return pids


def count(uid: int | None) -> int:
    """How many processes the running job holds."""
    return len(of_uid(uid)) if uid is not None else len(descendants())


def rss_kib(pid: int) -> int:
    """Resident memory of a process in KiB (0 if unknown)."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def kill_job(pid: int) -> None:
    """SIGKILL the job's main process and its process group."""
    for kill in (os.killpg, os.kill):
        try:
            kill(pid, signal.SIGKILL)
        except OSError:
            pass


def _kill_uid(uid: int) -> None:
    killer = os.fork()
    if killer == 0:  # kill(-1) as that uid reaches exactly the processes of that uid
        try:
            os.setresuid(uid, uid, uid)
            os.kill(-1, signal.SIGKILL)
        finally:
            os._exit(0)
    os.waitpid(killer, 0)


def reap() -> None:
    """Collect every child that has ended (zombies would otherwise look alive to a uid count)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def reap_others(main: int) -> None:
    """Collect ended children other than `main`, whose status is still wanted."""
    while True:
        try:
            info = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            return
        if info is None or info.si_pid == main:
            return
        try:
            os.waitpid(info.si_pid, 0)
        except ChildProcessError:
            return


def sweep(uid: int | None, pgid: int) -> int:
    """Kill every process the job left behind; return how many still live (0 when clean)."""
    kill_job(pgid)
    for _ in range(_SWEEP_ROUNDS):
        left = set(descendants()) | (set(of_uid(uid)) if uid is not None else set())
        if not left:
            return 0
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        if uid is not None:
            _kill_uid(uid)
        time.sleep(0.002)
        reap()
    return len(set(descendants()) | (set(of_uid(uid)) if uid is not None else set()))
