"""Runs in the child: execute the submission, run the probes it is asked for, stream observations.

Imports only the standard library, torch, the probes and stdlib-only sandbox modules: never the
checks, the rubric or any solution. Each message is one JSON line on the result descriptor; the
parent validates it, and verifies every observation against its own inputs (`verify`).
"""
from __future__ import annotations

import __future__
import ast
import functools
import gc
import io
import json
import operator
import os
import random
import re
import signal
import sys
import time
import tokenize
import types
from collections.abc import Callable

import torch

from autograder.probes import answers, autoencoder, encode, function, module
from autograder.sandbox import course_imports
from autograder.sandbox.exits import size_text

PROBES = {"autoencoder": autoencoder.probe, "function": function.probe, "answers": answers.probe,
          "logdet_module": module.logdet_probe, "layer_stack": module.stack_probe}
SUBMISSION_FILENAME = "<submission>"  # until run_job writes the source to a real file in the job's private dir
_write = os.write
_dumps = json.dumps
_monotonic = time.monotonic
_collect = gc.collect
_exec = exec  # a unit run after a tagged cell must not find `builtins.exec` replaced by the one before
_ENFORCE = re.compile(r"^\[enforce fail at [^\]]*\] [^.]*\. ")
MAX_CELL_ERRORS = 20  # reported of a notebook's cells that raised (autograder.sandbox.protocol.Loaded)
_set_default_dtype = torch.set_default_dtype
_inference_mode = torch.inference_mode
_enable_grad = torch.enable_grad
_float32 = torch.float32


class _Channel:
    """Writes JSON lines to the parent on a descriptor captured before student code runs."""

    def __init__(self, fd: int):
        self.fd = fd

    def send(self, **message: object) -> None:
        data = (_dumps(message, allow_nan=False, default=str) + "\n").encode()
        view = memoryview(data)
        while view:
            view = view[_write(self.fd, view):]


def _otter_stub() -> types.ModuleType:
    """A stand-in for otter inside the sandbox: `grader.check(...)` cells do nothing here."""
    mod = types.ModuleType("otter")

    class Notebook:  # noqa: D401 - a stub
        def __init__(self, *args, **kwargs):
            pass

        def __getattr__(self, name):
            return lambda *args, **kwargs: None

    mod.Notebook = Notebook  # type: ignore[attr-defined]
    return mod


def _write_source(source: str, workdir: str | None) -> str:
    """Put the submission in a real file, so that `inspect`, `linecache` and TorchScript can read it back."""
    if not workdir:
        return "<submission>"
    path = os.path.join(workdir, "submission.py")
    with open(path, "wb") as fh:
        fh.write(_as_file(source))
    return path


def _as_file(source: str) -> bytes:
    """The source's bytes in the encoding its PEP 263 line names (else UTF-8): what readers of the file decode back."""
    data = source.encode("utf-8")
    try:
        declared, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        if declared in ("utf-8", "utf-8-sig"):
            return data
        encoded = source.encode(declared)
        if tokenize.detect_encoding(io.BytesIO(encoded).readline)[0] == declared and encoded.decode(declared) == source:
            return encoded
    except Exception:  # noqa: BLE001 - a declaration no reader could honour (a notebook cell's rot13, utf-16...)
        pass
    return data  # UTF-8, as before: compile() ignores the declaration of a str


def seed_generators(seed: int) -> None:
    """Seed every global generator honest code draws from, as torch's."""
    torch.manual_seed(seed)
    random.seed(seed)
    try:
        import numpy  # noqa: PLC0415 - optional; torch usually has it loaded already
    except ImportError:
        return
    numpy.random.seed(seed % (1 << 32))


def _display(*objs: object, **_options: object) -> None:
    """IPython's `display()` outside a running shell: it prints the objects."""
    print(*objs)


class CellInterrupted(BaseException):
    """A notebook cell ran past its time: raised into it as Jupyter's interrupt raises KeyboardInterrupt."""


def _interrupt(_signum: int, _frame: object) -> None:
    raise CellInterrupted


