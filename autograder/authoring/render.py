"""Cells of an assignment's source -> the files handed out: `.py` (solution or template) and notebook."""
from __future__ import annotations

import json
from enum import Enum

import nbformat

from autograder.assignment import Assignment
from autograder.otter.verdicts import NOTEBOOK_KEY
from autograder.authoring.source import Cell, Kind, SourceError, solution, template

BEGIN_EXPORT = "<!-- BEGIN QUESTION -->"
END_EXPORT = "<!-- END QUESTION -->"
ANSWER_TAG = "otter_answer_cell"  # otter assign's tag for the cells students edit
LOCKED = {"deletable": False, "editable": False}
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
PDF_FAILURE_MESSAGE = (
    "The PDF of your written answers could not be made on this computer (otter needs LaTeX for it). "
    "Export without it: your instructor makes the PDF from your notebook with `otter export --filtering`."
)


class Variant(str, Enum):
    SOLUTION = "solution"
    TEMPLATE = "template"


def code_of(cell: Cell, variant: Variant) -> str:
    return solution(cell.text, line=cell.line) if variant is Variant.SOLUTION else template(cell.text, line=cell.line)


def python_file(cells: list[Cell], variant: Variant, header: str) -> str:
    """A percent-format `.py`: the header docstring, then markdown as comments and code; no otter cells."""
    parts = [f'"""{header}\n"""']
    for cell in cells:
        if cell.kind is Kind.MARKDOWN:
            body = "\n".join(f"# {line}".rstrip() for line in cell.text.split("\n"))
            parts.append(f"# %% [markdown]\n{body}")
        elif cell.kind is Kind.CODE:
            parts.append(f"# %%\n{code_of(cell, variant)}")
    return "\n\n\n".join(parts) + "\n"


def validate(cells: list[Cell], assignment: Assignment, public_questions: set[str]) -> None:
    """The source agrees with assignment.toml: known questions and manual keys, each manual item once."""
    manual_keys = {m.key for m in assignment.manual}
    seen: list[str] = []
    for cell in cells:
        if cell.manual is not None:
            if cell.manual not in manual_keys:
                raise SourceError(f"cell at line {cell.line}: manual={cell.manual} is not a [[manual]] item of assignment.toml")
            if seen and seen[-1] != cell.manual and cell.manual in seen:
                raise SourceError(f"cell at line {cell.line}: the cells of {cell.manual} must be consecutive")
            if not seen or seen[-1] != cell.manual:
                seen.append(cell.manual)
        if cell.kind is Kind.OTTER and cell.directive[0] == "check":
            qid = cell.directive[1]
            if qid not in assignment.questions:
                raise SourceError(f"cell at line {cell.line}: check {qid}: no such question in assignment.toml")
            if qid not in public_questions:
                raise SourceError(f"cell at line {cell.line}: check {qid}: that question has no public test to run")
    missing = manual_keys - set(seen)
    if missing:
        raise SourceError(f"hand-graded items without cells in the source: {', '.join(sorted(missing))}")


def notebook(cells: list[Cell], variant: Variant, *, assignment: str, public_tests: dict[str, str]) -> str:
    """The notebook as JSON text: otter's init/check/export cells, answer tags, PDF export regions.

    `public_tests` maps a question id to its exception-based otter test file (public cases only);
    they travel in the notebook's metadata, so the notebook alone is enough for `grader.check`.
    The assignment is recorded in the metadata (`autograder.assignment`, read by `autograder check`)
    and in the init cell, which finds the notebook whatever its file name.
    """
    out: list[nbformat.NotebookNode] = []
    for i, cell in enumerate(cells):
        prev = cells[i - 1].manual if i else None
        nxt = cells[i + 1].manual if i + 1 < len(cells) else None
        nodes = _nodes(cell, variant, assignment)
        if cell.manual and cell.manual != prev:  # the prompt opens the item's region of the PDF
            if cell.kind is not Kind.MARKDOWN:
                raise SourceError(f"cell at line {cell.line}: {cell.manual} must start with its markdown prompt")
            nodes[0].source = f"{BEGIN_EXPORT}\n\n{nodes[0].source}"
        out += nodes
        if cell.manual and cell.manual != nxt:
            out.append(nbformat.v4.new_markdown_cell(END_EXPORT, metadata=dict(LOCKED)))
    for n, node in enumerate(out):
        node.id = f"cell-{n:02d}"
    nb = nbformat.v4.new_notebook(cells=out, metadata={
        "kernelspec": KERNELSPEC,
        "language_info": {"name": "python"},
        NOTEBOOK_KEY: {"assignment": assignment},
        "otter": {
            "OK_FORMAT": False,
            "tests": public_tests,
            "require_no_pdf_confirmation": True,
            "export_pdf_failure_message": PDF_FAILURE_MESSAGE,
        },
    })
    nbformat.validate(nb)
    return json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def _nodes(cell: Cell, variant: Variant, assignment: str) -> list[nbformat.NotebookNode]:
    """The notebook cells of one source cell (otter's export directive makes two)."""
    if cell.kind is Kind.MARKDOWN:
        return [nbformat.v4.new_markdown_cell(cell.text, metadata=dict(LOCKED))]
    if cell.kind is Kind.CODE:
        meta = {"tags": [ANSWER_TAG]} if cell.has_solution else {}
        return [nbformat.v4.new_code_cell(code_of(cell, variant), metadata=meta)]
    word, arg = cell.directive
    if word == "export":
        return _export_cells()
    if word == "init":
        src = (f"# Initialize Otter: `grader.check(...)` below runs the public tests of {assignment} on this notebook\n"
               "# as last saved, whatever its file name (`autograder check <file>` in a terminal does the same).\n"
               "import otter\n\n"
               "try:  # the student package (pip install mlsheet-autograder) finds this notebook by its assignment\n"
               "    from autograder.otter.student import notebook_grader\n\n"
               f"    grader = notebook_grader({assignment!r})\n"
               "except ImportError:  # without it (and where the grader runs this cell): otter's own lookup\n"
               "    grader = otter.Notebook()")
    else:
        src = f'grader.check("{arg}")'
    return [nbformat.v4.new_code_cell(src, metadata=dict(LOCKED))]


def _export_cells() -> list[nbformat.NotebookNode]:
    text = (
        "## Submission\n\n"
        "Save the notebook, then run the cell below. It makes a zip file with your notebook and a PDF of "
        "your written answers: upload that zip file. Your code is graded in a separate process, with "
        "the public tests above and hidden ones."
    )
    return [
        nbformat.v4.new_markdown_cell(text, metadata=dict(LOCKED)),
        nbformat.v4.new_code_cell("grader.export(ignore_log=True)", metadata=dict(LOCKED)),
    ]
