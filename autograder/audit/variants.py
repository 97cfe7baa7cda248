"""An assignment's declared variants (`assignments/<name>/audit.toml`) and their generated sources.

    [[variant]]
    id = "sample_not_rsample_$q"          # `$name` is filled in from each entry of `each`
    family = "mutant"                      # or "rewrite": must keep full marks
    loses = ["$q"]                         # mutant: exactly the questions that must lose points
    doc = "Normal(mu, 1).sample() instead of .rsample()"
    blind_spot = "why the grader cannot see it"   # optional: reported apart, never fails the audit
    each = [{ model = "Net" }, ...]       # optional
    [[variant.edit]]                       # applied in order to the reference solution
    kind = "replace_expr"                  # see autograder.audit.transforms
    scope = "$cls.forward"
    old = "mu + torch.randn_like(mu)"
    new = "torch.distributions.Normal(mu, 1.0).sample()"
"""
from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from autograder import assignment as assignments
from autograder.audit.transforms import Edit, TransformError, apply

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

DECLARATIONS = "audit.toml"


class Declaration(BaseModel):
    """One declared variant, or a family of them (`each`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[A-Za-z0-9_.${}-]+$")
    family: Literal["rewrite", "mutant"]
    doc: str
    loses: list[str] = []
    blind_spot: str | None = None
    each: list[dict[str, str]] = [{}]
    edit: list[Edit] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> "Declaration":
        if self.family == "rewrite" and self.loses:
            raise ValueError(f"{self.id}: a rewrite loses no points (drop `loses`)")
        if self.family == "mutant" and not self.loses:
            raise ValueError(f"{self.id}: a mutant names the questions it must lose points on (`loses`)")
        return self


class Declarations(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    variant: list[Declaration]


@dataclass(frozen=True)
class Variant:
    """One generated variant: the reference with its edits applied."""

    id: str
    family: str  # "rewrite" | "mutant"
    doc: str
    loses: tuple[str, ...]
    blind_spot: str | None
    edits: tuple[Edit, ...]
    source: str


def _fill(value: Any, values: dict[str, str]) -> Any:
    if isinstance(value, str):
        return Template(value).substitute(values)
    if isinstance(value, list):
        return [_fill(v, values) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, values) for k, v in value.items()}
    return value


def expand(decl: Declaration) -> list[Declaration]:
    """The declaration once per entry of `each`, with `$name` filled in everywhere."""
    out = []
    for values in decl.each:
        data = _fill(decl.model_dump(exclude={"each"}), values)
        out.append(Declaration.model_validate(data))
    return out


def declarations_path(name: str) -> Path:
    return assignments.assignments_root() / name / DECLARATIONS


def load(name: str, path: Path | None = None) -> list[Declaration]:
    """Every variant the assignment declares, expanded; ids unique, questions known."""
    path = path or declarations_path(name)
    if not path.is_file():
        raise FileNotFoundError(f"assignment {name!r} declares no audit variants ({path} is missing)")
    with path.open("rb") as fh:
        decls = [d for raw in Declarations.model_validate(tomllib.load(fh)).variant for d in expand(raw)]
    ids = [d.id for d in decls]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise ValueError(f"{path}: variant ids used twice: {', '.join(twice)}")
    questions = set(assignments.load(name).questions)
    for d in decls:
        unknown = set(d.loses) - questions
        if unknown:
            raise ValueError(f"{path}: {d.id} names unknown question(s) {', '.join(sorted(unknown))}")
    return decls


def reference_source(name: str) -> str:
    """The assignment's reference solution, rendered from its single source as solutions/<name>.py is
    (only the header docstring differs)."""
    from autograder.authoring import render
    from autograder.authoring.build import Sources

    s = Sources.read(name)
    return render.python_file(s.cells, render.Variant.SOLUTION, f"Reference solution: {s.assignment.title} (audited).")


def generate(decl: Declaration, reference: str) -> Variant:
    """Apply the declaration's edits in order to the reference source's tree; the result must
    compile and differ from the reference."""
    tree = ast.parse(reference)  # a fresh tree: parsing is faster than copying one
    for k, edit in enumerate(decl.edit, 1):
        try:
            apply(tree, edit)
        except TransformError as exc:
            raise TransformError(f"variant {decl.id}, edit {k} ({edit.kind}): {exc}") from None
    source = ast.unparse(tree) + "\n"
    if source == reference:
        raise TransformError(f"variant {decl.id}: its edits leave the reference unchanged")
    compile(source, f"<{decl.id}>", "exec")
    return Variant(id=decl.id, family=decl.family, doc=decl.doc, loses=tuple(decl.loses), blind_spot=decl.blind_spot,
                   edits=tuple(decl.edit), source=source)


def variants(name: str, path: Path | None = None) -> tuple[str, list[Variant]]:
    """(the reference source as graded, every declared variant of it)."""
    reference = ast.unparse(ast.parse(reference_source(name))) + "\n"  # formatted as the variants are
    return reference, [generate(d, reference) for d in load(name, path)]
