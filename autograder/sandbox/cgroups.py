"""Exact memory and process limits from a delegated cgroup v2 subtree, where the host gives one.

rlimits are approximate: RLIMIT_AS counts address space, not memory, and misses what a job writes
to its tmpfs; RLIMIT_NPROC counts every process of a uid. Where the grader may manage a cgroup v2
subtree (systemd `Delegate=yes`, `systemd-run --user --scope -p Delegate=yes`, a container given
its own cgroup), each worker gets a child cgroup whose `memory.max` (tmpfs pages included, swap
off) and `pids.max` bound the server and its job exactly; the rlimits stay as a second line.
Elsewhere (cgroup v1, as on the project's own test machine, or no write access) nothing changes.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path

MOUNT = Path("/sys/fs/cgroup")


def beside_self(mount: Path = MOUNT, self_cgroup: str | None = None) -> tuple[Path | None, str]:
    """The cgroup v2 directory that holds this process's own group (a new group there sits beside it: no
    processes in inner nodes), or None and why not."""
    if not (mount / "cgroup.controllers").exists():
        return None, f"{mount} is not a cgroup v2 hierarchy (cgroup v1 or none): rlimits only"
    if self_cgroup is None:
        try:
            lines = Path("/proc/self/cgroup").read_text().splitlines()
        except OSError as exc:
            return None, f"cannot read /proc/self/cgroup: {exc}"
        self_cgroup = next((ln[3:] for ln in lines if ln.startswith("0::")), "")
    if not self_cgroup:
        return None, "this process is in no cgroup v2 group"
    own = mount / self_cgroup.lstrip("/")
    return (own.parent if own != mount else own), ""


def delegated(mount: Path = MOUNT, self_cgroup: str | None = None) -> tuple[Path | None, str]:
    """The cgroup v2 directory the grader may create worker groups in, or None and why not."""
    parent, why = beside_self(mount, self_cgroup)
    if parent is None:
        return None, why
    needed = {"memory", "pids"}
    try:
        have = set((parent / "cgroup.controllers").read_text().split())
    except OSError as exc:
        return None, f"cannot read {parent}/cgroup.controllers: {exc}"
    if not needed <= have:
        return None, f"{parent} does not offer the {sorted(needed - have)} controller(s)"
    if not (os.access(parent, os.W_OK) and os.access(parent / "cgroup.subtree_control", os.W_OK)):
        return None, f"{parent} is not delegated to uid {os.geteuid()}"
    return parent, f"cgroup v2 subtree {parent}"


class WorkerGroup:
    """One worker's cgroup: its fork server and every job it forks."""

    def __init__(self, parent: Path):
        enabled = set((parent / "cgroup.subtree_control").read_text().split())
        if not {"memory", "pids"} <= enabled:
            (parent / "cgroup.subtree_control").write_text("+memory +pids")
        self.path = parent / f"autograder-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.path.mkdir()

    def add(self, pids: list[int]) -> None:
        for pid in pids:
            try:
                (self.path / "cgroup.procs").write_text(str(pid))
            except ProcessLookupError:
                pass

    def current(self) -> int:
        """Bytes charged to the group now (the warm server before a job)."""
        return int((self.path / "memory.current").read_text())

    def limit(self, memory_bytes: int, processes: int) -> None:
        (self.path / "memory.max").write_text(str(memory_bytes))
        swap = self.path / "memory.swap.max"
        if swap.exists():
            swap.write_text("0")
        (self.path / "pids.max").write_text(str(processes))

    def remove(self) -> None:
        try:
            self.path.rmdir()
        except OSError:
            pass
