"""Which isolation this machine allows, and the command that starts a worker under it."""
from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import sysconfig
from enum import Enum
from pathlib import Path

import autograder


class Level(str, Enum):
    """From strongest to weakest."""

    BWRAP = "bwrap"  # namespaces: own mounts (read-only, no solutions/output), pids, no network; child uid dropped
    UID = "uid"  # no namespaces, but the child runs as a dedicated unprivileged uid
    PROCESS = "process"  # only a separate process with rlimits and its own session

    def describe(self) -> str:
        return {
            Level.BWRAP: "bubblewrap sandbox (read-only filesystem without solutions or outputs, no network, "
            "private pid namespace) + unprivileged uid + rlimits",
            Level.UID: "unprivileged uid + rlimits (bubblewrap unavailable: the filesystem and network are not hidden)",
            Level.PROCESS: "separate process + rlimits only (not root, no bubblewrap): weakest level",
        }[self]


UID_BASE = 61000  # slot k's children run as UID_BASE + k: distinct per concurrent worker


@functools.cache
def _bwrap_works() -> bool:
    exe = shutil.which("bwrap")
    if not exe or os.getuid() != 0:
        return False
    try:
        return subprocess.run([exe, *_namespace_args(), "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev",
                               "true"], capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def available(requested: str | None = None) -> Level:
    """The strongest level available, or the requested one if it is available."""
    best = Level.BWRAP if _bwrap_works() else Level.UID if os.getuid() == 0 else Level.PROCESS
    if requested is None:
        return best
    want = Level(requested)
    order = list(Level)
    if order.index(want) < order.index(best):
        raise RuntimeError(f"isolation level {want.value!r} is not available here; the strongest is {best.value!r}")
    return want


def _namespace_args() -> list[str]:
    # No user namespace on purpose: as root, uid 65534 in a user namespace maps to host root.
    return ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--die-with-parent", "--new-session"]


def _readable_roots() -> list[Path]:
    """What a worker must see: the system, the interpreter, its site-packages, the autograder package."""
    roots = {Path(p) for p in ("/usr", "/lib", "/lib64", "/bin", "/sbin", "/etc") if Path(p).exists()}
    for p in (sys.prefix, sys.base_prefix, sys.exec_prefix, sysconfig.get_paths()["purelib"],
              sysconfig.get_paths()["platlib"], str(Path(sys.executable).resolve().parent.parent)):
        roots.add(Path(p).resolve())
    roots.add(Path(autograder.__file__).resolve().parent)
    # keep only the outermost paths
    return sorted(r for r in roots if not any(o != r and o in r.parents for o in roots))


def worker_command(level: Level, args: list[str]) -> list[str]:
    """The argv that starts `python ARGS` under `level` (the fd to keep open is passed by the caller)."""
    python = [sys.executable, *args]
    if level is not Level.BWRAP:
        return python
    cmd = [shutil.which("bwrap") or "bwrap", *_namespace_args()]
    for root in _readable_roots():
        cmd += ["--ro-bind", str(root), str(root)]
    cmd += ["--proc", "/proc", "--dev", "/dev", "--size", str(1 << 30), "--tmpfs", "/tmp",
            "--chdir", "/tmp", "--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID",
            "--cap-add", "CAP_KILL", "--cap-add", "CAP_CHOWN", "--cap-add", "CAP_DAC_OVERRIDE", "--cap-add", "CAP_FOWNER"]
    return cmd + ["--", *python]
