"""`autograder assign`: from `assignments/<name>/` (source.py + assignment.toml) to everything built.

    DIR/<name>/student/<name>.ipynb      the notebook: no solutions, public tests in its metadata
    DIR/<name>/student/<name>.py         the same as a template module
    DIR/<name>/student/package/*.whl     the student package: the engine and the public part only
    DIR/<name>/autograder/<name>-autograder.zip   otter's autograder (Gradescope-ready, hidden tests)

and the generated files that are committed (kept equal to a fresh build by a test):
solutions/<name>.py, student_templates/<name>.py, student_templates/<name>.ipynb,
assignments/<name>/public.json (the public part, which the project's wheel carries), and
assignments/<name>/public_checks.py, a copy of the assignment's own checks.py made only when a
public test uses one of its kinds (else it must not exist).
Everything under student/ is built from `Assignment.public()`: no hidden test's name or value.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import autograder
from autograder import assignment as assignments
from autograder.assignment import PUBLIC, Assignment, public_json
from autograder.checks.custom import PUBLIC_CHECKS
from autograder.authoring import bundle, package, render, source, testfiles
from autograder.authoring.render import Variant
from autograder.otter.native import DEFAULT_TIMEOUT

SOURCE = "source.py"
RUBRIC = "assignment.toml"
PACKAGE_DIR = Path(autograder.__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent


@dataclass(frozen=True)
class Sources:
    """An assignment's single source, read and checked against its rubric."""

    folder: Path
    assignment: Assignment
    cells: list[source.Cell]

    @classmethod
    def read(cls, name: str) -> "Sources":
        folder = assignments.assignments_root() / name
        a = assignments.load(name)
        cells = source.parse(folder / SOURCE)
        public = {t.question for t in a.tests if t.visibility == "public"}
        render.validate(cells, a, public)
        return cls(folder=folder, assignment=a, cells=cells)


def render_committed(name: str | None = None) -> dict[str, str | None]:
    """Project-relative path -> text of every generated file that is committed (None: must not exist)."""
    name = name or assignments.default_name()
    s = Sources.read(name)
    title = s.assignment.title
    generated = f"Generated from assignments/{name}/{SOURCE} by `python -m autograder.authoring sync`; edit that file."
    return {
        f"solutions/{name}.py": render.python_file(
            s.cells, Variant.SOLUTION, f"Reference solution: {title}. Never handed out to students.\n\n{generated}"),
        f"student_templates/{name}.py": _template(s, name),
        f"student_templates/{name}.ipynb": _notebook(s, name),
        f"assignments/{name}/{PUBLIC}": public_json(s.assignment),
        f"assignments/{name}/{PUBLIC_CHECKS}": public_checks(s.assignment),
    }


def public_checks(a: Assignment) -> str | None:
    """The text of the checks file that goes with the public part: all of checks.py if a public test uses it, else None."""
    own = a.public().custom_checks
    return own.source if own is not None else None


def _template(s: Sources, name: str) -> str:
    header = (f"{s.assignment.title} (your answers).\n\n"
              "Replace every `raise NotImplementedError(...)` and every None answer; keep the names, the grader\n"
              f"looks them up. Check your work (public tests) with `autograder check {name}.py --assignment {name}`\n"
              f"(`pip install {package.DISTRIBUTION}` installs the `autograder` command).\n"
              "The same sheet as a notebook, with the problem text, is "
              f"{name}.ipynb (generated from one source with this file).")
    return render.python_file(s.cells, Variant.TEMPLATE, header)


def _notebook(s: Sources, name: str, variant: Variant = Variant.TEMPLATE) -> str:
    return render.notebook(s.cells, variant, assignment=name,
                           public_tests=testfiles.question_files(s.assignment.public(), public_only=True))


def solution_notebook(name: str | None = None) -> str:
    """The student notebook with the solutions filled in (for instructors and tests; not committed)."""
    name = name or assignments.default_name()
    return _notebook(Sources.read(name), name, Variant.SOLUTION)


def sync(name: str | None = None, *, root: Path = PROJECT_ROOT, check: bool = False) -> list[str]:
    """Write the committed generated files (or, with `check`, only list those that differ)."""
    stale = []
    for rel, text in render_committed(name).items():
        path = root / rel
        if text is None:
            if path.exists():
                stale.append(rel)
                if not check:
                    path.unlink()
        elif not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(rel)
            if not check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
    return stale


def build_assignment(name: str | None = None, out_dir: Path = Path("dist"), *, timeout_seconds: float = DEFAULT_TIMEOUT,
                     isolation: str | None = None) -> Path:
    """Build DIR/<name>/student/ and DIR/<name>/autograder/<name>-autograder.zip; return DIR/<name>.

    `timeout_seconds` bounds one submission's native grading in the zip; `isolation` pins its
    sandbox level (default: the strongest available where it runs).
    """
    name = name or assignments.default_name()
    s = Sources.read(name)
    base = Path(out_dir) / name
    if base.exists():
        shutil.rmtree(base)
    student = base / "student"
    student.mkdir(parents=True)
    committed = render_committed(name)
    (student / f"{name}.py").write_text(committed[f"student_templates/{name}.py"], encoding="utf-8")
    (student / f"{name}.ipynb").write_text(committed[f"student_templates/{name}.ipynb"], encoding="utf-8")
    package.build_student_wheel(s.assignment, student / "package", package_dir=PACKAGE_DIR, project_root=PROJECT_ROOT)
    bundle.build_zip(s.assignment, base / "autograder" / f"{name}-autograder.zip",
                     tests=testfiles.question_files(s.assignment, public_only=False), package_dir=PACKAGE_DIR,
                     rubric=s.folder / RUBRIC, reqs=bundle.requirements(PROJECT_ROOT), timeout_seconds=timeout_seconds,
                     isolation=isolation)
    return base
