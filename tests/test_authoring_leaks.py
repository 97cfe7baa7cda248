"""Nothing handed to students holds a hidden test's name or expected value.

Every student-facing artifact is built here and searched: `autograder assign`'s student folder
(notebook, `.py` template, the student wheel and its metadata), and the project's own wheel and
sdist (what `pip install mlsheet-autograder` fetches). The otter zip, which grades, is the control:
it must hold them (else the search would prove nothing). An assignment's own check kinds
(`checks.py`) reach the student parts only when a public test uses one of them.
"""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from autograder import assignment as assignments
from autograder.authoring import build_assignment
from autograder.authoring.package import DISTRIBUTION
from autograder.checks.custom import PUBLIC_CHECKS, RUBRIC_CHECKS
from conftest import ROOT

NAMES = ("sheet03", "sheet04")


def _hidden_markers(name: str) -> list[str | re.Pattern[str]]:
    """What a leak looks like: hidden test names and keys, answer selectors, `key: value` pairs of expected answers."""
    markers: list[str | re.Pattern[str]] = []
    for t in assignments.load(name).tests:
        if t.visibility != "hidden":
            continue
        markers += [t.name, repr(t.key)[1:-1] + "'", f'"{t.key}"']
        answer, expected = t.args.get("answer"), t.args.get("expected")
        if isinstance(answer, str):
            if "[" in answer:  # e.g. REPARAM_NEEDED[model1]: only hidden tests' arguments name it (a bare name is the contract's)
                markers.append(answer)
            if expected is not None:
                field = re.escape(re.split(r"[\[\]]", answer)[-2] if "[" in answer else answer)
                values = {str(expected), repr(expected), str(expected).lower(), f"{expected:g}" if isinstance(expected, float) else ""}
                alternatives = "|".join(re.escape(v) for v in values if v)
                markers.append(re.compile(rf"{field}\W{{0,4}}\s*[:=]\s*[\"']?(?:{alternatives})(?!\w)"))
    return markers


def _leaks(texts: dict[str, str], name: str) -> list[str]:
    found = []
    for where, text in texts.items():
        for m in _hidden_markers(name):
            hit = m.search(text) if isinstance(m, re.Pattern) else (m in text)
            if hit:
                found.append(f"{where}: {m.pattern if isinstance(m, re.Pattern) else m}")
    return found


def _archive_texts(path: Path) -> dict[str, str]:
    """Every member of a wheel (zip) or sdist (tar.gz), decoded as text."""
    out = {}
    if path.suffix == ".whl" or path.suffix == ".zip":
        with zipfile.ZipFile(path) as zf:
            for n in zf.namelist():
                out[f"{path.name}:{n}"] = zf.read(n).decode("utf-8", "replace")
    else:
        with tarfile.open(path) as tf:
            for m in tf.getmembers():
                if m.isfile():
                    out[f"{path.name}:{m.name}"] = tf.extractfile(m).read().decode("utf-8", "replace")
    return out


