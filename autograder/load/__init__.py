"""A submission file (.py or .ipynb) -> runnable source with a label for every line."""
from __future__ import annotations

import ast
import errno
import hashlib
import os
import stat
from pathlib import Path

from autograder.load import magics
from autograder.load.encoding import EncodingError, decode_source
from autograder.load.notebook import NotebookError, code_cells
from autograder.model import Frozen

SUFFIXES = (".py", ".ipynb")
MAX_BYTES = 5 << 20  # of code: a .py file, or a notebook's code cells (outputs do not count)
MAX_RAW_BYTES = 128 << 20  # of a notebook file, outputs included; never read further than this
MAX_LINES = 100_000  # of a notebook's code, blank lines at the end of a cell not counted
# in the label of each line of a cell tagged `raises-exception`: the sandboxed child (which cannot import this
# package) reads the tag there, and lets an Exception raised in that cell pass, as nbclient and Jupyter's Run All do
RAISES_TAG = "[raises-exception]"
SKIP_TAG = "skip-execution"  # nbclient's default `skip_cells_with_tag`


class Source(Frozen):
    """Runnable Python source; `labels[i]` says where line i+1 came from (e.g. `cell 3, line 2`).

    A line of a cell tagged `raises-exception` is labelled `cell 5 [raises-exception], line 2`: the
    sandboxed child reads the tag from there (see `autograder.sandbox.child._load`).

    Lines past the end of `labels` are `line N` (a .py file has no labels: its lines are its own).
    """

    path: str
    sha256: str
    text: str
    labels: list[str]
    ipython: bool = False  # run as in IPython's shell (`display()` there without an import): a notebook or a script exported from one

    def label(self, lineno: int) -> str:
        return self.labels[lineno - 1] if 0 < lineno <= len(self.labels) else f"line {lineno}"


class LoadFailure(Frozen):
    """The file could not be turned into source: the whole submission gets this message."""

    path: str
    sha256: str | None
    message: str


def digest(data: bytes) -> str:
    """The content hash that identifies a submission."""
    return hashlib.sha256(data).hexdigest()


