"""The student package: the grader's engine with the public part of one assignment, as a wheel.

`autograder check` and a notebook's `grader.check` need the sandbox, the probes and the checks,
and the public tests of the assignment: nothing else. The wheel built here carries the package
(without `_assignments`, the link to the assignment sources) and `<name>/public.json`
(`Assignment.public()`), so the hidden tests' names and expected values are not in it; and
`<name>/public_checks.py`, the whole of the assignment's own checks.py, only when a public test uses
one of its kinds. The project's own distribution on PyPI is the same thing for every assignment of the project.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import autograder
from autograder.assignment import PUBLIC, Assignment, public_json
from autograder.checks.custom import PUBLIC_CHECKS

DISTRIBUTION = "mlsheet-autograder"  # the name on PyPI (the command stays `autograder`)
LONG_DESCRIPTION = Path("docs") / "student-package.md"  # the project's long description; no rubric values
SKIP_PARTS = {"__pycache__", "_assignments"}


def dependencies(project_root: Path) -> list[str]:
    """The project's runtime dependencies, as its pyproject.toml lists them."""
    return tomllib.loads((project_root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]


def _pyproject(reqs: list[str], summary: str) -> str:
    deps = "".join(f"    {json.dumps(r)},\n" for r in reqs)
    return (
        "[build-system]\nrequires = [\"setuptools>=68\"]\nbuild-backend = \"setuptools.build_meta\"\n\n"
        f"[project]\nname = {json.dumps(DISTRIBUTION)}\nversion = {json.dumps(autograder.__version__)}\n"
        f"description = {json.dumps(summary)}\nreadme = \"README.md\"\nrequires-python = \">=3.10\"\n"
        f"dependencies = [\n{deps}]\n\n[project.scripts]\nautograder = \"autograder.cli:main\"\n\n"
        "[tool.setuptools.packages.find]\ninclude = [\"autograder*\"]\nexclude = [\"autograder._assignments*\"]\n\n"
        f"[tool.setuptools.package-data]\nautograder = [\"_assignments/*/{PUBLIC}\", \"_assignments/*/{PUBLIC_CHECKS}\"]\n"
    )


def build_student_wheel(a: Assignment, dest: Path, *, package_dir: Path, project_root: Path) -> Path:
    """Build the student wheel of assignment `a` into folder `dest`; return the wheel's path."""
    with tempfile.TemporaryDirectory(prefix="autograder-student-") as tmp:
        stage = Path(tmp)
        shutil.copytree(package_dir, stage / "autograder", symlinks=False,
                        ignore=lambda folder, names: [n for n in names if n in SKIP_PARTS or n.endswith(".pyc")])
        public = stage / "autograder" / "_assignments" / a.name / PUBLIC
        public.parent.mkdir(parents=True)
        public.write_text(public_json(a), encoding="utf-8")
        own = a.public().custom_checks  # the assignment's own check kinds, if a public test uses one
        if own is not None:
            public.with_name(PUBLIC_CHECKS).write_text(own.source, encoding="utf-8")
        (stage / "README.md").write_text((project_root / LONG_DESCRIPTION).read_text(encoding="utf-8"), encoding="utf-8")
        summary = f"Check your answers to {a.title} against its public tests (autograder check)."
        (stage / "pyproject.toml").write_text(_pyproject(dependencies(project_root), summary), encoding="utf-8")
        dest.mkdir(parents=True, exist_ok=True)
        before = set(dest.glob("*.whl"))
        proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                               "--no-index", "--wheel-dir", str(dest), str(stage)], capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"building the student package failed (pip wheel, exit {proc.returncode}):\n"
                               f"{(proc.stderr or proc.stdout)[-2000:]}")
    (wheel,) = set(dest.glob("*.whl")) - before or dest.glob(f"{DISTRIBUTION.replace('-', '_')}-*.whl")
    return wheel
