"""The trusted side of a run: a warm worker per slot, timeouts, output caps, restarts after crashes.

A `Worker` owns one fork server (started under the strongest isolation available) and runs one
submission at a time. `Worker.run` drives the child through the probes; a probe that hangs or
kills the child costs only that probe, and the remaining probes run in a fresh child. A child that
breaks the protocol (a forged or out-of-order message on its result channel) or starts a fork bomb
ends the submission: nothing that child reported counts.
"""
from __future__ import annotations

import dataclasses
import fcntl
import json
import os
import select
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field

from pydantic import ValidationError

from autograder.model import ProbeError, ProbeRecord, RunRecord
from autograder.sandbox import canary, cgroups, course_imports, procs, protocol, slots, wire
from autograder.sandbox.exits import Exit
from autograder.sandbox.isolation import (PRIVATE_DEV, SHARED_MEMORY, UID_BASE, Level, available, readable_roots, tunnels,
                                          worker_command)

_RESULT_PIPE_BYTES = 1 << 20  # a whole job's observations (sheet 03: about 300 KB); Linux's default maximum
_DRAIN_SECONDS = 1.0  # after the child is gone, how long its pipes may stay open (held by nothing we can kill)
_KILL_GRACE_SECONDS = 30.0  # a worker that has not reported the end of a killed child by then is replaced
# a notebook cell still running after this share of the question's time is interrupted by the child, as Jupyter's
# interrupt stops it (a training loop left in a cell): the cells after it run; the rest of the time is the margin
# before the parent kills a child that did not stop
CELL_SHARE = 0.8
MAX_SKIPPED_CELLS = 2  # cells that did not stop when interrupted: the notebook is run again without each, this often
_WARM_SECONDS = 60.0  # a server that has not imported the course packages asked for by then is replaced


def _widen(fd: int) -> None:
    """Let the child write all of a probe's observations (about 80 KB) without waiting for the parent to read them:
    it ends, and its worker takes the next job, while the parent is busy scoring. The default pipe holds 64 KiB."""
    try:
        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, _RESULT_PIPE_BYTES)
    except OSError:  # above /proc/sys/fs/pipe-max-size, or the user's pipe quota is spent: the default works too
        pass


def _memfd(data: bytes) -> int:
    """An anonymous file holding `data`, positioned at its start."""
    fd = os.memfd_create("autograder-job", os.MFD_CLOEXEC)
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


@dataclass(frozen=True)
class Limits:
    """Per-submission resource limits."""

    submission_seconds: float = 60.0
    question_seconds: float = 10.0
    memory_mb: int = 2048
    output_bytes: int = 32 * 1024
    file_mb: int = 64
    max_processes: int = 64  # RLIMIT_NPROC of the child's uid; half of it at once is stopped as a fork bomb

    def as_dict(self) -> dict[str, float]:
        """The limits as plain numbers (recorded with every run)."""
        return {k: float(v) for k, v in dataclasses.asdict(self).items()}


@dataclass(frozen=True)
class Job:
    """What a child is asked to do: run `source`, then `probes` (dicts of the assignment's probe specs)."""

    source: str
    line_labels: list[str]
    probes: list[dict]
    seed: int
    ipython: bool = False  # `display()` defined, as in IPython's shell (a notebook, or a script exported from one)

    @property
    def notebook(self) -> bool:
        """Run cell by cell (a script exported from a notebook has no cell labels: it runs as one module)."""
        return self.ipython and bool(self.line_labels)


class _Capture:
    """Keeps the head and the tail of a stream, and counts what was cut."""

    def __init__(self, cap: int):
        self.half = cap // 2
        self.head = bytearray()
        self.tail = bytearray()
        self.total = 0

    def add(self, data: bytes) -> None:
        self.total += len(data)
        room = self.half - len(self.head)
        if room > 0:
            self.head += data[:room]
            data = data[room:]
        if data:
            self.tail += data[-self.half:]
            del self.tail[: max(0, len(self.tail) - self.half)]

    def text(self) -> str:
        cut = self.total - len(self.head) - len(self.tail)
        middle = f"\n[... {cut} bytes of output cut ...]\n" if cut > 0 else ""
        return (bytes(self.head).decode(errors="replace") + middle + bytes(self.tail).decode(errors="replace"))


