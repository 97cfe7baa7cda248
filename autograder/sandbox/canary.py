"""The job every worker runs first: can honest code work in this sandbox at all?

A sandbox whose uid cannot read the interpreter's tree, or whose cache dir is not writable, would
fail correct submissions one lazy import at a time and blame the students. The canary imports
stdlib modules (one of them an extension in lib-dynload) and a site-packages module that the fork
server has not loaded (chosen in the child, as a warm server loads more), writes to
its cache dir and temp dir, reads its own source back with `inspect`; a failure refuses the level
with the directory that could not be read, as the instructor's problem.

A passed canary is remembered in the user's private cache dir (`remember`), keyed by everything its
outcome depends on (`cache_key`: the level, the uids, Landlock, the interpreter, bubblewrap, the
kernel, the grader's sandbox code, the owner, mode and mtime of every directory a job reads, and
the owner and mode of their ancestors), for at most `CACHE_HOURS`: a later worker with the same key skips the job. A
failure is never remembered.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import sys
import sysconfig
import time
from pathlib import Path

import autograder
from autograder.sandbox.isolation import SANDBOX_PARTS, readable_roots, tunnels

CACHE_HOURS = 24.0

# candidates for modules that the sandboxed child must read from disk: in the child, the canary
# imports those that the fork server has not loaded (a warm server loads sympy, decimal, fractions...)
STDLIB_CANDIDATES = ("secrets", "decimal", "fractions", "netrc", "plistlib", "tomllib", "mailbox", "wave")
EXTENSION_CANDIDATES = ("_decimal", "_zoneinfo", "_lzma", "_bz2", "_curses", "mmap")  # lib-dynload
SITE_CANDIDATES = ("mpmath", "sympy", "networkx", "jinja2", "filelock", "fsspec", "typing_extensions", "numpy")
PROBE = {"id": "canary", "kind": "answers", "options": {"names": []}}


def _installed(names: tuple[str, ...], where: str) -> list[str]:
    """The `names` whose module file lies in a directory whose path contains `where`."""
    found = []
    for name in names:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.origin and where in spec.origin:
            found.append(name)
    return found


def site_modules() -> list[str]:
    """Site-packages modules installed here; the child imports the first its server has not loaded."""
    return _installed(SITE_CANDIDATES, "-packages")


def directories() -> list[str]:
    """The interpreter's directories a job reads lazily: the stdlib, its extension modules, site-packages."""
    paths = sysconfig.get_paths()
    found = [paths["stdlib"], str(Path(paths["platstdlib"]) / "lib-dynload"), paths["purelib"], paths["platlib"]]
    return sorted({p for p in found if Path(p).exists()})


def source() -> str:
    """The canary submission."""
    stdlib = _installed(STDLIB_CANDIDATES, sysconfig.get_paths()["stdlib"])
    extensions = _installed(EXTENSION_CANDIDATES, "lib-dynload")
    return f'''
import importlib
import os
def _first_unreadable(path):
    parts = path.split("/")
    for i in range(2, len(parts) + 1):
        p = "/".join(parts[:i])
        if not os.access(p, os.X_OK) or (i == len(parts) and not os.access(p, os.R_OK)):
            return p
    return None
import sys
for _d in [p for p in sys.path if p and os.path.isdir(p)] or {directories()!r}:  # tunnelled at the uid level
    _bad = _first_unreadable(_d)
    if _bad is not None:
        raise RuntimeError(f"the sandbox cannot read {{_bad}} (needed for {{_d}})")
_fresh = [m for m in {stdlib!r} if m not in sys.modules][:3]
_fresh += [m for m in {extensions!r} if m not in sys.modules][:1]
_fresh += [m for m in {site_modules()!r} if m not in sys.modules][:1]
for _m in _fresh:
    importlib.import_module(_m)
print("canary imported:", " ".join(_fresh))
for _var in ("XDG_CACHE_HOME", "TMPDIR", "HOME"):
    with open(os.path.join(os.environ[_var], "canary"), "w") as _fh:
        _fh.write("ok")
import inspect
def canary_function():
    return 42
assert "return 42" in inspect.getsource(canary_function)
'''


def problem(record) -> str | None:
    """What the canary's run record says is wrong with the sandbox (None: honest code runs)."""
    if record.load_error is not None:
        return record.load_error.message
    rec = record.records.get(PROBE["id"])
    if rec is None or rec.error is not None:
        return f"the canary's probe failed: {rec.error.message if rec and rec.error else 'no result'}"
    return None


def _stat(path: str | Path | None, *, content: bool = True) -> tuple[int, ...] | None:
    """Owner, mode and inode of `path`; with `content`, also its size and mtime (a directory's: entries added or removed)."""
    if not path:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mode, st.st_uid, st.st_gid, st.st_ino) + ((st.st_size, st.st_mtime_ns) if content else ())


def _grader_files() -> list[Path]:
    """The grader's files a sandboxed job runs (`isolation.SANDBOX_PARTS`)."""
    package = Path(autograder.__file__).resolve().parent
    found = []
    for part in SANDBOX_PARTS:
        path = package / part
        found += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return found


def cache_key(level: str, job_uid: int | None, landlock: int) -> str:
    """A digest of everything a canary's outcome depends on: another value means it must run again."""
    h = hashlib.sha256()

    def add(*parts: object) -> None:
        h.update(repr(parts).encode() + b"\0")

    add(level, job_uid, landlock, os.geteuid(), os.getegid(), sys.version, autograder.__version__, os.uname().release)
    exe = Path(sys.executable).resolve()
    bwrap = shutil.which("bwrap")
    add(str(exe), _stat(exe), bwrap, _stat(bwrap))
    for root in sorted({*readable_roots(), *directories(), *tunnels()}):
        add(root, _stat(root))
        for path in Path(root).parents:  # what a walk to the root needs (their entries change all the time: /root, /)
            add(str(path), _stat(path, content=False))
    for path in _grader_files():
        add(str(path), path.read_bytes())
    return h.hexdigest()


def cache_dir() -> Path:
    """The user's cache dir for the autograder (XDG_CACHE_HOME, else ~/.cache)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "autograder"


def _private_dir() -> Path | None:
    """`cache_dir()`, created 0700 if missing; None unless it is a directory of ours that only we can write."""
    path = cache_dir()
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = os.lstat(path)
    except OSError:
        return None
    if not os.path.isdir(path) or os.path.islink(path) or st.st_uid != os.geteuid() or st.st_mode & 0o022:
        return None
    return path


def passed_before(key: str) -> bool:
    """Whether a canary with this key passed within `CACHE_HOURS`, as recorded in our private cache dir."""
    where = _private_dir()
    if where is None:
        return False
    try:
        fd = os.open(where / f"canary-{key}", os.O_RDONLY | os.O_NOFOLLOW)
        with os.fdopen(fd) as fh:
            if os.fstat(fh.fileno()).st_uid != os.geteuid():
                return False
            entry = json.load(fh)
        age = time.time() - float(entry["passed_at"])
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return entry.get("key") == key and 0 <= age < CACHE_HOURS * 3600


def remember(key: str) -> None:
    """Record that a canary with this key passed (nothing if there is no private cache dir)."""
    from autograder.report.files import write_atomic

    where = _private_dir()
    if where is None:
        return
    try:
        write_atomic(where / f"canary-{key}", json.dumps({"key": key, "passed_at": time.time()}))
    except OSError:
        pass  # not remembered: the next worker runs the canary again
