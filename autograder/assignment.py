"""An assignment's definition: its probes, its tests with points, its hand-graded items, its limits.

Read from `assignments/<name>/assignment.toml`, validated here (check names and their arguments
against the check registry too, and against the assignment's own check kinds: `checks.py` beside
the rubric, see `checks.custom`). The probe section (and the probe code version) make the probe
fingerprint: stored observations are reusable as long as it is equal.

An assignment has a public part (`Assignment.public()`: the public tests and the probes they use),
which is all that `autograder check` needs and all that is handed out: the student package carries
it as `<name>/public.json`; the hidden tests' names and expected values stay in assignment.toml.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, PrivateAttr, ValidationError, model_validator

from autograder.checks.custom import CustomChecks, CustomChecksError, file_beside
from autograder.model import Frozen, Visibility

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

PROBE_CODE_VERSION = "7"  # bump when what a probe records changes (2: models judged from their outputs, see probes.autoencoder;
# 3: variance(h) probed at a non-leaf h in g's dtype, the log-det Jacobian on a batch of rows, distinct layer objects;
# 4: a .py file calling get_ipython() (a notebook exported as a script) is read as the notebook; layer_stack refills
# a held nn.ModuleList in place and names a held layer's class under every global name bound to it;
# 5: the autoencoder probe runs with grad enabled and inference mode off, whatever the submission left set, and
# differentiates through a model's deep copies of g and f as well as through g and f; the answers probe reads any dict
# (OrderedDict, defaultdict) key by key; a log-det layer that pins float32 is probed once more in float32;
# a notebook runs cell by cell past a cell's error, every probe with grad on and inference mode off, the child's
# argv is the file's and /dev/shm is writable; 4 and 5 were never released apart;
# 6: layer_stack runs sample(n) once through the container's own layers for their gradients, calls the forward of a
# class that replaced nn.Module.__call__, names held layers under their bases' names and makes the held layer objects
# run the grader's layers, which answer isinstance and plain settings as the layers they replace, and read a view
# parameter's gradient as its part of its base's; the autoencoder probe takes variance(h)'s slope by differences
# (with its spread) where autograd gives none; answers read any real number (Fraction, Decimal, sympy, a one-element
# ndarray) as a number; torch.compile runs eagerly, matplotlib is headless, a notebook runs as __main__ with its
# cells timed one by one, %run runs a file of the folder and %timeit binds nothing;
# 7: the autoencoder probe puts back g's and f's weights that the model's __init__ re-initialised in place;
# layer_stack runs the held layer objects' other methods and properties on the grader's layer of their place, gives
# the grader's layers a Transform base's class attributes and __call__, retries in float32 a flow that raises in
# float64, records a torch.compile-wrapped layer as the class it wraps and sets a parametrized parameter through its
# original; a .py in IPython syntax (`!cmd` lines) is read as a cell, an nbformat 3 notebook is upgraded, display()
# is there for a .py, breakpoint() does nothing, a notebook cell that did not stop when interrupted is left out of a
# second run)
RUBRIC = "assignment.toml"  # the whole rubric (instructor side)
PUBLIC = "public.json"  # its public part (generated; what the student package carries)
CONFIG = "config.toml"  # settings of the assignments folder itself (the default assignment)


class AssignmentError(ValueError):
    """An assignment file that cannot be used; the message names the file and the cause."""


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
    _custom: CustomChecks | None = PrivateAttr(default=None)  # the check kinds of the file beside the rubric

    @property
    def custom_checks(self) -> CustomChecks | None:
        """The assignment's own check kinds (its checks file), or None."""
        return self._custom

    def with_custom_checks(self, custom: CustomChecks | None) -> "Assignment":
        """This assignment judged with the given own check kinds (CustomChecksError if they cannot be loaded)."""
        if custom is not None:
            custom.kinds()  # executed and validated now, not at the first submission
        a = self.model_copy()
        a._custom = custom
        return a

    def custom_kinds(self) -> dict:
        """Name -> function of the assignment's own check kinds."""
        return self._custom.kinds() if self._custom is not None else {}

    def uses_custom_checks(self) -> bool:
        """Whether a test of this assignment (or of this part of it) uses one of its own check kinds."""
        kinds = self.custom_kinds()
        return any(t.check in kinds for t in self.tests)

    @property
    def check_versions(self) -> dict[str, str]:
        """The version of every check kind that can judge this assignment (results record them)."""
        from autograder.checks import VERSIONS

        own = self._custom.version if self._custom is not None else ""
        return dict(VERSIONS) | {name: own for name in self.custom_kinds()}

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

    def public(self) -> "Assignment":
        """The public part: public tests and the probes they use; no hidden test, no hand-graded item."""
        tests = [t for t in self.tests if t.visibility == "public"]
        used = {t.probe for t in tests}
        part = self.model_copy(update={"tests": tests, "manual": [], "probes": [p for p in self.probes if p.id in used]})
        if not part.uses_custom_checks():
            part._custom = None  # its own kinds go with the public part only if a public test uses one
        return part

    def check_errors(self) -> list[str]:
        """Every test whose check is unknown or whose arguments the check does not take, as messages."""
        from autograder.checks.registry import argument_errors  # imports the checks (torch, scipy)

        kinds = self.custom_kinds()
        return [f"test {t.key}: {why}" for t in self.tests if (why := argument_errors(t.check, t.args, kinds))]

    def probe(self, probe_id: str) -> ProbeSpec:
        return next(p for p in self.probes if p.id == probe_id)

    @property
    def probe_fingerprint(self) -> str:
        """Changes exactly when what the child records would change."""
        data = {"seed": self.seed, "probes": [p.model_dump() for p in self.probes], "version": PROBE_CODE_VERSION}
        return _hash(data)

    @property
    def rubric_hash(self) -> str:
        data = {"tests": [t.model_dump() for t in self.tests], "manual": [m.model_dump() for m in self.manual]}
        if self._custom is not None:  # the assignment's own check code decides scores too
            data["custom_checks"] = self._custom.sha256
        return _hash(data)

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
    """Read and validate an assignment file (`.toml`, or a public part as `.json`): AssignmentError if invalid."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FileNotFoundError(f"cannot read the assignment file {path}: {exc.strerror}") from exc
    try:
        a = (Assignment.model_validate_json(data) if path.suffix == ".json"
             else Assignment.model_validate(tomllib.loads(data.decode("utf-8"))))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise AssignmentError(f"{path}: not a TOML file ({exc})") from None
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'file'}: {e['msg']}" for e in exc.errors())
        raise AssignmentError(f"{path}: {problems}") from None
    own = file_beside(path)
    try:
        a = a.with_custom_checks(CustomChecks.read(own))
    except CustomChecksError as exc:
        raise AssignmentError(f"{path}: {exc}") from None
    errors = a.check_errors()
    if errors:
        missing = "" if a.custom_checks is not None else f" (there is no {own.name} beside it)"
        raise AssignmentError(f"{path}: " + "; ".join(errors) + missing)
    return a


def default_name() -> str:
    """The assignment commands use when none is named: `default` in the assignments folder's config.toml,
    else the folder's only assignment."""
    root = assignments_root()
    path = root / CONFIG
    if not path.is_file():
        found = sorted({p.parent.name for p in [*root.glob(f"*/{RUBRIC}"), *root.glob(f"*/{PUBLIC}")]})
        if len(found) == 1:
            return found[0]
        raise FileNotFoundError(f"{root} has no {CONFIG} naming the default assignment, and {len(found)} assignments "
                                f"({', '.join(found) or 'none'}): name one with --assignment")
    try:
        name = tomllib.loads(path.read_text(encoding="utf-8")).get("default")
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise FileNotFoundError(f"cannot read the default assignment from {path}: {exc}") from exc
    if not isinstance(name, str) or not name:
        raise AssignmentError(f"{path}: `default` must name an assignment folder")
    return name