@dataclass
class _Attempt:
    """State of one child while it runs; its records count only if it kept to the protocol."""

    job: Job
    pending: list[str]
    records: dict[str, ProbeRecord] = field(default_factory=dict)
    current: str | None = None
    started: float = 0.0
    hello: bool = False  # sent by the child before any submission code runs
    loaded: bool = False
    probed: bool = False  # a probe_start was seen
    done: bool = False
    load_error: ProbeError | None = None
    cell_errors: list[ProbeError] = field(default_factory=list)  # notebook cells that raised while the rest ran on
    timed_out: str | None = None
    violation: str | None = None
    buffer: bytearray = field(default_factory=bytearray)
    skip: list[int] = field(default_factory=list)  # notebook cells not to run: each ran on past its interrupt before
    cells: int = 0  # notebook cells done ('cell' messages): the next one is running


class Worker:
    """One warm fork server in its sandbox; runs one submission at a time.

    `preload`: the server also imports what torch loads lazily for some honest code (see
    `forkserver.LAZY_IMPORTS`): about 1.2 s more at start, saved in every child that needs it;
    and, before the first job whose source names one, a course package (`course_imports`).
    Workers that run many jobs want it; a one-off check does not.
    """

    def __init__(self, slot: int = 0, level: Level | None = None, *, preload: bool = True):
        self.preferred = slot
        self.level = level or available()
        self.preload = preload
        self._slot: slots.Slot | None = None
        self.uid: int | None = None
        self.landlock = 0
        self._proc: subprocess.Popen | None = None
        self._sock: socket.socket | None = None
        self._canary_passed = False
        self._cgroup: cgroups.WorkerGroup | None = None
        self._cgroup_base = 0
        self.cgroup_note = ""
        self._warmed: set[str] = set()  # course packages this server was asked to import
        self._unwarmable: set[str] = set()  # ... and those whose import stopped a server: not asked again

    # ---------------------------------------------------------------- lifecycle
    def start(self) -> None:
        """Start the fork server (imports torch once) and wait until it is ready.

        Call it from a thread that outlives the worker: bwrap's --die-with-parent follows the
        starting *thread*, so the server dies when that thread exits.
        """
        if self._slot is None:  # a machine-wide slot: its uid is ours alone while we live
            self._slot = slots.claim(self.preferred)
            self.uid = UID_BASE + self._slot.index if self.level in (Level.BWRAP, Level.UID) else None
        parent, child = socket.socketpair()
        private_dev = "1" if self.level in PRIVATE_DEV else "0"
        cmd = worker_command(self.level, ["-m", "autograder.sandbox.forkserver", str(child.fileno()),
                                          str(-1 if self.uid is None else self.uid), private_dev,
                                          "1" if self.preload else "0"])
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "OMP_NUM_THREADS": "1"}
        self._proc = subprocess.Popen(cmd, pass_fds=[child.fileno()], env=env, stdin=subprocess.DEVNULL,
                                      start_new_session=True)
        child.close()
        self._sock = parent
        self._warmed = set()
        msg, _ = wire.recv(parent)
        if not msg or msg.get("op") != "ready":
            raise RuntimeError(f"the sandbox worker did not start (isolation {self.level.value})")
        self.landlock = int(msg.get("landlock") or 0)
        self._join_cgroup()
        if not self._canary_passed:
            self._check_canary()

    def _join_cgroup(self) -> None:
        """Put the server in its own cgroup v2 group where one is delegated (exact memory.max, pids.max)."""
        parent, self.cgroup_note = cgroups.delegated()
        if parent is None or self._proc is None:
            return
        try:
            self._cgroup = cgroups.WorkerGroup(parent)
            self._cgroup.add([self._proc.pid, *procs.descendants(self._proc.pid)])
            self._cgroup_base = self._cgroup.current()
        except OSError as exc:
            self.cgroup_note = f"cgroup v2 subtree {parent} unusable ({exc}): rlimits only"
            self._drop_cgroup()

    def _drop_cgroup(self) -> None:
        if self._cgroup is not None:
            self._cgroup.remove()
            self._cgroup = None

    def _check_canary(self, *, cached: bool = True) -> None:
        """Refuse a sandbox in which honest code cannot run (see `canary`): the grader's problem, said so.

        `cached`: skip the job when a canary with the same key passed recently (`canary.passed_before`).
        """
        key = canary.cache_key(self.level.value, self.uid, self.landlock)
        if cached and canary.passed_before(key):
            self._canary_passed = True
            return
        job = Job(source=canary.source(), line_labels=[], probes=[canary.PROBE], seed=0)
        record = self.run(job, Limits(submission_seconds=60, question_seconds=60))
        if (why := canary.problem(record)) is not None:
            self.release()
            raise RuntimeError(f"the sandbox at isolation level {self.level.value!r} cannot run honest code: {why}. "
                               "This is a problem of the grading machine, not of any submission: choose another "
                               f"--isolation level or fix the environment. Child's stderr: {record.stderr[-500:]!r}")
        canary.remember(key)
        self._canary_passed = True

    def close(self) -> None:
        """Stop the fork server."""
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        if self._proc is not None:
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self._proc.pid, signal.SIGKILL)
                self._proc.wait()
            self._proc = None
        self._drop_cgroup()

    def release(self) -> None:
        """Stop the fork server and give the slot back."""
        self.close()
        if self._slot is not None:
            self._slot.release()
            self._slot = None

    def __enter__(self) -> "Worker":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def _alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None and self._sock is not None

    def _warm(self, job: Job) -> None:
        """Have the server import, once, the course packages the job's source names (before the job's clock runs)."""
        if not self.preload:  # a one-off worker: its one job imports them itself, at the same cost
            return
        names = [n for n in course_imports.named_in(job.source) if n not in self._warmed | self._unwarmable]
        if not names:
            return
        if not self._alive():
            self.close()
            self.start()
        assert self._sock is not None
        self._warmed.update(names)
        try:
            wire.send(self._sock, {"op": "warm", "modules": names})
            ready, _, _ = select.select([self._sock], [], [], _WARM_SECONDS)
            msg = wire.recv(self._sock)[0] if ready else None
        except (OSError, EOFError, ValueError):  # the server died: the job's attempt starts a new one
            msg = None
        if not msg or msg.get("op") != "warmed":  # the environment's problem: the job imports them itself
            self._unwarmable.update(names)
            self.close()
        elif self._cgroup is not None:  # the server grew: a job's allowance is counted from its new size
            self._cgroup_base = self._cgroup.current()

    # ---------------------------------------------------------------- a submission
    def run(self, job: Job, limits: Limits) -> RunRecord:
        """Run every probe of `job`, restarting the child after a crash or a timeout."""
        self._warm(job)
        t0 = time.monotonic()
        deadline = t0 + limits.submission_seconds
        out, err = _Capture(limits.output_bytes), _Capture(limits.output_bytes)
        records: dict[str, ProbeRecord] = {}
        pending = [p["id"] for p in job.probes]
        notes: list[str] = []
        cell_errors: list[ProbeError] = []
        attempts = 0
        load_error = stop = None
        skip: list[int] = []  # notebook cells that did not stop when interrupted: the next child runs without them
        while pending and load_error is None and stop is None and attempts <= len(job.probes) + len(skip):
            attempts += 1
            if time.monotonic() >= deadline:
                break
            if not self._alive():
                self.close()
                self.start()
            state = _Attempt(job=job, pending=list(pending), skip=list(skip))
            ex = Exit.of(self._attempt(job, limits, state, deadline, out, err), limits)
            stop = self._stopped(state, ex)
            if stop is None and self._stuck_cell(state, skip):
                skip.append(state.cells)
                continue
            if stop is None:
                self._attribute_exit(state, ex, limits)
                if (not state.loaded or state.timed_out == "<import>") and state.load_error is None:
                    state.load_error = self._load_failure(state, ex, limits)
                load_error = state.load_error
                records.update(state.records)  # a child's records count only if it kept to the protocol
                cell_errors = state.cell_errors if state.loaded else cell_errors
            elif not state.loaded and not records:
                load_error = stop
            pending = [p for p in pending if p not in records]
            if state.timed_out == "<between>":
                notes.append(f"the child was stopped: {limits.question_seconds:g} s passed without a message from the "
                             "grader's probe (the submission's code ran between two questions)")
            if ex.left_behind:
                notes.append(f"{ex.left_behind} processes outlived the child and could not be killed")
        for probe in pending:
            if load_error is not None:  # every probe failed because the import failed
                failure = load_error.model_copy(update={"kind": "load"})
            else:
                failure = stop or ProbeError(kind="timeout", message=f"not run: the submission used up its {limits.submission_seconds:g} s")
            records[probe] = ProbeRecord(probe=probe, error=failure)
        return RunRecord(records=records, load_error=load_error, stdout=out.text(), stderr=err.text(), attempts=attempts,
                         seconds=time.monotonic() - t0, isolation=self.level.value, notes=notes,
                         cell_errors=cell_errors, limits=limits.as_dict())

    @staticmethod
    def _stopped(state: _Attempt, ex: Exit) -> ProbeError | None:
        """The error that ends the whole submission (sandbox failure, protocol broken, fork bomb), or None."""
        if not state.hello and not state.violation and state.timed_out is None:
            return ProbeError(kind="crashed", message=(
                f"the grader could not start the process that runs your code (it {ex.text()} before your code ran): "
                "a problem of the grader's sandbox, not of your submission — tell your instructor"))
        when = (f"during {state.current}" if state.current else "while it was imported" if not state.loaded
                else "by the time it had finished" if state.done else "between questions")
        if ex.processes:
            return ProbeError(kind="crashed", message=(
                f"the submission started {ex.processes} processes at once {when} (a fork bomb?): it was stopped, "
                "everything it started was killed, and nothing it reported counts"))
        if state.violation:
            return ProbeError(kind="crashed", message=(
                f"the grader received a message it did not expect ({state.violation}): the submission wrote on "
                "the grader's result channel (file descriptor 3) or replaced its probes, so nothing this process reported counts"))
        return None

    @staticmethod
    def _stuck_cell(state: _Attempt, skip: list[int]) -> bool:
        """A notebook cell ran on past its interrupt (code that catches it, one long call) and the child was killed:
        run the notebook again without that cell, as a TA would (at most MAX_SKIPPED_CELLS cells)."""
        return (state.timed_out == "<import>" and state.job.notebook and not state.loaded and state.load_error is None
                and state.violation is None and len(skip) < MAX_SKIPPED_CELLS and state.cells not in skip)

    def _load_failure(self, state: _Attempt, ex: Exit, limits: Limits) -> ProbeError:
        if state.timed_out == "<import>" and state.job.notebook:  # its cells are timed one by one
            return ProbeError(kind="timeout", message=(
                f"a cell of the notebook ran longer than {limits.question_seconds:g} s and could not be interrupted "
                "(a long computation inside one call, or code that catches the interrupt): shorten that cell's work"))
        if state.timed_out == "<import>":
            return ProbeError(kind="timeout", message=(
                f"importing the submission took longer than {limits.question_seconds:g} s — move training or "
                "experiments under `if __name__ == \"__main__\":`"))
        return ProbeError(kind="crashed", message=f"the submission {ex.text()} while it was imported")

    def _attribute_exit(self, state: _Attempt, ex: Exit, limits: Limits) -> None:
        """A child that stopped inside a probe costs that probe, with a message saying how."""
        probe = state.current
        if probe is None or probe in state.records:
            return
        if state.timed_out == probe:
            err = ProbeError(kind="timeout", message=f"{probe} did not finish within {limits.question_seconds:g} s (an endless loop?)")
        elif ex.memory:
            err = ProbeError(kind="memory", message=ex.memory_text(probe))
        else:
            err = ProbeError(kind="crashed", message=f"the submission {ex.text()} during {probe}")
        state.records[probe] = ProbeRecord(probe=probe, error=err, seconds=time.monotonic() - state.started)

    def _spec(self, job: Job, limits: Limits, state: _Attempt) -> dict:
        return {"source": job.source, "line_labels": job.line_labels, "seed": job.seed,
                "cell_seconds": limits.question_seconds * CELL_SHARE if job.notebook else 0.0, "skip_cells": list(state.skip),
                "probes": [p for p in job.probes if p["id"] in state.pending],
                "limits": {"memory_mb": limits.memory_mb, "cpu_seconds": int(limits.submission_seconds) + 5,
                           "file_mb": limits.file_mb, "uid": self.uid, "max_processes": limits.max_processes,
                           "read_paths": readable_roots() if self.landlock else None,
                           "tunnels": tunnels() if self.level is Level.UID else [],
                           # POSIX shared memory (a DataLoader's workers, torch's tensor sharing): the sandbox's own
                           # /dev/shm, emptied after each job, or the host's, where the fork server removes after each
                           # job what the job's dedicated uid made there (at the process level what a job leaves stays)
                           "write_paths": [SHARED_MEMORY]}}

    def _attempt(self, job: Job, limits: Limits, state: _Attempt, deadline: float, out: _Capture, err: _Capture) -> dict:
        assert self._sock is not None
        if self._cgroup is not None:  # the warm server as measured at start, plus the job's allowance
            self._cgroup.limit(self._cgroup_base + (limits.memory_mb << 20), limits.max_processes + 4)
        pipes = [os.pipe() for _ in range(3)]
        _widen(pipes[0][1])
        spec = self._spec(job, limits, state)
        spec_fd = _memfd(json.dumps(spec).encode())  # read by the job's child only, never by the server
        try:
            wire.send(self._sock, {"op": "run", "limits": spec["limits"]}, [w for _, w in pipes] + [spec_fd])
        finally:
            for fd in [w for _, w in pipes] + [spec_fd]:
                os.close(fd)
        readers = {pipes[0][0]: None, pipes[1][0]: out, pipes[2][0]: err}
        try:
            started, _ = wire.recv(self._sock)
            if not started or started.get("op") != "started":
                raise RuntimeError("the sandbox worker did not start a child")
            return self._drive(limits, state, deadline, readers)
        except (RuntimeError, OSError, EOFError, ValueError):
            self.close()
            return {"signal": signal.SIGKILL, "code": None, "worker_died": True}
        finally:
            for fd in readers:
                os.close(fd)

    def _drive(self, limits: Limits, state: _Attempt, deadline: float, readers: dict) -> dict:
        """Read the child's streams and enforce the timeouts until it has exited and its pipes are drained."""
        exit_info: dict | None = None
        drain_until = killed_at = None
        state.started = time.monotonic()
        while readers and (drain_until is None or time.monotonic() < drain_until) or exit_info is None:
            now = time.monotonic()
            limit = deadline
            if not state.done:  # every gap between two messages: the import, each probe, and between probes
                limit = min(limit, state.started + limits.question_seconds)
            if now >= limit and killed_at is None and exit_info is None:
                # no probe started yet: still the import, whatever 'loaded' line the child may have forged
                state.timed_out = state.current or ("<import>" if not state.probed else "<between>" if now < deadline else None)
                killed_at = self._kill()
            if killed_at is not None and exit_info is None and now - killed_at > _KILL_GRACE_SECONDS:
                raise RuntimeError("the sandbox worker did not report the end of a killed child")
            killed = killed_at is not None
            wait = 0.2 if killed or exit_info is not None else max(0.0, limit - now)
            fds = list(readers) + ([self._sock] if exit_info is None else [])
            ready, _, _ = select.select(fds, [], [], wait)
            for fd in ready:
                if fd is self._sock:
                    msg, _ = wire.recv(self._sock)
                    if msg is None:
                        raise RuntimeError("the sandbox worker died")
                    if msg.get("op") == "exited":
                        exit_info, drain_until = msg, time.monotonic() + _DRAIN_SECONDS
                    continue
                data = os.read(fd, 1 << 16)
                if not data:
                    del readers[fd]
                    os.close(fd)
                    continue
                sink = readers[fd]
                if sink is not None:
                    sink.add(data)
                elif state.violation is None and not self._feed(state, data) and not killed and exit_info is None:
                    killed_at = self._kill()
        return exit_info

    def _kill(self) -> float:
        """Ask the fork server to kill the child; the time it was asked."""
        assert self._sock is not None
        wire.send(self._sock, {"op": "kill"})
        return time.monotonic()

    def _feed(self, state: _Attempt, data: bytes) -> bool:
        """Take result bytes; False when the child broke the protocol."""
        state.buffer += data
        while b"\n" in state.buffer:
            line, _, rest = bytes(state.buffer).partition(b"\n")
            state.buffer = bytearray(rest)
            try:
                msg = protocol.parse(line)
            except (ValidationError, ValueError) as exc:
                first = exc.errors()[0] if isinstance(exc, ValidationError) and exc.errors() else None  # its cause, not pydantic's headline
                why = f"{'.'.join(map(str, first['loc']))}: {first['msg']}" if first else str(exc)
                state.violation = f"an invalid message: {why.splitlines()[0][:300]}"
                return False
            if not self._apply(state, msg):
                return False
        if len(state.buffer) > protocol.MAX_LINE:
            state.violation = "a message larger than the limit"
            return False
        return True

    def _apply(self, state: _Attempt, msg: protocol.Message) -> bool:
        """Advance the attempt's state machine; False (with `state.violation`) when `msg` is out of place."""
        now = time.monotonic()
        if isinstance(msg, (protocol.Hello, protocol.Loaded, protocol.LoadError)):
            if state.loaded or state.load_error is not None or (state.hello and isinstance(msg, protocol.Hello)):
                state.violation = f"a second {msg.type!r} message"
                return False
            if isinstance(msg, protocol.Hello):
                state.hello = True
            elif isinstance(msg, protocol.Loaded):
                state.loaded, state.cell_errors = True, list(msg.cell_errors)
            elif isinstance(msg, protocol.LoadError):
                state.load_error = msg.error
            return True
        if isinstance(msg, protocol.Cell):  # between two notebook cells: each cell has its own time
            if not state.job.notebook or not state.hello or state.loaded or state.load_error is not None:
                state.violation = "'cell' out of place"  # a .py file is one unit, timed as one
                return False
            state.started, state.cells = now, state.cells + 1
            return True
        if isinstance(msg, protocol.Done):
            if not state.loaded or state.current is not None or state.done:
                state.violation = "'done' out of place"
                return False
            state.done = True
            return True
        if not state.loaded or state.done or msg.probe not in state.pending or msg.probe in state.records:
            state.violation = f"an unexpected message about {msg.probe!r}"
            return False
        if isinstance(msg, protocol.ProbeStart):
            if state.current is not None:
                state.violation = "a probe started inside another"
                return False
            state.current, state.started, state.probed = msg.probe, now, True
            return True
        if msg.probe != state.current:
            state.violation = f"a result for {msg.probe!r} while {state.current!r} was running"
            return False
        if isinstance(msg, protocol.ObservationMessage):
            spec = next(p for p in state.job.probes if p["id"] == msg.probe)
            from autograder.sandbox import verify  # imports torch: not before the worker starts, so that both load at once

            problem = verify.observation(spec, state.job.seed, msg.observation)
            record = ProbeRecord(probe=msg.probe, seconds=now - state.started, **(
                {"observation": msg.observation} if problem is None else {"error": ProbeError(kind="bad_value", message=problem)}))
        else:
            record = ProbeRecord(probe=msg.probe, error=msg.error, seconds=now - state.started)
        state.records[msg.probe] = record
        state.current = None
        state.started = now
        return True
