"""Machine-wide slots: each live worker holds one, so no two workers' children share a uid.

A slot is an exclusive `flock` on a file; the kernel frees it when the holder exits, however it
exits, so a killed grader never leaks a slot. Slot k's children run as uid UID_BASE + k.
"""
from __future__ import annotations

import fcntl
import os
from pathlib import Path

MAX_SLOTS = 256
_DIR = Path(os.environ.get("AUTOGRADER_SLOT_DIR", "/tmp/.autograder-slots"))


class Slot:
    """A held slot; `release()` (or process exit) frees it."""

    def __init__(self, index: int, fd: int):
        self.index, self._fd = index, fd

    def release(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


def claim(preferred: int = 0) -> Slot:
    """The first free slot from `preferred` on (wrapping around)."""
    _DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    for k in range(MAX_SLOTS):
        index = (preferred + k) % MAX_SLOTS
        fd = os.open(_DIR / f"{index}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        return Slot(index, fd)
    raise RuntimeError(f"all {MAX_SLOTS} sandbox slots are in use on this machine")
