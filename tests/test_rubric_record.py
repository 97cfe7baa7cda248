"""A grades folder records the rubric its results were scored with; `grade` never silently undoes a rescore."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from autograder import api
from autograder import assignment as assignments
from autograder.sandbox import runner
from conftest import ROOT, SOLUTION, cli, load_json

DEFAULT = ROOT / "assignments" / "sheet03" / "assignment.toml"
PARTLY = ROOT / "examples" / "partly_wrong.py"


def _rescored_folder(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A class of two graded, then rescored with edited points: (class folder, grades folder, new rubric)."""
    sub = tmp_path / "class"
    sub.mkdir()
    for p in (SOLUTION, PARTLY):
        shutil.copy(p, sub / p.name)
    out = tmp_path / "grades"
    assert cli("grade", str(sub), "--out", str(out)).returncode == 0
    rubric = tmp_path / "edited.toml"
    rubric.write_text(DEFAULT.read_text().replace("points = 2\n", "points = 3\n"))
    assert {i.status for i in api.rescore(out, rubric_file=rubric)} == {"rescored"}
    return sub, out, rubric


def test_grade_records_the_rubric_file_and_hash(tmp_path):
    out = tmp_path / "grades"
    assert cli("grade", str(SOLUTION), "--out", str(out)).returncode == 0
    record = json.loads((out / "rubric" / "record.json").read_text())
    assert record["source"] == str(DEFAULT) and record["rubric_hash"] == assignments.load("sheet03").rubric_hash
    assert (out / "rubric" / record["copy_name"]).read_bytes() == DEFAULT.read_bytes()
    assert record["sha256"] == __import__("hashlib").sha256(DEFAULT.read_bytes()).hexdigest()
    assert sorted(p.name for p in out.glob("*.json")) == ["sheet03.json"]  # the record is no results file


@pytest.mark.slow
def test_grade_after_rescore_refuses_naming_both_rubrics_then_uses_the_one_named(tmp_path, monkeypatch):
    sub, out, rubric = _rescored_folder(tmp_path)
    edited = assignments.load_file(rubric)
    rescored = {p.stem: load_json(p)["score"] for p in out.glob("*.json")}
    assert rescored["sheet03"] == edited.max_score() > assignments.load("sheet03").max_score()
    shutil.copy(ROOT / "examples" / "broken.py", sub / "late.py")

    r = cli("grade", str(sub), "--out", str(out))  # a late submission, the default rubric implied
    assert r.returncode == 2
    said = "".join(r.stderr.split())  # rich wraps long paths
    assert str(out / "rubric" / "assignment.toml") in said and str(DEFAULT) in said and "--rubric" in said
    assert {p.stem: load_json(p)["score"] for p in out.glob("*.json")} == rescored  # nothing touched
    assert not (out / "late.json").exists()

    r = cli("grade", str(sub), "--out", str(out), "--rubric", str(out / "rubric" / "assignment.toml"))
    assert r.returncode == 0, r.stderr
    after = {p.stem: load_json(p) for p in out.glob("*.json")}
    assert {s: after[s]["score"] for s in rescored} == rescored  # the rescore stands
    assert {a["extra_data"]["provenance"]["rubric_hash"] for a in after.values()} == {edited.rubric_hash}
    assert after["late"]["max_score"] == edited.max_score()
    assert json.loads((out / "rubric" / "record.json").read_text())["source"] == str(rubric)

    # rescore without --rubric keeps the folder's rubric too
    assert {i.new_score for i in api.rescore(out) if i.stem == "sheet03"} == {edited.max_score()}

    # going back to the default rubric, named: rescored from the stored observations, no student code runs
    def no_sandbox(*args, **kwargs):
        raise AssertionError("a sandbox worker started")

    monkeypatch.setattr(runner.Worker, "start", no_sandbox)
    batch = api.grade_paths([sub], api.GradeOptions(out_dir=out, rubric=DEFAULT))
    assert {g.stem: g.results.score for g in batch.graded}["sheet03"] == assignments.load("sheet03").max_score()
    assert all(g.results.provenance().produced_by == "rescore" for g in batch.graded)
    assert json.loads((out / "rubric" / "record.json").read_text())["rubric_hash"] == assignments.load("sheet03").rubric_hash


def test_grade_into_an_unrecorded_folder_and_mismatched_shards(tmp_path):
    a = assignments.load("sheet03")
    left, right = tmp_path / "1", tmp_path / "2"
    api.record_rubric(left, DEFAULT, a)
    edited = tmp_path / "edited.toml"
    edited.write_text(DEFAULT.read_text().replace("points = 2\n", "points = 3\n"))
    api.record_rubric(right, edited, assignments.load_file(edited))
    for d in (left, right):
        (d / api.OBSERVATIONS).mkdir()
    with pytest.raises(api.RubricMismatch, match="different rubrics"):
        api.merge(tmp_path / "merged", [left, right])
    with pytest.raises(api.RubricMismatch, match="--rubric"):
        api.rubric_for(right, "sheet03", None)
    assert api.rubric_for(right, "sheet03", edited)[0].rubric_hash == assignments.load_file(edited).rubric_hash
    assert api.rubric_for(tmp_path / "new", "sheet03", None)[1] == DEFAULT
