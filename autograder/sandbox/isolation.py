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

    BWRAP = "bwrap"  # root: namespaces: own mounts (read-only, no solutions/output), pids, no network; child uid dropped
    USERNS = "userns"  # an ordinary user: the same namespaces inside an unprivileged user namespace; the child keeps the user's uid
    UID = "uid"  # root without namespaces: the child runs as a dedicated unprivileged uid
    PROCESS = "process"  # only a separate process with rlimits and its own session

    def describe(self) -> str:
        base = {
            Level.BWRAP: "bubblewrap sandbox (read-only filesystem without solutions or outputs, no network, "
            "private pid namespace) + unprivileged uid + rlimits",
            Level.USERNS: "rootless bubblewrap sandbox (user namespace; read-only filesystem without solutions or outputs, "
            "no network, private pid and IPC namespaces) + rlimits; the child keeps your uid outside the namespace",
            Level.UID: "unprivileged uid + rlimits (bubblewrap unavailable: the network and other processes are not hidden)",
            Level.PROCESS: "separate process + rlimits, same uid as the grader (no bubblewrap namespaces): weakest level",
        }[self]
        version = landlock_abi()
        if not version:
            base += "; Landlock unavailable"
        else:
            extra = ", no TCP" if version >= 4 else ""
            extra += ", no signals or ptrace outside the submission" if version >= 6 else ", no ptrace outside the submission"
            base += f"; Landlock ABI {version} (reads only system and Python dirs, writes only its private dir{extra})"
        return base + "".join(f"\nnote: {n}" for n in refusals() if list(Level).index(self) > 0)


PRIVATE_DEV = frozenset({Level.BWRAP, Level.USERNS})  # levels whose /dev, so /dev/shm, belongs to the sandbox alone
SHARED_MEMORY = "/dev/shm"  # POSIX shared memory and semaphores: a private tmpfs at PRIVATE_DEV levels
UID_BASE = 61000  # slot k's children run as UID_BASE + k: distinct per concurrent worker
SANDBOX_PARTS = ("__init__.py", "sandbox", "probes")  # all of the grader the child may see: no checks, rubric, solutions


@functools.cache
def landlock_abi() -> int:
    """The Landlock ABI the children will apply (0: none)."""
    return landlock.abi()


