"""One warm, isolated checker per notebook kernel: every `grader.check` after the first costs a fork.

Kernel side, `payload(path, question)`: the first check starts `python -m autograder.otter.warm`, a
clean interpreter (never the kernel's namespace, which the student's code has touched) that
imports the checks once and holds a sandbox `Worker`, whose fork server imports torch once.
Every check is then run by a fresh sandboxed child of that server and scored in the checker
process, exactly as `autograder check --question` does (`student._check_json`).

The checker reads one JSON request per line on its stdin and answers one JSON line on its stdout.
It goes with the kernel: it exits when its stdin closes (only the kernel holds the other end) and
gets SIGTERM when the kernel dies. A checker that crashed or was killed is replaced on the next
check, and a check it was running is run once more in the new one.
"""
from __future__ import annotations

import atexit
import ctypes
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, BinaryIO

CHECK_SECONDS = 600.0  # one check, worker start included
_PR_SET_PDEATHSIG = 1


class CheckerGone(Exception):
    """The checker process ended (or stopped answering) before it answered."""


class WarmChecker:
    """The kernel's handle on its checker process (started on first use, replaced when it died)."""

    def __init__(self, seconds: float = CHECK_SECONDS):
        self.seconds = seconds
        self._proc: subprocess.Popen | None = None
        self._lock = threading.Lock()
        self.started = 0  # how many checker processes this handle has started

    @property
    def pid(self) -> int | None:
        """The running checker's process id (None before the first check)."""
        return self._proc.pid if self._proc is not None and self._proc.poll() is None else None

    def check(self, path: Path, question: str) -> dict[str, Any]:
        """What `autograder check PATH --question Q` decides, as `student._check_json` returns it."""
        request = (json.dumps({"path": str(path), "question": question}) + "\n").encode()
        with self._lock:
            for attempt in (1, 2):
                proc = self._running(path.parent)
                try:
                    assert proc.stdin is not None and proc.stdout is not None
                    proc.stdin.write(request)
                    proc.stdin.flush()
                    return json.loads(_read_line(proc.stdout, self.seconds))
                except (CheckerGone, BrokenPipeError, OSError, ValueError) as exc:
                    timed_out = isinstance(exc, CheckerGone) and "within" in str(exc)
                    self.close()
                    if timed_out or attempt == 2:
                        why = str(exc) if timed_out else f"the checker process stopped twice ({exc})"
                        return {"error": f"the check could not run: {why}. This is not a verdict on your code: "
                                         "run `autograder check <file>` in a terminal, or tell your instructor."}
        raise AssertionError("unreachable")

    def _running(self, cwd: Path) -> subprocess.Popen:
        if self._proc is None or self._proc.poll() is not None:
            self.close()
            self._proc = subprocess.Popen([sys.executable, "-m", "autograder.otter.warm", str(os.getpid())],
                                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=cwd)
            self.started += 1
        return self._proc

    def close(self) -> None:
        """End the checker (its worker goes with it)."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        for stream in (proc.stdin, proc.stdout):
            try:
                stream.close() if stream else None
            except OSError:
                pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _read_line(stream: BinaryIO, seconds: float) -> bytes:
    """One line from the checker, within `seconds`."""
    fd, data, deadline = stream.fileno(), b"", time.monotonic() + seconds
    while not data.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise CheckerGone(f"it did not answer within {seconds:g} s")
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            raise CheckerGone("it exited")
        data += chunk
    return data


_CHECKER: WarmChecker | None = None


def payload(path: Path, question: str) -> dict[str, Any]:
    """The kernel's checker (started by its first check) decides; as `student._check_json`."""
    global _CHECKER
    if _CHECKER is None:
        _CHECKER = WarmChecker()
        atexit.register(_CHECKER.close)
    return _CHECKER.check(path, question)


# ------------------------------------------------------------------ the checker process
def _die_with(parent: int) -> None:
    """SIGTERM when the kernel dies; exit now if it already has."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # not Linux: stdin's end-of-file still ends the checker
    if os.getppid() != parent:
        sys.exit(0)


def serve(requests: BinaryIO, answers: int) -> None:
    """Answer check requests until `requests` ends; one warm worker, a fresh sandboxed child per check."""
    from autograder import checks
    from autograder.otter import student
    from autograder.sandbox.isolation import available
    from autograder.sandbox.runner import Worker

    importing = threading.Thread(target=checks.preload, daemon=True)  # beside the worker's torch import
    importing.start()
    worker: Worker | None = None
    for line in requests:
        try:
            req = json.loads(line)
            if worker is None:  # started in this (the main) thread: bwrap dies with the thread that started it
                worker = Worker(slot=0, level=available())
                worker.start()
            importing.join()
            reply = student._check_json(Path(req["path"]), req["question"], worker=worker)
        except Exception as exc:  # noqa: BLE001 - the grader's failure, said so; the next check starts afresh
            reply = {"error": f"the checker failed (a problem of the grader, not of your code): {type(exc).__name__}: {exc}"}
            if worker is not None:
                worker.release()
                worker = None
        os.write(answers, (json.dumps(reply) + "\n").encode())
    if worker is not None:
        worker.release()


def main() -> None:
    """`python -m autograder.otter.warm KERNEL_PID`: serve the kernel's checks on stdin/stdout."""
    _die_with(int(sys.argv[1]))
    answers = os.dup(1)
    os.dup2(2, 1)  # whatever else prints goes to stderr: stdout carries the answers only
    sys.stdout = sys.stderr
    serve(sys.stdin.buffer, answers)


if __name__ == "__main__":
    main()
