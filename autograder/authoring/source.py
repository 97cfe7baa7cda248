"""An assignment's single source (`assignments/<name>/source.py`) -> cells, with solution markers.

The source is a percent-format Python file that, run as it is, is the reference solution:

    # %% [markdown]            a markdown cell: every line is a comment (`# ` is removed)
    # %%                       a code cell
    # %% [otter] init          notebook-only cells: `init`, `check <question>`, `export`
    # %% manual=<key>          (after any kind) the cell belongs to the hand-graded item <key>

Inside code, a solution is marked in one of three ways:

    # BEGIN SOLUTION (hint: ...)   ...   # END SOLUTION        -> `raise NotImplementedError("...")`
    # BEGIN SOLUTION   ...   # END SOLUTION
    # BEGIN TEMPLATE   # commented code   # END TEMPLATE        -> the commented code, uncommented
    name = value  # SOLUTION                                    -> `name = None`
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

_HEADER = re.compile(r"^# %%(?: \[(?P<kind>[a-z]+)\])?(?P<rest>.*)$")
_BEGIN_SOLUTION = re.compile(r"^(?P<indent>\s*)# BEGIN SOLUTION(?: \(hint: (?P<hint>.*)\))?\s*$")
_END_SOLUTION = re.compile(r"^\s*# END SOLUTION\s*$")
_BEGIN_TEMPLATE = re.compile(r"^\s*# BEGIN TEMPLATE\s*$")
_END_TEMPLATE = re.compile(r"^\s*# END TEMPLATE\s*$")
_LINE_SOLUTION = re.compile(r"^(?P<lhs>\s*[^#=]+?=)\s*\S.*?\s+# SOLUTION\s*$")
OTTER_DIRECTIVES = ("init", "check", "export")


class SourceError(ValueError):
    """The source file breaks the format; the message names the line."""


class Kind(str, Enum):
    MARKDOWN = "markdown"
    CODE = "code"
    OTTER = "otter"


@dataclass(frozen=True)
class Cell:
    """One cell of the source. `text` is markdown, code (with markers) or an otter directive."""

    kind: Kind
    text: str
    line: int
    manual: str | None = None

    @property
    def has_solution(self) -> bool:
        return self.kind is Kind.CODE and self.text != solution(self.text, line=self.line)

    @property
    def directive(self) -> tuple[str, str | None]:
        """For an otter cell: (`init` | `check` | `export`, its argument)."""
        word, _, arg = self.text.partition(" ")
        return word, arg.strip() or None


def parse(path: Path) -> list[Cell]:
    """Cells of the source file; the text before the first `# %%` is a comment for authors only."""
    lines = path.read_text(encoding="utf-8").splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("# %%")]
    cells = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        cells.append(_cell(lines[start], lines[start + 1:end], start + 1))
    for cell in cells:
        if cell.kind is Kind.CODE:
            template(cell.text, line=cell.line)  # fail early on a malformed marker
    return cells


def _cell(header: str, body: list[str], line: int) -> Cell:
    m = _HEADER.match(header)
    if not m:
        raise SourceError(f"line {line}: malformed cell header {header!r}")
    kind = Kind(m["kind"] or "code") if (m["kind"] or "code") in Kind._value2member_map_ else None
    if kind is None:
        raise SourceError(f"line {line}: unknown cell kind [{m['kind']}]")
    words = m["rest"].split()
    options = dict(w.split("=", 1) for w in words if "=" in w)
    args = [w for w in words if "=" not in w]
    unknown = set(options) - {"manual"}
    if unknown:
        raise SourceError(f"line {line}: unknown cell option(s) {', '.join(sorted(unknown))}")
    text = "\n".join(body).strip("\n")
    if kind is Kind.MARKDOWN:
        text = _uncomment_markdown(body, line)
    elif kind is Kind.OTTER:
        if not args or args[0] not in OTTER_DIRECTIVES:
            raise SourceError(f"line {line}: [otter] takes one of {', '.join(OTTER_DIRECTIVES)}")
        if text:
            raise SourceError(f"line {line}: an [otter] cell has no body")
        text = " ".join(args)
    elif args:
        raise SourceError(f"line {line}: unexpected words after the header: {' '.join(args)}")
    return Cell(kind=kind, text=text, line=line, manual=options.get("manual"))


def _uncomment_markdown(body: list[str], line: int) -> str:
    out = []
    for i, raw in enumerate(body, start=line + 1):
        if raw == "#":
            out.append("")
        elif raw.startswith("# "):
            out.append(raw[2:])
        elif raw.strip():
            raise SourceError(f"line {i}: a markdown line must start with '# '")
        else:
            out.append("")
    return "\n".join(out).strip("\n")


def solution(code: str, *, line: int = 0) -> str:
    """The code with every solution kept and every marker and template removed.

    `line` is the line of the cell's header, for error messages.
    """
    return _transform(code, keep_solution=True, line=line)


def template(code: str, *, line: int = 0) -> str:
    """The code with every solution replaced by its template (or a NotImplementedError with the hint)."""
    return _transform(code, keep_solution=False, line=line)


def _transform(code: str, *, keep_solution: bool, line: int) -> str:
    lines = code.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        begin = _BEGIN_SOLUTION.match(lines[i])
        if begin:
            end = _find(lines, i + 1, _END_SOLUTION, line, "# END SOLUTION")
            body, i = lines[i + 1:end], end + 1
            tmpl = None
            if i < len(lines) and _BEGIN_TEMPLATE.match(lines[i]):
                tend = _find(lines, i + 1, _END_TEMPLATE, line, "# END TEMPLATE")
                tmpl, i = [_uncomment(t, begin["indent"], line) for t in lines[i + 1:tend]], tend + 1
            if keep_solution:
                out += body
            elif tmpl is not None:
                out += tmpl
            elif begin["hint"]:
                out.append(f"{begin['indent']}raise NotImplementedError({_string_literal(begin['hint'])})")
            else:
                raise SourceError(f"cell at line {line}: a solution block needs a hint or a TEMPLATE block")
            continue
        if _BEGIN_TEMPLATE.match(lines[i]) or _END_SOLUTION.match(lines[i]) or _END_TEMPLATE.match(lines[i]):
            raise SourceError(f"cell at line {line}: {lines[i].strip()!r} without its BEGIN SOLUTION")
        single = _LINE_SOLUTION.match(lines[i])
        if single:
            out.append(lines[i].rsplit("# SOLUTION", 1)[0].rstrip() if keep_solution else f"{single['lhs']} None")
        else:
            out.append(lines[i])
        i += 1
    return "\n".join(out)


def _find(lines: list[str], start: int, pattern: re.Pattern[str], line: int, what: str) -> int:
    for j in range(start, len(lines)):
        if pattern.match(lines[j]):
            return j
    raise SourceError(f"cell at line {line}: missing {what!r}")


def _uncomment(text: str, indent: str, line: int) -> str:
    prefix = indent + "# "
    if text.startswith(prefix):
        return indent + text[len(prefix):]
    if text.strip() == "#":
        return ""
    raise SourceError(f"cell at line {line}: a TEMPLATE line must start with {prefix!r}")


def _string_literal(text: str) -> str:
    """A double-quoted Python string literal (black's style) for `text`."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