def read(path: Path, within: Path | None = None) -> bytes:
    """A submission's bytes, at most one byte past MAX_RAW_BYTES (so that `parse` can say it is too big).

    Only a regular file is read (a FIFO swapped in would block). With `within`, the file opened must be
    one that `path` leads to inside that folder *after* it was opened: a link swapped in between
    discovery and reading (to the reference solution, say) raises OSError instead of being read.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as fh:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        if within is not None:
            outside = _outside(path, within)
            if outside is not None:
                raise OSError(errno.EPERM, outside)
            if not os.path.samestat(opened, os.stat(path.resolve())):
                raise OSError(errno.EPERM, f"{path} changed while it was being opened; not graded")
        return fh.read(MAX_RAW_BYTES + 1)


def folder_of(file: Path, given: list[Path]) -> Path:
    """The folder `discover(given)` found `file` under: a given folder that holds it, else its own folder."""
    return next((g for g in given if g.is_dir() and file.is_relative_to(g)), file.parent)


def load(path: Path) -> Source | LoadFailure:
    """Read `path`; never raises for a bad file."""
    try:
        data = read(path)
    except OSError as exc:
        return LoadFailure(path=str(path), sha256=None, message=f"cannot read {path.name}: {exc.strerror}")
    return parse(path, data)


def parse(path: Path, data: bytes) -> Source | LoadFailure:
    """Turn the bytes of a submission named `path` into source; never raises for bad content."""
    sha = digest(data)

    def failure(message: str) -> LoadFailure:
        return LoadFailure(path=str(path), sha256=sha, message=message)

    if path.suffix not in SUFFIXES:
        return failure(f"{path.name}: expected a .py or .ipynb file")
    limit = MAX_BYTES if path.suffix == ".py" else MAX_RAW_BYTES
    if len(data) > limit:
        what = "" if path.suffix == ".py" else " with its outputs"
        return failure(f"{path.name} is {_size(len(data))}{what}, over the {_size(limit)} limit (your fault: the file is too large)")
    if path.suffix == ".py":
        try:
            text = decode_source(data)
        except EncodingError as exc:
            return failure(f"{path.name} {exc} (your fault: Python could not read the file either)")
        if "get_ipython" in text:
            # a notebook exported as a script (nbconvert, "Download as Python"): its magics are get_ipython() calls
            return Source(path=str(path), sha256=sha, text=magics.script(text), labels=[], ipython=True)
        ipython = _ipython_lines(text)
        if ipython is not None:
            return Source(path=str(path), sha256=sha, text=ipython, labels=[], ipython=True)
        return Source(path=str(path), sha256=sha, text=text, labels=[])
    try:
        text = data.decode("utf-8-sig")  # JSON: nbformat writes UTF-8
    except UnicodeDecodeError as exc:
        return failure(f"{path.name} is not UTF-8 text (byte {exc.start}; a notebook is UTF-8 JSON)")
    try:
        code, labels = _notebook_code(text)
    except NotebookError as exc:
        return failure(f"{path.name} is not a valid notebook: {exc}")
    return Source(path=str(path), sha256=sha, text=code, labels=labels, ipython=True)


def _ipython_lines(text: str) -> str | None:
    """A .py that is IPython syntax, not Python: Colab's "Download .py" comments out `%` magics but keeps `!cmd`
    lines, and `ipython file.py` runs `%magic` lines. Read as a notebook cell's lines are (same line numbers; a
    shell line does nothing), if that alone makes it compile; None for Python, or for a file neither reads."""
    if _parses(text):
        return None
    converted = "\n".join(magics.to_python(text))
    return converted if converted != text and _parses(converted) else None


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # MemoryError: a parser stack overflow
        return False
    return True


def _notebook_code(text: str) -> tuple[str, list[str]]:
    """The code cells as one program (IPython syntax made plain Python) and a label per line."""
    lines: list[str] = []
    labels: list[str] = []
    size = 0
    for number, src, tags in code_cells(text):
        size += len(src.encode())
        if size > MAX_BYTES:
            raise NotebookError(f"its code cells hold more than {_size(MAX_BYTES)} of code (outputs are not counted)")
        raw = src.rstrip().splitlines()  # blank lines at the end of a cell label nothing
        if len(lines) + len(raw) > MAX_LINES:
            raise NotebookError(f"its code cells hold more than {MAX_LINES} lines (blank lines at the end of a cell are not counted)")
        if SKIP_TAG in tags:  # nbclient (nbconvert --execute, otter's executor) does not run it: nor does the grader
            cell = [f"# (not run: tagged {SKIP_TAG}) {line}"[:200] for line in raw]
        else:
            cell = magics.to_python("\n".join(raw))
        lines += cell
        name = f"cell {number} {RAISES_TAG}" if "raises-exception" in tags else f"cell {number}"
        labels += [f"{name}, line {i}" for i in range(1, len(cell) + 1)]
    return "\n".join(lines) + "\n", labels + ["end"]


def _size(n: int) -> str:
    return f"{n / (1 << 20):.1f} MiB" if n >= 1 << 20 else f"{n} bytes"


def discover(paths: list[Path]) -> tuple[list[Path], list[str]]:
    """Submission files under `paths` (files as given, folders searched recursively), and problems.

    A symbolic link whose target lies outside its folder is refused: grading runs with the grader's
    rights and would read the target (e.g. a link to the reference solution).
    """
    found: list[Path] = []
    problems: list[str] = []
    for p in paths:
        if p.is_dir():
            for q in sorted(q for q in p.rglob("*") if q.suffix in SUFFIXES and q.is_file()
                            and not any(part.startswith(".") for part in q.relative_to(p).parts)):
                outside = _outside(q, p)
                if outside:
                    problems.append(outside)
                else:
                    found.append(q)
        elif p.is_file():
            outside = _outside(p, p.parent)
            if outside:
                problems.append(outside)
            else:
                found.append(p)
        else:
            problems.append(f"{p}: no such file or folder")
    return found, problems


def _outside(file: Path, folder: Path) -> str | None:
    """Why `file` is refused when it resolves outside `folder` (through a link), else None."""
    target, root = file.resolve(), folder.resolve()
    if target == root or root in target.parents:
        return None
    return f"{file}: a symbolic link to {target}, outside {folder}; not graded (copy the file into the folder instead)"
