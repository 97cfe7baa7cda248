"""The autograder zip: otter's own (`otter generate`), plus the `autograder` package and the rubric.

otter generate writes run_autograder, run_otter.py, setup.sh, environment.yml and otter_config.json
(which names our plugin). We add `tests/` (the generated exception-based files), the `autograder`
package with a minimal pyproject.toml at the zip's root (environment.yml pip-installs that folder,
`/autograder/source`, into otter's environment: the sandbox workers import the installed package),
and `assignments/<name>/assignment.toml`, the rubric, with `checks.py`, the assignment's own check
kinds, if it has any. The zip is rebuilt with sorted entries and fixed timestamps: same input, same bytes.
"""
from __future__ import annotations

import json
import tempfile
import tomllib
import zipfile
from importlib import metadata
from pathlib import Path

from otter.generate import main as otter_generate
from otter.utils import chdir

import autograder
from autograder.assignment import Assignment
from autograder.authoring.package import DISTRIBUTION
from autograder.checks.custom import RUBRIC_CHECKS

PLUGIN = "autograder.otter.plugin.NativeGrader"
PYTHON_VERSION = "3.11"
INSTALL_FROM = "/autograder/source"  # where Gradescope unpacks the zip (otter's autograder_dir + /source)
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
SKIP_PARTS = {"__pycache__", "_assignments"}  # _assignments: a link to the assignment sources (solutions!)


def otter_config(assignment: Assignment, *, timeout_seconds: float, isolation: str | None = None) -> dict:
    """otter_config.json: python, our plugin, hidden results shown once grades are published."""
    plugin = {"assignment": assignment.name, "timeout_seconds": timeout_seconds}
    if isolation:
        plugin["isolation"] = isolation
    return {
        "lang": "python",
        "plugins": [{PLUGIN: plugin}],
        "show_hidden": True,
        "show_stdout": False,
    }


def requirements(package_root: Path) -> list[str]:
    """The package's own dependencies (otter's environment already pins otter-grader)."""
    pyproject = package_root / "pyproject.toml"
    if pyproject.is_file():
        deps = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    else:
        deps = [r for r in metadata.requires(DISTRIBUTION) or [] if "extra ==" not in r]
    return [d for d in deps if not d.replace("_", "-").lower().startswith("otter-grader")]


def pyproject(version: str, reqs: list[str], requires_python: str) -> str:
    """A pyproject.toml that installs just the package (no readme, no extras) from the zip's root."""
    deps = "".join(f"    {json.dumps(r)},\n" for r in reqs)
    return (
        "# Installs the grader this autograder runs: environment.yml pip-installs this folder.\n"
        "[build-system]\nrequires = [\"setuptools>=68\"]\nbuild-backend = \"setuptools.build_meta\"\n\n"
        f"[project]\nname = {json.dumps(DISTRIBUTION)}\nversion = {json.dumps(version)}\n"
        f"requires-python = {json.dumps(requires_python)}\ndependencies = [\n{deps}]\n\n"
        "[project.scripts]\nautograder = \"autograder.cli:main\"\n\n"
        "[tool.setuptools.packages.find]\ninclude = [\"autograder*\"]\n"
    )


def build_zip(assignment: Assignment, dest: Path, *, tests: dict[str, str], package_dir: Path,
              rubric: Path, reqs: list[str], timeout_seconds: float, isolation: str | None = None) -> Path:
    """Write the autograder zip at `dest` and return it."""
    with tempfile.TemporaryDirectory(prefix="autograder-assign-") as tmp:
        stage = Path(tmp)
        (stage / "tests").mkdir()
        for qid, text in tests.items():
            (stage / "tests" / f"{qid}.py").write_text(text, encoding="utf-8")
        (stage / "otter_config.json").write_text(json.dumps(otter_config(assignment, timeout_seconds=timeout_seconds, isolation=isolation)))
        (stage / "requirements.txt").write_text("".join(f"{r}\n" for r in [*reqs, INSTALL_FROM]))
        generated = stage / "otter.zip"
        with chdir(stage):
            otter_generate(tests_dir="tests", output_path=str(generated), config="otter_config.json",
                           requirements="requirements.txt", no_environment=True, python_version=PYTHON_VERSION)
        entries = _read(generated)
    entries["requirements.txt"] = "".join(f"{r}\n" for r in [*reqs, INSTALL_FROM]).encode()
    entries["pyproject.toml"] = pyproject(autograder.__version__, reqs, ">=3.10").encode()
    for path in sorted(package_dir.rglob("*")):
        rel = path.relative_to(package_dir.parent)
        if path.is_file() and not SKIP_PARTS & set(rel.parts) and path.suffix != ".pyc":
            entries[rel.as_posix()] = path.read_bytes()
    entries[f"assignments/{assignment.name}/assignment.toml"] = rubric.read_bytes()
    if assignment.custom_checks is not None:  # the kinds this rubric was validated with, loaded beside it when grading
        entries[f"assignments/{assignment.name}/{RUBRIC_CHECKS}"] = assignment.custom_checks.source.encode("utf-8")
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(dest, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.external_attr = (0o755 if name == "run_autograder" or name.endswith(".sh") else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, entries[name])
    return dest


def _read(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist() if not name.endswith("/")}
