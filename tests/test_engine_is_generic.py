"""The engine under autograder/ names no assignment, question or student-facing name: it reads them
from the assignments folder, whose config.toml also says which assignment is the default."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from autograder import assignment as assignments
from conftest import ROOT

ENGINE = ROOT / "autograder"


def _names() -> set[str]:
    names: set[str] = set()
    for rubric in sorted(assignments.assignments_root().glob(f"*/{assignments.RUBRIC}")):
        a = assignments.load_file(rubric)
        names |= {a.name, *a.questions}
        names |= {p.target for p in a.probes if p.target}
        names |= {n for p in a.probes for n in p.options.get("names", [])}
    return names


def test_no_engine_file_names_an_assignment_a_question_or_a_student_facing_name():
    names = _names()
    assert {"sheet03", "q1b", "Model2", "REPARAM_NEEDED"} <= names  # the scan would find what matters
    pattern = re.compile(r"\b(" + "|".join(sorted(map(re.escape, names))) + r")\b")
    found = {}
    for path in sorted(ENGINE.rglob("*.py")):
        if "_assignments" in path.parts:
            continue
        hits = sorted({m.group(1) for m in pattern.finditer(path.read_text(encoding="utf-8"))})
        if hits:
            found[str(path.relative_to(ROOT))] = hits
    assert found == {}


def test_the_default_assignment_comes_from_the_assignments_folder(tmp_path, monkeypatch):
    assert assignments.default_name() == "sheet03"  # the contract's default, in assignments/config.toml
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / assignments.RUBRIC).write_bytes(assignments.path_of("sheet04").read_bytes())
    (tmp_path / assignments.CONFIG).write_text('default = "other"\n')
    monkeypatch.setenv("AUTOGRADER_ASSIGNMENTS", str(tmp_path))
    assert assignments.default_name() == "other" and assignments.load().questions == assignments.load_file(tmp_path / "other" / assignments.RUBRIC).questions


def test_without_a_config_the_only_assignment_is_the_default_and_several_need_a_name(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOGRADER_ASSIGNMENTS", str(tmp_path))
    for name in ("only", "second"):
        (tmp_path / name).mkdir()
        (tmp_path / name / assignments.RUBRIC).write_bytes(b"")  # only its presence counts here
        if name == "only":
            assert assignments.default_name() == "only"
    with pytest.raises(FileNotFoundError, match="no config.toml naming the default assignment, and 2 assignments"):
        assignments.default_name()
