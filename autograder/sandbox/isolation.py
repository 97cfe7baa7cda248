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
from autograder.sandbox import landlock


class Level(str, Enum):
    """From strongest to weakest."""

    BWRAP = "bwrap"  # namespaces: own mounts (read-only, no solutions/output), pids, no network; child uid dropped
    UID = "uid"  # no namespaces, but the child runs as a dedicated unprivileged uid
    PROCESS = "process"  # only a separate process with rlimits and its own session

    def describe(self) -> str:
        base = {
            Level.BWRAP: "bubblewrap sandbox (read-only filesystem without solutions or outputs, no network, "
            "private pid namespace) + unprivileged uid + rlimits",
            Level.UID: "unprivileged uid + rlimits (bubblewrap unavailable: the network and other processes are not hidden)",
            Level.PROCESS: "separate process + rlimits, same uid as the grader (not root, no bubblewrap): weakest level",
        }[self]
        version = landlock_abi()
        if not version:
            return base + "; Landlock unavailable"
        extra = ", no TCP" if version >= 4 else ""
        extra += ", no signals or ptrace outside the submission" if version >= 6 else ", no ptrace outside the submission"
        return base + f"; Landlock ABI {version} (reads only system and Python dirs, writes only its private dir{extra})"


UID_BASE = 61000  # slot k's children run as UID_BASE + k: distinct per concurrent worker
SANDBOX_PARTS = ("__init__.py", "sandbox", "probes")  # all of the grader the child may see: no checks, rubric, solutions


@functools.cache
def landlock_abi() -> int:
    """The Landlock ABI the children will apply (0: none)."""
    return landlock.abi()


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


@functools.cache
def readable_roots() -> list[str]:
    """What a child may read: the system, the interpreter, its site-packages, the sandbox part of the grader."""
    roots = {Path(p) for p in ("/usr", "/lib", "/lib32", "/lib64", "/bin", "/sbin", "/etc") if Path(p).exists()}
    for p in (sys.prefix, sys.base_prefix, sys.exec_prefix, sysconfig.get_paths()["purelib"],
              sysconfig.get_paths()["platlib"], str(Path(sys.executable).resolve().parent.parent)):
        roots.add(Path(p).resolve())
    return [str(r) for r in visible(roots, Path(autograder.__file__).resolve().parent)]


def visible(roots: set[Path], package: Path) -> list[Path]:
    """`roots` without the grader's package (its checks, rubric and rubrics), plus only its SANDBOX_PARTS.

    A root that holds the package (an installed wheel in site-packages) is replaced by its entries,
    down the path to the package: Landlock and bind mounts can only allow whole subtrees.
    """
    outer = sorted(r for r in roots if not any(o != r and o in r.parents for o in roots))
    shown: list[Path] = []
    for root in outer:
        shown += _without(root, package) if package == root or root in package.parents else [root]
    return sorted(shown + [package / part for part in SANDBOX_PARTS if (package / part).exists()])


def _without(root: Path, hidden: Path) -> list[Path]:
    """The entries under `root` that do not contain `hidden`, descending along the way to it."""
    if root == hidden:
        return []
    found: list[Path] = []
    for entry in sorted(root.iterdir()):
        if entry == hidden or entry in hidden.parents:
            found += _without(entry, hidden)
        else:
            found.append(entry)
    return found


def _ancestors(roots: list[str]) -> list[str]:
    """Directories bwrap would otherwise create as 0700 (unreadable once the child drops its uid)."""
    found = {str(a) for r in roots for a in Path(r).parents if str(a) != "/"}
    return sorted(found - set(roots), key=lambda p: (p.count("/"), p))


def worker_command(level: Level, args: list[str]) -> list[str]:
    """The argv that starts `python ARGS` under `level` (the fd to keep open is passed by the caller)."""
    python = [sys.executable, *args]
    if level is not Level.BWRAP:
        return python
    roots = readable_roots()
    cmd = [shutil.which("bwrap") or "bwrap", *_namespace_args()]
    # the private /tmp first: a project checked out under /tmp is then bound on top of it, not hidden
    cmd += ["--size", str(1 << 30), "--tmpfs", "/tmp"]
    for parent in _ancestors(roots):
        cmd += ["--perms", "0755", "--dir", parent]
    for root in roots:
        cmd += ["--ro-bind", root, root]
    cmd += ["--proc", "/proc", "--dev", "/dev",
            "--chdir", "/tmp", "--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID",
            "--cap-add", "CAP_KILL", "--cap-add", "CAP_CHOWN", "--cap-add", "CAP_DAC_OVERRIDE", "--cap-add", "CAP_FOWNER"]
    return cmd + ["--", *python]