def _timed(code: types.CodeType, ns: dict, seconds: float) -> None:
    """Run one notebook cell; interrupted (`CellInterrupted`) after `seconds` (0: never)."""
    if seconds <= 0:
        _exec(code, ns)  # noqa: S102 - this is the point: run the submission, sandboxed
        return
    previous = signal.signal(signal.SIGALRM, _interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        _exec(code, ns)  # noqa: S102
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)


def _load(source: str, labels: list[str], workdir: str | None = None,
          cell_errors: list[dict] | None = None, cell_seconds: float = 0.0,
          after_cell: Callable[[], None] | None = None, skip: frozenset[int] = frozenset()) -> dict:
    """Run the submission as module `submission`; its namespace.

    A notebook runs cell by cell, and a cell that raises an Exception (or does not compile) does not stop
    the cells after it, as otter-grader runs a submission (errors ignored) and Jupyter's Run All with errors
    allowed: the error is appended to `cell_errors` (a cell tagged `raises-exception` raises silently, as
    nbclient lets it), and what the cell defined before it raised stays. With `cell_seconds` (a notebook's
    spec), a cell still running after that long (a training loop) is interrupted, as Jupyter's interrupt
    button stops it, and reported the same way; `after_cell()` is called after each cell (the parent then
    times the next one). The cells numbered in `skip` (among those that compile, from 0) are not run but reported:
    each ran on past its interrupt in an earlier child, which the parent killed. A cell's SystemExit or
    KeyboardInterrupt (`raise SystemExit("stop here")` before a long cell) ends that cell only, as IPython's shell
    reports it and runs on. A .py file is one module: its first exception (SystemExit included) stops the load. A
    memory limit reached always does.

    `display()` is there without an import, as IPython's shell puts it in a notebook's namespace, for a .py too
    (Colab's "Download .py" keeps a notebook's `display(...)` calls; in plain Python they could only fail).
    `workdir` (the job's private folder, the cwd) goes first on `sys.path`, as a notebook's folder is in a kernel: a
    module that a `%%writefile` cell wrote there is importable. `sys.argv` holds only the file's name, as for `python submission.py` (not the
    fork server's arguments). A notebook is `__main__`, as in a kernel; a .py file is imported, not run as a
    script (the contract's "training under `if __name__ == "__main__":`" is not run).
    """
    sys.modules.setdefault("otter", _otter_stub())
    if workdir:
        sys.path.insert(0, workdir)
    module = types.ModuleType("submission")
    module.__file__ = SUBMISSION_FILENAME
    sys.argv = [SUBMISSION_FILENAME]  # as `python submission.py` gives it: a module-level `parser.parse_args()` sees no options
    module.display = _display  # IPython's builtin: a notebook export whose magics Colab commented out calls it too
    sys.modules["submission"] = module
    if labels:  # a notebook runs as a kernel runs it: as __main__ (a cell under `if __name__ == "__main__":` runs)
        module.__name__ = "__main__"
        sys.modules["__main__"] = module  # what its classes' __module__ names: pickle and inspect find them there
    errors = cell_errors if cell_errors is not None else []
    ran = -1  # the index of the cell that runs, among those that compile (the parent counts them by 'cell' messages)
    for code, tagged, failure, name in _compiled_units(source, labels):
        if code is None:  # a cell that does not compile: Jupyter reports it and goes on
            if not tagged:
                errors.append(_syntax_error(failure, labels))
            continue
        ran += 1
        if ran in skip:  # it ran on past its interrupt in an earlier child, which the parent then killed
            errors.append({"kind": "timeout", "exc_type": "KeyboardInterrupt", "where": name, "message": (
                f"this cell was still running after {cell_seconds:g} s and did not stop when interrupted (code that "
                "catches the interrupt, or one long call): the notebook was run again without it")})
            if after_cell is not None:
                after_cell()
            continue
        try:
            _timed(code, module.__dict__, cell_seconds)
        except CellInterrupted as exc:
            err = encode.error(exc, labels, SUBMISSION_FILENAME)
            errors.append({**err, "kind": "timeout", "exc_type": "KeyboardInterrupt", "message": (
                f"this cell was still running after {cell_seconds:g} s and was interrupted (as Jupyter's interrupt "
                "stops it): the grader gives each cell that long; what it had defined stays, the cells after it ran")})
        except (SystemExit, KeyboardInterrupt) as exc:
            if not labels:
                raise  # a .py file's exit ends its import
            err = encode.error(exc, labels, SUBMISSION_FILENAME)  # IPython's shell reports a cell's exit and runs on
            if isinstance(exc, SystemExit):
                err["message"] = f"the cell called sys.exit({exc.code!r}); in a notebook that ends only the cell"
            if not tagged:
                errors.append(err)
        except Exception as exc:
            err = encode.error(exc, labels, SUBMISSION_FILENAME)
            if not labels or err.get("kind") == "memory":
                raise  # a .py file stops at its first error; a memory limit reached is reported, wherever it was reached
            if not tagged:
                errors.append(err)
        if cell_seconds > 0 and after_cell is not None:
            after_cell()
    return module.__dict__


