"""Concurrency slots: each live worker holds one, so no two workers' children share a uid.

A slot is an exclusive `flock` on a file; the kernel frees it when the holder exits, however it
exits, so a killed grader never leaks a slot. Slot k's children run as uid UID_BASE + k at the
root levels (`bwrap`, `uid`): root's slots live in one machine-wide, root-owned directory. An
ordinary user's children keep that user's uid (inside a user namespace at the `userns` level), so
a user's slots live in a directory that user owns: `$XDG_RUNTIME_DIR/autograder-slots`, else
`/tmp/autograder-<uid>-slots`. A directory with the wrong owner or mode is never used: root's is
moved aside; an ordinary user's (somebody else may have created it first in /tmp) is replaced by a
fresh private one, since that user's slot numbers pick no uid.
"""
from __future__ import annotations

import fcntl
import os
import stat
import tempfile
from pathlib import Path

MAX_SLOTS = 256
ROOT_DIR = Path("/tmp/.autograder-slots")


class Slot:
    """A held slot; `release()` (or process exit) frees it."""

    def __init__(self, index: int, fd: int):
        self.index, self._fd = index, fd

    def release(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


def problem(path: Path, uid: int) -> str | None:
    """Why `path` is not a safe slot directory for `uid` (None when it is, or does not exist yet)."""
    try:
        st = path.lstat()
    except FileNotFoundError:
        return None
    if not stat.S_ISDIR(st.st_mode):
        return f"{path} is not a directory"
    if st.st_uid != uid:
        return f"{path} belongs to uid {st.st_uid}, not {uid}"
    if st.st_mode & 0o077:
        return f"{path} has mode {stat.S_IMODE(st.st_mode):o}, others may use it"
    return None


def _preferred(uid: int) -> Path:
    if os.environ.get("AUTOGRADER_SLOT_DIR"):
        return Path(os.environ["AUTOGRADER_SLOT_DIR"])
    if uid == 0:
        return ROOT_DIR
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and problem(Path(runtime), uid) is None and Path(runtime).is_dir():
        return Path(runtime) / "autograder-slots"
    return Path(tempfile.gettempdir()) / f"autograder-{uid}-slots"


_fallback: Path | None = None


def directory() -> Path:
    """This user's slot directory, created (mode 0700) and checked."""
    global _fallback
    uid = os.geteuid()
    path = _preferred(uid)
    if (why := problem(path, uid)) is not None:
        if os.environ.get("AUTOGRADER_SLOT_DIR"):
            raise RuntimeError(f"cannot use the sandbox slot directory (AUTOGRADER_SLOT_DIR): {why}")
        if uid == 0:  # root's must be the one machine-wide directory: move the impostor aside
            os.rename(path, path.with_name(f"{path.name}.refused-{os.getpid()}"))
        else:  # an ordinary user's slot numbers choose no uid: a private directory does as well
            if _fallback is None or problem(_fallback, uid) is not None:
                _fallback = Path(tempfile.mkdtemp(prefix=f"autograder-{uid}-slots-"))
            return _fallback
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if (why := problem(path, uid)) is not None:  # lost a race with another user
        raise RuntimeError(f"cannot use the sandbox slot directory: {why}")
    return path


def claim(preferred: int = 0) -> Slot:
    """The first free slot from `preferred` on (wrapping around)."""
    folder = directory()
    for k in range(MAX_SLOTS):
        index = (preferred + k) % MAX_SLOTS
        fd = os.open(folder / f"{index}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        return Slot(index, fd)
    raise RuntimeError(f"all {MAX_SLOTS} sandbox slots in {folder} are in use")
