"""Assignments fail closed when they load: unknown checks and bad arguments are named with file and test."""
from __future__ import annotations

import shutil

import pytest

from autograder import api
from autograder import assignment as assignments
from autograder.report.status import Status, status_of
from autograder.report.results import StoredObservations
from conftest import ROOT, cli

RUBRIC = ROOT / "assignments" / "sheet03" / "assignment.toml"
FORWARD = 'check = "forward_shape"\nargs = { model = "Model1" }'


def _edited(tmp_path, old: str, new: str):
    text = RUBRIC.read_text()
    assert text.count(old) == 1
    path = tmp_path / "bad.toml"
    path.write_text(text.replace(old, new))
    return path


def test_a_misspelled_check_fails_at_load_naming_file_test_and_name(tmp_path):
    bad = _edited(tmp_path, FORWARD, 'check = "forward_shpe"\nargs = { model = "Model1" }')
    with pytest.raises(assignments.AssignmentError) as err:
        assignments.load_file(bad)
    said = str(err.value)
    assert str(bad) in said and "test q1a.forward" in said and "unknown check 'forward_shpe'" in said
    assert "forward_shape" in said  # the known names, so the author sees the right one


@pytest.mark.parametrize("args, words", [
    ('{ modle = "Model1" }', ["modle: unknown argument", "model: field required"]),
    ('{ model = 3 }', ["model: input should be a valid string"]),
])
def test_arguments_are_validated_against_the_checks_signature(tmp_path, args, words):
    bad = _edited(tmp_path, FORWARD, f'check = "forward_shape"\nargs = {args}')
    with pytest.raises(assignments.AssignmentError) as err:
        assignments.load_file(bad)
    assert all(w in str(err.value) for w in words) and "test q1a.forward" in str(err.value)


def test_grade_with_a_misspelled_check_stops_before_grading(tmp_path):
    bad = _edited(tmp_path, FORWARD, 'check = "forward_shpe"\nargs = { model = "Model1" }')
    r = cli("grade", str(ROOT / "examples" / "broken.py"), "--out", str(tmp_path / "g"), "--rubric", str(bad))
    assert r.returncode == 2 and "forward_shpe" in r.stderr and not (tmp_path / "g" / "broken.json").exists()


def test_every_assignment_of_the_project_loads():
    for folder in sorted((ROOT / "assignments").iterdir()):
        if (folder / "assignment.toml").is_file():
            assert assignments.load(folder.name).check_errors() == []


def test_the_student_package_has_the_public_part_only(tmp_path, monkeypatch):
    (tmp_path / "sheet03").mkdir()
    shutil.copy(ROOT / "assignments" / "sheet03" / "public.json", tmp_path / "sheet03")
    monkeypatch.setenv("AUTOGRADER_ASSIGNMENTS", str(tmp_path))
    public = assignments.load_public("sheet03")
    assert public.tests and all(t.visibility == "public" for t in public.tests)
    with pytest.raises(FileNotFoundError, match="only the public part"):
        assignments.load("sheet03")
    tests, _ = api.check(ROOT / "solutions" / "sheet03.py", assignment="sheet03", question="q3a")  # what a student runs
    assert [(t.key, t.score) for t in tests] == [("q3a.values", 2), ("q3a.floats", 1)]


def test_judge_records_the_status_as_a_typed_field():
    a = assignments.load("sheet03")
    failed = StoredObservations(submission="x.py", sha256=None, assignment="sheet03", probe_fingerprint="p",
                                load_failure="not valid UTF-8")
    _, res = api.judge(a, failed)
    assert res.extra_data["status"] == "load_error" and status_of(res) is Status.LOAD_ERROR
    assert api.row("x", "x.py", res, a).status == "load_error"
    ours = failed.model_copy(update={"load_failure": None, "grader_error": "Traceback ..."})
    assert status_of(api.judge(a, ours)[1]) is Status.GRADER_ERROR
    # the words do not decide it: a results file whose summary reads like a load failure but records ok
    res.extra_data["status"] = "ok"
    assert api.row("x", "x.py", res, a).status == "ok"
