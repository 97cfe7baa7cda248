"""A notebook's JSON -> its code cells' sources, outputs dropped; every malformed shape is a clear message."""
from __future__ import annotations

import json
from typing import NamedTuple


class CodeCell(NamedTuple):
    """A code cell: its number among all cells (from 1), its source and its tags (nbformat 4 `metadata.tags`)."""

    number: int
    source: str
    tags: frozenset[str]


class NotebookError(ValueError):
    """The text is not a notebook this grader can read; the message says why."""


def code_cells(text: str) -> list[CodeCell]:
    """The code cells, in order; raises NotebookError, nothing else, for bad content."""
    try:
        nb = json.loads(text)
    except RecursionError:
        raise NotebookError("its JSON is nested too deeply") from None
    except ValueError as exc:
        raise NotebookError(f"it is not JSON ({exc})") from None
    if not isinstance(nb, dict):
        raise NotebookError(f"its top level is a JSON {_kind(nb)}, not an object")
    if isinstance(nb.get("nbformat"), int) and nb["nbformat"] < 4:
        nb = _upgraded(text, nb["nbformat"])
    cells = nb.get("cells")
    if not isinstance(cells, list):
        raise NotebookError("it has no list of cells" if cells is None else f"its `cells` is a JSON {_kind(cells)}, not a list")
    out: list[CodeCell] = []
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict):
            raise NotebookError(f"cell {number} is a JSON {_kind(cell)}, not an object")
        if cell.get("cell_type") != "code":
            continue
        out.append(CodeCell(number, _source(cell.get("source", ""), number), _tags(cell.get("metadata"))))
    return out


def _upgraded(text: str, version: int) -> dict:
    """An nbformat 1-3 notebook (IPython 2 and older: cells under `worksheets`, code under `input`) as nbformat 4,
    upgraded by nbformat itself, as Jupyter does when it opens one."""
    import nbformat  # only for these old files

    try:
        return dict(nbformat.reads(text, as_version=4))
    except Exception as exc:  # noqa: BLE001 - nbformat's own reader refused it: say so
        raise NotebookError(f"it is an nbformat {version} notebook that nbformat cannot upgrade ({type(exc).__name__}: {exc})"[:500]) from None


def _tags(metadata: object) -> frozenset[str]:
    """The cell's tags; tags of a shape nbformat does not allow are ignored (Jupyter would not read them either)."""
    tags = metadata.get("tags") if isinstance(metadata, dict) else None
    return frozenset(t for t in tags if isinstance(t, str)) if isinstance(tags, list) else frozenset()


def _source(src: object, number: int) -> str:
    """nbformat allows a string or a list of strings; anything else is refused, and so is a lone surrogate."""
    if isinstance(src, list) and all(isinstance(s, str) for s in src):
        src = "".join(src)
    if not isinstance(src, str):
        raise NotebookError(f"the source of cell {number} is a JSON {_kind(src)}, not text")
    try:
        src.encode("utf-8")
    except UnicodeEncodeError as exc:  # JSON's "\ud800" escape alone: no character, Python cannot compile it
        raise NotebookError(f"the source of cell {number} holds {src[exc.start]!r} at character {exc.start + 1}, "
                            "half of a UTF-16 pair, which is not text") from None
    return src


def _kind(value: object) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}.get(type(value), "number")
