"""A submission file (.py or .ipynb) -> runnable source with a label for every line."""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from autograder.model import Frozen

SUFFIXES = (".py", ".ipynb")
MAX_BYTES = 5 << 20
_MAGIC = re.compile(r"^\s*[%!]")


class Source(Frozen):
    """Runnable Python source; `labels[i]` says where line i+1 came from (e.g. `cell 3, line 2`)."""

    path: str
    sha256: str
    text: str
    labels: list[str]


class LoadFailure(Frozen):
    """The file could not be turned into source: the whole submission gets this message."""

    path: str
    sha256: str | None
    message: str


def digest(data: bytes) -> str:
    """The content hash that identifies a submission."""
    return hashlib.sha256(data).hexdigest()


def load(path: Path) -> Source | LoadFailure:
    """Read `path`; never raises for a bad file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return LoadFailure(path=str(path), sha256=None, message=f"cannot read {path.name}: {exc.strerror}")
    return parse(path, data)


def parse(path: Path, data: bytes) -> Source | LoadFailure:
    """Turn the bytes of a submission named `path` into source; never raises for bad content."""
    sha = digest(data)
    if len(data) > MAX_BYTES:
        return LoadFailure(path=str(path), sha256=sha, message=f"{path.name} is {len(data)} bytes, over the {MAX_BYTES} byte limit")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return LoadFailure(path=str(path), sha256=sha, message=f"{path.name} is not UTF-8 text (byte {exc.start})")
    if path.suffix == ".ipynb":
        return _notebook(path, sha, text)
    if path.suffix == ".py":
        return Source(path=str(path), sha256=sha, text=text, labels=[f"line {i + 1}" for i in range(text.count("\n") + 1)])
    return LoadFailure(path=str(path), sha256=sha, message=f"{path.name}: expected a .py or .ipynb file")


def _notebook(path: Path, sha: str, text: str) -> Source | LoadFailure:
    try:
        nb = json.loads(text)
        cells = nb["cells"]
        if not isinstance(cells, list):
            raise TypeError("cells is not a list")
    except (ValueError, KeyError, TypeError) as exc:
        return LoadFailure(path=str(path), sha256=sha, message=f"{path.name} is not a valid notebook ({exc})")
    lines: list[str] = []
    labels: list[str] = []
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        src = cell.get("source", "")
        src = "".join(src) if isinstance(src, list) else str(src)
        cell_lines = src.splitlines()
        cell_magic = bool(cell_lines) and cell_lines[0].lstrip().startswith("%%")
        for i, line in enumerate(cell_lines, start=1):
            # magics and shell lines are not executed: keep the line count, keep indentation valid
            if cell_magic:  # the whole cell is not Python: keep only comments
                line = f"# skipped: {line.strip()[:60]}"
            elif _MAGIC.match(line):  # a line magic may be a block's only statement
                indent = line[: len(line) - len(line.lstrip())]
                line = f"{indent}pass  # skipped: {line.strip()[:60]}"
            lines.append(line)
            labels.append(f"cell {number}, line {i}")
    return Source(path=str(path), sha256=sha, text="\n".join(lines) + "\n", labels=labels + ["end"])


def discover(paths: list[Path]) -> tuple[list[Path], list[str]]:
    """Submission files under `paths` (files as given, folders searched recursively), and problems."""
    found: list[Path] = []
    problems: list[str] = []
    for p in paths:
        if p.is_dir():
            found += sorted(q for q in p.rglob("*") if q.suffix in SUFFIXES and q.is_file()
                            and not any(part.startswith(".") for part in q.relative_to(p).parts))
        elif p.is_file():
            found.append(p)
        else:
            problems.append(f"{p}: no such file or folder")
    return found, problems
