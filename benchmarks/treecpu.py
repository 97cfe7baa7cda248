"""CPU seconds of a command's whole process tree, sandboxed workers included.

`getrusage(RUSAGE_CHILDREN)` misses the sandbox workers (bubblewrap's children are not reaped up the
chain), so the command runs in a cgroup of its own: cgroup v1's cpuacct, or v2's cpu.stat where this
user may create a group beside its own. Where neither can be made, `TreeCPU.make` returns None and
the benchmarks print wall-clock figures only.

CPU time is steadier than wall-clock time on a shared machine (another user's load lengthens the
wall clock, much less the CPU a command needs), though not immune (shared caches, SMT siblings).
"""
from __future__ import annotations

import os
from pathlib import Path

from autograder.sandbox import cgroups

_ROOT = cgroups.MOUNT


class TreeCPU:
    """One cgroup; `wrap(cmd)` runs cmd inside it, `seconds()` reads its CPU time so far."""

    def __init__(self, path: Path, usage: Path, scale: float):
        self.path, self._usage, self._scale = path, usage, scale

    @classmethod
    def make(cls, name: str) -> "TreeCPU | None":
        for make in (cls._v1, cls._v2):
            try:
                made = make(f"{name}-{os.getpid()}")
            except OSError:
                continue
            if made is not None:
                return made
        return None

    @classmethod
    def _v1(cls, name: str) -> "TreeCPU | None":
        base = _ROOT / "cpuacct"
        if not (base / "cpuacct.usage").exists():
            return None
        path = base / name
        path.mkdir(exist_ok=True)
        return cls(path, path / "cpuacct.usage", 1e-9)

    @classmethod
    def _v2(cls, name: str) -> "TreeCPU | None":
        parent, _ = cgroups.beside_self(_ROOT)
        if parent is None:
            return None
        path = parent / name
        path.mkdir(exist_ok=True)
        return cls(path, path / "cpu.stat", 1e-6)

    def wrap(self, cmd: list[str]) -> list[str]:
        """cmd, run by a shell that first moves itself into the group (its children follow)."""
        return ["/bin/sh", "-c", f'echo $$ > "{self.path / "cgroup.procs"}" && exec "$@"', "sh", *cmd]

    def seconds(self) -> float:
        text = self._usage.read_text()
        if self._usage.name == "cpu.stat":
            text = next(x.split()[1] for x in text.splitlines() if x.startswith("usage_usec"))
        return int(text.split()[0]) * self._scale

    def remove(self) -> None:
        try:
            self.path.rmdir()
        except OSError:  # a process is still inside: leave it, it is empty after it ends
            pass