def _bwrap_failure(userns: bool) -> str | None:
    """Why bubblewrap cannot build this level's namespaces here (None: it can)."""
    exe = shutil.which("bwrap")
    if not exe:
        return "bubblewrap is not installed (apt-get install bubblewrap)"
    try:
        run = subprocess.run([exe, *_namespace_args(userns), "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev",
                              "true"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"bubblewrap could not run: {exc}"
    if run.returncode == 0:
        return None
    return f"bubblewrap failed: {run.stderr.strip()[:300] or f'exit status {run.returncode}'}"


USERNS_HELP = ("unprivileged user namespaces are denied on this host. To enable them: on Ubuntu >= 23.10 load the "
               "AppArmor profile for bwrap (`sudo apparmor_parser -r /usr/share/apparmor/extra-profiles/bwrap-userns-restrict` "
               "and copy it to /etc/apparmor.d/) or set `sudo sysctl kernel.apparmor_restrict_unprivileged_userns=0`; "
               "elsewhere check `sysctl kernel.unprivileged_userns_clone=1` and `user.max_user_namespaces > 0`; in a "
               "container, allow the unshare/clone syscalls (e.g. docker --security-opt seccomp=unconfined)")


@functools.cache
def _probe() -> tuple[Level, tuple[str, ...]]:
    """The strongest level this host offers, and why each stronger one was refused."""
    notes: list[str] = []
    if os.geteuid() == 0:
        if (why := _bwrap_failure(userns=False)) is None:
            return Level.BWRAP, ()
        notes.append(f"level 'bwrap' refused: {why}")
        if (where := unreadable_by_others()) is None:
            return Level.UID, tuple(notes)
        notes.append(f"level 'uid' refused: the sandbox uid cannot read {where}, where this Python lives (make it "
                     "readable by others, e.g. `chmod o+rx`, or install Python under /usr or /opt); "
                     "falling back to 'process'")
        return Level.PROCESS, tuple(notes)
    if (why := _bwrap_failure(userns=True)) is None:
        return Level.USERNS, ()
    notes.append(f"level 'userns' refused: {why}")
    if "namespace" in why or "uid map" in why or "Operation not permitted" in why or "Permission denied" in why:
        notes.append(USERNS_HELP)
    notes.append("falling back to 'process' (the child keeps your uid and sees your files, Landlock permitting)")
    return Level.PROCESS, tuple(notes)


def refusals() -> list[str]:
    """Why a stronger level than the one `available()` picks was refused here, with what to enable."""
    return list(_probe()[1])


def offered() -> list[Level]:
    """Every level this host can grade at, strongest first (`userns` is for ordinary users, `uid` for root)."""
    best = _probe()[0]
    order = list(Level)
    levels = [lvl for lvl in order[order.index(best):] if lvl is best or lvl is Level.PROCESS or (
        lvl is Level.UID and os.geteuid() == 0 and unreadable_by_others() is None)]
    return levels


NOT_LINUX = ("the grader runs submissions in a Linux sandbox (namespaces, /proc, memfd, rlimits), and this machine runs "
             "{platform}: this is the machine's limit, not your code's. Run it on Linux: your course's JupyterHub, WSL 2 on "
             "Windows, or a Linux container or virtual machine on macOS")


def available(requested: str | None = None) -> Level:
    """The strongest level available, or the requested one if it is available (RuntimeError on a host without Linux)."""
    if not sys.platform.startswith("linux"):
        raise RuntimeError(NOT_LINUX.format(platform=sys.platform))
    best = _probe()[0]
    if requested is None:
        return best
    want = Level(requested)
    if want not in offered():
        root = os.geteuid() == 0
        if want is Level.USERNS and root:
            why = "it is the level of ordinary users; root gets 'bwrap' (or 'uid' without namespaces)"
        elif want in (Level.BWRAP, Level.UID) and not root:
            why = "it needs root (its children take a dedicated uid); ordinary users get 'userns'"
        elif want is Level.UID and (where := unreadable_by_others()) is not None:
            why = f"the sandbox uid cannot read {where}, where this Python lives"
        else:
            why = "; ".join(refusals()) or f"the strongest is {best.value!r}"
        raise RuntimeError(f"isolation level {want.value!r} is not available here: {why}")
    return want


def _others_may(path: Path, need: int) -> bool:
    try:
        return path.stat().st_mode & need == need
    except OSError:
        return True  # a root that does not exist here grants nothing and blocks nothing


def unreadable_by_others() -> str | None:
    """The first directory a uid other than its owner cannot read although the child needs it (None: none).

    Only the roots themselves count: a root readable by others under a closed ancestor (a venv or
    pyenv under /root, 0700) is reached through a descriptor instead (`tunnels`).
    """
    for root in readable_roots():
        path = Path(root)
        if not _others_may(path, 0o005 if path.is_dir() else 0o004):
            return str(path)
    return None


def tunnels() -> list[str]:
    """Roots readable by others whose ancestors others cannot traverse (Python under a 0700 home).

    At the `uid` level the child opens each as root before it drops its uid, and imports from
    /proc/self/fd/N/... instead: the path walk through a descriptor does not cross the closed ancestor,
    and nothing beside the root becomes reachable (the closed directory itself stays closed).
    """
    return [root for root in readable_roots()
            if not all(_others_may(a, 0o001) for a in Path(root).parents)]


def _namespace_args(userns: bool = False) -> list[str]:
    """Root gets no user namespace on purpose: uid 65534 in one would map to host root."""
    user = ["--unshare-user", "--disable-userns"] if userns else []
    return [*user, "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--die-with-parent", "--new-session"]


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
    if level not in (Level.BWRAP, Level.USERNS):
        return python
    roots = readable_roots()
    cmd = [shutil.which("bwrap") or "bwrap", *_namespace_args(userns=level is Level.USERNS)]
    # the private /tmp first: a project checked out under /tmp is then bound on top of it, not hidden
    cmd += ["--size", str(1 << 30), "--tmpfs", "/tmp"]
    for parent in _ancestors(roots):
        cmd += ["--perms", "0755", "--dir", parent]
    for root in roots:
        cmd += ["--ro-bind", root, root]
    cmd += ["--proc", "/proc", "--dev", "/dev"]
    # POSIX shared memory and semaphores (a DataLoader's worker queues, torch's tensor sharing) live in /dev/shm:
    # writable by the job's uid as on any host, private to this sandbox, emptied after every job (forkserver)
    cmd += ["--perms", "1777", "--size", str(1 << 30), "--tmpfs", SHARED_MEMORY, "--chdir", "/tmp"]
    if level is Level.USERNS:  # no capability at all, not even inside the namespace
        return cmd + ["--cap-drop", "ALL", "--", *python]
    cmd += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID",
            "--cap-add", "CAP_KILL", "--cap-add", "CAP_CHOWN", "--cap-add", "CAP_DAC_OVERRIDE", "--cap-add", "CAP_FOWNER"]
    return cmd + ["--", *python]
