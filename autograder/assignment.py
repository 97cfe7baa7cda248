"""An assignment's definition: its probes, its tests with points, its hand-graded items, its limits.

Read from `assignments/<name>/assignment.toml`, validated here. The probe section (and the probe
code version) make the probe fingerprint: stored observations are reusable as long as it is equal.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator

from autograder.model import Frozen, Visibility

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

PROBE_CODE_VERSION = "1"  # bump when what a probe records changes


class ProbeSpec(Frozen):
    """What the child runs for one question: a probe kind on a submission name."""

    id: str
    kind: Literal["autoencoder", "function", "answers", "logdet_module", "layer_stack"]
    target: str | None = None
    options: dict[str, Any] = {}


class TestSpec(Frozen):
    """One automatic test: a check on a probe's observation, worth `points`."""

    key: str = Field(pattern=r"^[a-z0-9]+\.[a-z0-9_]+$")
    name: str
    points: float = Field(ge=0)
    visibility: Literal["public", "hidden"]
    probe: str
    check: str
    args: dict[str, Any] = {}

    @property
    def question(self) -> str:
        return self.key.split(".", 1)[0]

    @property
    def gradescope_visibility(self) -> Visibility:
        return Visibility.VISIBLE if self.visibility == "public" else Visibility.AFTER_PUBLISHED


class ManualSpec(Frozen):
    """A hand-graded item: the answer named `answer` is shown to the grader, no automatic points."""

    key: str
    name: str
    probe: str
    answer: str


class LimitSpec(Frozen):
    submission_seconds: float = Field(60.0, gt=0)
    question_seconds: float = Field(10.0, gt=0)
    memory_mb: int = Field(2048, ge=256)
    output_bytes: int = Field(32 * 1024, ge=1024)


class Assignment(Frozen):
    """A whole assignment."""

    name: str
    title: str
    seed: int
    questions: list[str]
    limits: LimitSpec = LimitSpec()
    probes: list[ProbeSpec]
    tests: list[TestSpec]
    manual: list[ManualSpec] = []

    @model_validator(mode="after")
    def _consistent(self) -> "Assignment":
        probe_ids = {p.id for p in self.probes}
        keys = [t.key for t in self.tests] + [m.key for m in self.manual]
        if len(set(keys)) != len(keys):
            raise ValueError("test keys must be unique")
        for item in [*self.tests, *self.manual]:
            if item.probe not in probe_ids:
                raise ValueError(f"{item.key}: unknown probe {item.probe!r}")
            if item.key.split(".", 1)[0] not in self.questions:
                raise ValueError(f"{item.key}: question not listed in `questions`")
        return self

    def probe(self, probe_id: str) -> ProbeSpec:
        return next(p for p in self.probes if p.id == probe_id)

    @property
    def probe_fingerprint(self) -> str:
        """Changes exactly when what the child records would change."""
        data = {"seed": self.seed, "probes": [p.model_dump() for p in self.probes], "version": PROBE_CODE_VERSION}
        return _hash(data)

    @property
    def rubric_hash(self) -> str:
        return _hash({"tests": [t.model_dump() for t in self.tests], "manual": [m.model_dump() for m in self.manual]})

    def max_score(self, question: str | None = None) -> float:
        return sum(t.points for t in self.tests if question is None or t.question == question)


def _hash(data: object) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


def assignments_root() -> Path:
    """Where assignment folders live: $AUTOGRADER_ASSIGNMENTS, else the project's `assignments/`."""
    env = os.environ.get("AUTOGRADER_ASSIGNMENTS")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "assignments", here / "_assignments"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("no assignments folder: set AUTOGRADER_ASSIGNMENTS")


def load_file(path: Path) -> Assignment:
    """Read and validate an assignment file."""
    with path.open("rb") as fh:
        return Assignment.model_validate(tomllib.load(fh))


def load(name: str = "sheet03") -> Assignment:
    """The named assignment from the assignments folder."""
    root = assignments_root()
    path = root / name / "assignment.toml"
    if not path.is_file():
        known = sorted(p.parent.name for p in root.glob("*/assignment.toml"))
        raise FileNotFoundError(f"no assignment {name!r} in {root} (known: {', '.join(known) or 'none'})")
    return load_file(path)