def _syntax_error(exc: SyntaxError, labels: list[str]) -> dict:
    """A SyntaxError of the submission as plain data, at its line's label."""
    line = encode.label(labels, exc.lineno)
    version = f"{sys.version_info.major}.{sys.version_info.minor}"  # a file written for a newer Python (PEP 701 f-strings) fails here
    return {"kind": "load", "exc_type": "SyntaxError", "message": f"{exc.msg} (read as Python {version}, the grader's version)", "where": line}


def _compile_lines(lines: list[str], offset: int, flags: int) -> types.CodeType:
    """Compile lines that stand at `offset` in the submission, with their own line numbers there."""
    try:
        tree = ast.parse("\n".join(lines), SUBMISSION_FILENAME, "exec")
    except SyntaxError as exc:
        if exc.lineno:
            exc.lineno += offset
        raise
    ast.increment_lineno(tree, offset)
    return compile(tree, SUBMISSION_FILENAME, "exec", flags, dont_inherit=True)


_LABEL = re.compile(r"(cell \d+)( \[raises-exception\])?, line \d+")  # autograder.load's labels and RAISES_TAG
_FUTURE = functools.reduce(operator.or_, (getattr(__future__, n).compiler_flag for n in __future__.all_feature_names))


def _cell(label: str) -> tuple[str | None, bool]:
    """(`cell 5`, whether cell 5 is tagged `raises-exception`) for a line of cell 5; (None, False) for another label."""
    match = _LABEL.fullmatch(label)
    return (match.group(1), match.group(2) is not None) if match else (None, False)


def _compiled_units(source: str, labels: list[str]) -> list[tuple[types.CodeType | None, bool, SyntaxError | None, str | None]]:
    """The source compiled in units that run in order: (code, whether its cell is tagged `raises-exception`,
    None, the cell's name), or (None, tagged, the SyntaxError, the name) for a notebook cell that does not compile.

    A .py file (no labels) is one unit, and a SyntaxError in it is raised. A notebook is compiled as IPython
    compiles it, cell by cell (so a `from __future__` import may open any cell, and holds in the cells
    after it); all cells are compiled before any runs.
    """
    if not labels:
        return [(compile(source, SUBMISSION_FILENAME, "exec", dont_inherit=True), False, None, None)]
    lines = source.split("\n")
    cells = [_cell(labels[i]) if i < len(labels) else (None, False) for i in range(len(lines))]
    units: list[tuple[types.CodeType | None, bool, SyntaxError | None, str | None]] = []
    flags, start = 0, 0
    for end in range(1, len(lines) + 1):
        if end < len(lines) and cells[end][0] == cells[start][0]:
            continue
        name, tagged = cells[start]
        try:
            code = _compile_lines(lines[start:end], start, flags)
        except SyntaxError as exc:
            units.append((None, tagged, exc, name))
        else:
            flags |= code.co_flags & _FUTURE
            units.append((code, tagged, None, name))
        start = end
    return units