def path_of(name: str) -> Path:
    """The named assignment's whole rubric file; FileNotFoundError saying what is there instead."""
    root = assignments_root()
    path = root / name / RUBRIC
    if not path.is_file():
        if (root / name / PUBLIC).is_file():
            raise FileNotFoundError(f"{root / name} holds only the public part of {name!r} (the student package): grading "
                                    "needs the instructor's assignment.toml (set AUTOGRADER_ASSIGNMENTS, or pass --rubric)")
        known = sorted({p.parent.name for p in [*root.glob(f"*/{RUBRIC}"), *root.glob(f"*/{PUBLIC}")]})
        raise FileNotFoundError(f"no assignment {name!r} in {root} (known: {', '.join(known) or 'none'})")
    return path


def load(name: str | None = None) -> Assignment:
    """The named (else the default) assignment from the assignments folder (the whole rubric, hidden tests included)."""
    return load_file(path_of(name or default_name()))


def load_public(name: str | None = None) -> Assignment:
    """The public part of the named (else the default) assignment: from assignment.toml where it is, else public.json."""
    name = name or default_name()
    folder = assignments_root() / name
    if (folder / RUBRIC).is_file():
        return load_file(folder / RUBRIC).public()
    if (folder / PUBLIC).is_file():
        return load_file(folder / PUBLIC)
    return load(name)  # raises FileNotFoundError naming the known assignments


def public_json(a: Assignment) -> str:
    """The public part as the JSON text the student package carries."""
    return a.public().model_dump_json(indent=1) + "\n"