@pytest.fixture(scope="module")
def project_dists(tmp_path_factory) -> list[Path]:
    """The project's wheel and sdist, built from a copy of the tree as `python -m build` would (no network)."""
    tmp = tmp_path_factory.mktemp("project")
    tree = tmp / "tree"
    tree.mkdir()
    for rel in ("pyproject.toml", "MANIFEST.in", "README.md", "docs", "autograder", "assignments", "solutions", "tests",
                "examples", "student_templates", "ci_templates"):
        src = ROOT / rel
        if src.is_dir():
            shutil.copytree(src, tree / rel, symlinks=True, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "corpus"))
        elif src.is_file():
            shutil.copy(src, tree / rel)
    out = tmp / "dist"
    code = ("import sys; from setuptools import build_meta as b; out = sys.argv[1]; "  # build_meta rewrites sys.argv
            "b.build_wheel(out); b.build_sdist(out)")
    r = subprocess.run([sys.executable, "-c", code, str(out)], cwd=tree, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    return sorted(out.iterdir())


def _student_texts(base: Path) -> dict[str, str]:
    """Every text students are handed by `assign`: the student folder's files and its wheel's members."""
    texts: dict[str, str] = {}
    for p in sorted((base / "student").rglob("*")):
        if p.suffix == ".whl":
            texts.update(_archive_texts(p))
        elif p.is_file():
            texts[p.name] = p.read_text(encoding="utf-8")
    return texts


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_assign_student_folder_and_student_wheel_hold_no_hidden_test(tmp_path, name):
    base = build_assignment(name, tmp_path)
    texts = _student_texts(base)
    assert any(k.endswith(f"_assignments/{name}/public.json") for k in texts)  # the public part is there
    assert any(k.endswith(".dist-info/METADATA") and f"Name: {DISTRIBUTION}" in v for k, v in texts.items())
    assert _leaks(texts, name) == []
    assert not any(k.endswith(("assignment.toml", f"{name}/source.py")) for k in texts)
    (z,) = (base / "autograder").iterdir()  # the control: the grading zip holds them, so the search can see them
    assert _leaks(_archive_texts(z), name)


@pytest.mark.slow
def test_project_wheel_and_sdist_hold_public_parts_only(project_dists):
    assert sorted(p.suffix for p in project_dists) == [".gz", ".whl"]
    for dist in project_dists:
        texts = _archive_texts(dist)
        assert dist.name.startswith(DISTRIBUTION.replace("-", "_"))
        for name in NAMES:
            assert _leaks(texts, name) == [], dist.name
            assert any(k.endswith(f"_assignments/{name}/public.json") for k in texts), dist.name
        assert not any(k.endswith(("assignment.toml", "audit.toml", "_assignments/sheet03/source.py", f"/{RUBRIC_CHECKS}"))
                       or "/solutions/" in k or "/tests/" in k for k in texts), dist.name
        own = {k for k in texts if k.endswith(f"/{PUBLIC_CHECKS}")}  # only for assignments whose public tests use their kinds
        assert own == {k for k in texts for n in NAMES if k.endswith(f"_assignments/{n}/{PUBLIC_CHECKS}")
                       and assignments.load(n).public().custom_checks is not None}, dist.name
        (meta,) = [v for k, v in texts.items() if k.endswith(("dist-info/METADATA", "/PKG-INFO")) and k.count("/") == 1]
        assert f"Name: {DISTRIBUTION}" in meta and "autograder check" in meta  # the long description is the student page


def test_the_markers_would_see_a_leak():
    """The search is not vacuous: the full rubric and a dict of the right answers are caught."""
    for name in NAMES:
        assert _leaks({"assignment.toml": (ROOT / "assignments" / name / "assignment.toml").read_text()}, name)
        assert _leaks({"public.json": (ROOT / "assignments" / name / "public.json").read_text()}, name) == []
    assert _leaks({"x.py": 'D_STAR_CASES = {"optimal_generator": 0.5}'}, "sheet03") == ["x.py: " + next(
        m.pattern for m in _hidden_markers("sheet03") if isinstance(m, re.Pattern) and "optimal_generator" in m.pattern)]
    assert _leaks({"x.py": 'REPARAM_NEEDED = {"model1": None}'}, "sheet03") == []  # the template's own text is fine


def test_public_part_is_the_public_tests_and_their_probes():
    a = assignments.load("sheet03")
    p = assignments.load_file(ROOT / "assignments" / "sheet03" / "public.json")
    assert p == a.public() and p.rubric_hash == a.public().rubric_hash
    assert {t.key for t in p.tests} == {t.key for t in a.tests if t.visibility == "public"} and p.manual == []
    assert {pr.id for pr in p.probes} == {t.probe for t in p.tests}


@pytest.mark.slow
def test_own_check_kinds_used_only_by_hidden_tests_stay_out_of_the_student_parts(tmp_path, monkeypatch):
    import custom_assignment as ca

    ca.make(tmp_path / "assignments", tests=ca.HIDDEN_TEST)  # sheet 04 with `step_bounded` in a hidden test only
    monkeypatch.setenv("AUTOGRADER_ASSIGNMENTS", str(tmp_path / "assignments"))
    base = build_assignment(ca.NAME, tmp_path / "dist")
    texts = _student_texts(base)
    assert not any(k.endswith((f"/{RUBRIC_CHECKS}", f"/{PUBLIC_CHECKS}")) and "_assignments" in k for k in texts)
    assert not any("step_bounded" in v or "def step_bounded" in v for v in texts.values())  # neither the kind nor its code
    assert _leaks(texts, ca.NAME) == []
    (z,) = (base / "autograder").iterdir()  # the control: the grading zip carries the kinds and the hidden test
    zipped = _archive_texts(z)
    assert zipped[f"{z.name}:assignments/{ca.NAME}/{RUBRIC_CHECKS}"] == ca.CHECKS_PY
    assert _leaks(zipped, ca.NAME)