def _error(exc: BaseException, labels: list[str], memory_mb: int) -> dict:
    """An exception of student code as plain data; running out of memory names the limit."""
    err = encode.error(exc, labels, SUBMISSION_FILENAME)
    if isinstance(exc, SystemExit):
        err["message"] = f"the submission called sys.exit({exc.code!r})"
    elif err.get("kind") == "memory":
        detail = _ENFORCE.sub("", err.get("message") or "")  # torch's "[enforce fail at alloc_cpu.cpp:127] err == 0. "
        detail = f": {detail}" if detail else ""
        err["message"] = f"the {size_text(memory_mb)} memory limit was reached{detail}"
    return err


def _compile_off() -> None:
    """`torch.compile` runs what it wraps as written (the same computation without a compiler, a cache or the
    seconds of a cold compile, nor the interpreter's headers the sandbox cannot read): in this process, whether
    torch._dynamo is imported already (a grading worker's server has it) or later (TORCH_COMPILE_DISABLE is read
    then)."""
    os.environ["TORCH_COMPILE_DISABLE"] = "1"
    config = sys.modules.get("torch._dynamo.config")
    if config is not None:
        config.disable = True  # type: ignore[attr-defined]


def prepare(source: str, seed: int) -> None:
    """This process as a submission finds it before its first line: torch.compile off, plots headless, every
    global generator seeded from the job's seed."""
    _compile_off()
    course_imports.headless_plots(source)
    seed_generators(seed)


def observe(ns: dict, p: dict, seed: int, labels: list[str]) -> dict:
    """Probe `p`'s observation of the loaded submission `ns`, in the grader's torch state: float32 by default (the
    grader's nets and inputs must not depend on the submission's defaults), grad on and inference mode off (nor on
    an autograd mode the submission left set at import)."""
    _set_default_dtype(_float32)
    with _inference_mode(False), _enable_grad():
        return PROBES[p["kind"]](ns, p.get("target"), seed, p.get("options", {}), labels, SUBMISSION_FILENAME)


def run_job(spec: dict, out_fd: int) -> None:
    """Load the submission in `spec`, then run each probe in order, reporting on `out_fd`.

    `spec["workdir"]` is the job's private directory, where the source is written as a file.
    """
    global SUBMISSION_FILENAME
    channel = _Channel(out_fd)
    labels: list[str] = spec["line_labels"]
    memory_mb = int(spec.get("limits", {}).get("memory_mb", 0))
    torch.set_num_threads(1)
    prepare(spec["source"], spec["seed"])
    SUBMISSION_FILENAME = _write_source(spec["source"], spec.get("workdir"))
    channel.send(type="hello", pid=os.getpid())
    cell_errors: list[dict] = []
    try:
        ns = _load(spec["source"], labels, spec.get("workdir"), cell_errors,
                   float(spec.get("cell_seconds") or 0.0), lambda: channel.send(type="cell"),
                   frozenset(int(k) for k in spec.get("skip_cells", [])))
    except SyntaxError as exc:
        channel.send(type="load_error", error=_syntax_error(exc, labels))
        return
    except SystemExit as exc:
        channel.send(type="load_error", error={"kind": "exception", "exc_type": "SystemExit",
                                               "message": f"the submission called sys.exit({exc.code!r}) while it was imported"})
        return
    except BaseException as exc:  # noqa: BLE001 - every failure at import is that submission's load error
        channel.send(type="load_error", error=_error(exc, labels, memory_mb))
        return
    channel.send(type="loaded", cell_errors=cell_errors[:MAX_CELL_ERRORS])
    for p in spec["probes"]:
        channel.send(type="probe_start", probe=p["id"])
        start = _monotonic()
        try:
            obs = observe(ns, p, spec["seed"], labels)
            channel.send(type="observation", probe=p["id"], observation=obs, seconds=_monotonic() - start)
        except BaseException as exc:  # noqa: BLE001 - SystemExit included: it costs this probe only
            channel.send(type="probe_error", probe=p["id"], error=_error(exc, labels, memory_mb), seconds=_monotonic() - start)
        # what the probe left in reference cycles (an exception's frames, the submission's own) is freed now,
        # out of the except block, not at the next automatic collection, which may come after the next probe
        # ran out of memory (the server's objects are frozen: this walks only the job's own, about 1 ms)
        _collect()
    channel.send(type="done")
