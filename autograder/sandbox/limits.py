"""Limits a child applies to itself before running student code (stdlib only)."""
from __future__ import annotations

import ctypes
import importlib
import os
import resource
import signal
import sys
import tempfile

from autograder.sandbox import landlock, seccomp

_PR_SET_PDEATHSIG = 1
_PR_SET_NO_NEW_PRIVS = 38
_SAFE_ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
             "PYTHONBREAKPOINT": "0"}  # a breakpoint() left in forward does nothing, as a TA reading past it (no stdin here)


def _prctl(option: int, arg: int) -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(option, arg, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def no_new_privs() -> None:
    """Neither this process nor its descendants can gain privileges (setuid binaries, file capabilities)."""
    _prctl(_PR_SET_NO_NEW_PRIVS, 1)


def private_env(tmpdir: str) -> dict[str, str]:
    """Where honest code keeps its files: home, temp and cache dirs all inside the job's private dir.

    USER/LOGNAME name the sandbox: `getpass.getuser()` (torch's inductor cache dir) fails for a uid
    without a passwd entry.
    """
    return {"HOME": tmpdir, "TMPDIR": tmpdir, "XDG_CACHE_HOME": os.path.join(tmpdir, ".cache"),
            "XDG_CONFIG_HOME": os.path.join(tmpdir, ".config"), "MPLCONFIGDIR": os.path.join(tmpdir, ".config"),
            "USER": "sandbox", "LOGNAME": "sandbox"}


def _open_tunnels(dirs: list[str]) -> dict[str, str]:
    """Descriptors (opened while still root) to directories the dropped uid could not walk to."""
    routes = {}
    for d in dirs:
        try:
            fd = os.open(d, os.O_PATH | os.O_DIRECTORY)
        except OSError:
            continue
        routes[d] = f"/proc/self/fd/{fd}"
    return routes


def through(routes: dict[str, str], path: str) -> str:
    """`path`, reached through the tunnel whose directory holds it (unchanged if none does)."""
    for old, new in routes.items():
        if path == old or path.startswith(old + "/"):
            return new + path[len(old):]
    return path


def reroute(routes: dict[str, str]) -> None:
    """Import from the tunnels: rewrite sys.path and every loaded package's __path__ below a tunnelled dir."""
    if not routes:
        return

    def fix(p: str) -> str:
        return through(routes, p)

    sys.path[:] = [fix(p) for p in sys.path if isinstance(p, str)]
    for module in list(sys.modules.values()):
        path = getattr(module, "__dict__", {}).get("__path__")
        if type(path) is list:
            path[:] = [fix(p) if isinstance(p, str) else p for p in path]
    sys.path_importer_cache.clear()
    importlib.invalidate_caches()


def _vm_size() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def enter(limits: dict) -> int:
    """Become a limited process: own session, clean environment, private directory, rlimits, uid.

    `limits` keys: memory_mb (on top of what the process already maps), cpu_seconds,
    file_mb, tmpdir (private, already created for `uid`), uid (or None to keep ours),
    max_processes, read_paths (what Landlock leaves readable; absent: no Landlock), write_paths (what it
    leaves writable besides tmpdir, e.g. the sandbox's own /dev/shm), tunnels
    (directories the dropped uid reaches only through a descriptor opened before the drop).
    Returns the Landlock ABI in force (0: none).
    """
    parent = os.getppid()
    try:
        os.setsid()
    except OSError:
        pass
    tmpdir = limits.get("tmpdir")
    os.environ.clear()
    os.environ.update(_SAFE_ENV)
    if tmpdir:
        os.environ.update(private_env(tmpdir))
        tempfile.tempdir = tmpdir  # the server computed (and cached) its own
        os.chdir(tmpdir)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    cpu = int(limits["cpu_seconds"])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    fsize = int(limits["file_mb"]) << 20
    resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    mem = _vm_size() + (int(limits["memory_mb"]) << 20)
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    uid = limits.get("uid")
    routes = _open_tunnels(limits.get("tunnels") or []) if uid is not None and os.getuid() == 0 else {}
    if uid is not None and os.getuid() == 0:
        nproc = int(limits.get("max_processes", 64))
        resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
    reroute(routes)
    if tmpdir:  # as the job's uid, so that the job can write in them
        for sub in (".cache", ".config"):
            os.makedirs(os.path.join(tmpdir, sub), exist_ok=True)
    _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)  # after the uid drop, which clears it
    if os.getppid() != parent:  # the fork server died before the line above
        os._exit(1)
    no_new_privs()
    seccomp.deny_ipc()  # no System V IPC, no keyrings: nothing that outlives the job
    read = limits.get("read_paths")
    if read is None:
        return 0
    # as the dropped uid, a tunnelled root can only be opened through its descriptor
    writable = [*([tmpdir] if tmpdir else []), *limits.get("write_paths", [])]
    return landlock.restrict([*(through(routes, r) for r in read), "/proc"], writable)
