"""Rescoring from stored observations: equal to a full regrade, no student code run, bad files named."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from autograder import api
from autograder.sandbox import runner
from conftest import CORPUS, ROOT, SOLUTION, cli, load_json

CLASS = [SOLUTION, ROOT / "examples" / "partly_wrong.py", ROOT / "examples" / "broken.py",
         CORPUS / "wrong" / "model2_torch_normal.py", CORPUS / "wrong" / "problem2_variance_as_std.py",
         CORPUS / "correct" / "nb_plain_softplus.ipynb"]
VOLATILE = {"graded_at", "produced_by", "observations_sha256"}


def _class(tmp_path: Path) -> Path:
    sub = tmp_path / "class"
    sub.mkdir()
    for p in CLASS:
        shutil.copy(p, sub / p.name)
    return sub


def _new_rubric(tmp_path: Path) -> Path:
    """Points changed, a tolerance tightened and a check's threshold loosened: observations suffice."""
    text = (ROOT / "assignments" / "sheet03" / "assignment.toml").read_text()
    text = text.replace("points = 2\n", "points = 3\n").replace("alpha = 1e-7", "alpha = 1e-8")
    path = tmp_path / "rubric.toml"
    path.write_text(text)
    return path


def _comparable(path: Path) -> dict:
    data = load_json(path)
    prov = data["extra_data"]["provenance"]
    data["extra_data"] = {"provenance": {k: v for k, v in prov.items() if k not in VOLATILE}}
    return data


def test_rescore_equals_full_regrade_under_new_rubric(tmp_path, monkeypatch):
    sub = _class(tmp_path)
    rescored, regraded = tmp_path / "rescored", tmp_path / "regraded"
    assert cli("grade", str(sub), "--out", str(rescored), "--jobs", "2").returncode == 0
    rubric = _new_rubric(tmp_path)
    before = {p.stem: load_json(p)["score"] for p in rescored.glob("*.json")}

    def no_sandbox(*args, **kwargs):
        raise AssertionError("rescore started a sandbox worker")

    monkeypatch.setattr(runner.Worker, "start", no_sandbox)
    items = api.rescore(rescored, rubric_file=rubric)
    monkeypatch.undo()
    assert {i.status for i in items} == {"rescored"}
    assert {i.stem: i.old_score for i in items} == before
    assert any(i.new_score != i.old_score for i in items)

    # a full regrade under the new rubric: same results, same gradebook
    monkeypatch.setenv("AUTOGRADER_ASSIGNMENTS", str(tmp_path / "assignments"))
    (tmp_path / "assignments" / "sheet03").mkdir(parents=True)
    shutil.copy(rubric, tmp_path / "assignments" / "sheet03" / "assignment.toml")
    batch = api.grade_paths([sub], api.GradeOptions(out_dir=regraded, jobs=2, force=True))
    assert len(batch.graded) == len(CLASS)
    for p in sorted(regraded.glob("*.json")):
        assert _comparable(rescored / p.name) == _comparable(p), p.name
    assert (rescored / "gradebook.csv").read_text() == (regraded / "gradebook.csv").read_text()
    res = load_json(rescored / "partly_wrong.json")
    assert res["extra_data"]["provenance"]["produced_by"] == "rescore"
    assert res["extra_data"]["rescore"]["previous_score"] == before["partly_wrong"]


def test_rescore_runs_no_student_code(tmp_path, monkeypatch):
    """Every way to run code in another process is shut; a rescore still completes.

    (A submission cannot leave a trace outside its private directory to count its runs: the
    sandbox forbids writes elsewhere at every isolation level, see tests/test_isolation_*.)
    """
    out = tmp_path / "grades"
    assert cli("grade", str(_class(tmp_path)), "--out", str(out), "--jobs", "2").returncode == 0

    def forbidden(*args, **kwargs):
        raise AssertionError("rescore tried to start a process")

    for target, name in ((runner.Worker, "start"), (runner.Worker, "run"), (subprocess, "Popen"), (os, "fork"),
                         (os, "posix_spawn"), (os, "execv"), (os, "execve")):
        monkeypatch.setattr(target, name, forbidden)
    items = api.rescore(out, rubric_file=_new_rubric(tmp_path))
    assert len(items) == len(CLASS) and {i.status for i in items} == {"rescored"}


def test_bad_observations_cost_only_their_submission(tmp_path):
    sub = _class(tmp_path)
    out = tmp_path / "grades"
    assert cli("grade", str(sub), "--out", str(out)).returncode == 0
    obs = out / "observations"
    (obs / "broken.json").unlink()
    text = (obs / "partly_wrong.json").read_text()
    (obs / "partly_wrong.json").write_text(text[: len(text) // 2])
    data = json.loads((obs / "model2_torch_normal.json").read_text())
    data["run"]["records"]["q1b"]["seconds"] = 123.0  # edited by hand, still valid
    (obs / "model2_torch_normal.json").write_text(json.dumps(data))
    r = cli("rescore", str(out))
    assert r.returncode == 1
    items = {i.stem: i for i in api.rescore(out)}
    assert items["broken"].status == items["partly_wrong"].status == items["model2_torch_normal"].status == "invalid"
    assert "no stored observations" in items["broken"].message
    assert "truncated or malformed" in items["partly_wrong"].message
    assert "changed after grading" in items["model2_torch_normal"].message
    assert all("--force" in items[s].message for s in ("broken", "partly_wrong", "model2_torch_normal"))
    assert items["sheet03"].status == "rescored" and items["sheet03"].new_score == 42
    assert "broken" in (out / "gradebook.csv").read_text()  # old results kept, listed


def test_probe_change_needs_rerun_and_never_keeps_a_stale_score_silently(tmp_path):
    sub = _class(tmp_path)
    out = tmp_path / "grades"
    assert cli("grade", str(sub), "--out", str(out)).returncode == 0
    rubric = tmp_path / "rubric.toml"
    rubric.write_text((ROOT / "assignments" / "sheet03" / "assignment.toml").read_text().replace("seed = 20261125", "seed = 7"))
    items = api.rescore(out, rubric_file=rubric)
    assert {i.status for i in items} == {"stale"}
    assert all("--rerun" in i.message for i in items)
    items = api.rescore(out, rubric_file=rubric, rerun=True)
    assert {i.status for i in items} == {"rerun"}
    assert {i.stem: i.new_score for i in items}["sheet03"] == 42
    assert load_json(out / "observations" / "sheet03.json")["probe_fingerprint"] != ""


def test_rescore_of_a_folder_that_was_never_graded(tmp_path):
    r = cli("rescore", str(tmp_path))
    assert r.returncode == 2 and "grade it first" in r.stderr


def test_parallel_rescore_equals_serial(tmp_path):
    out = tmp_path / "grades"
    assert cli("grade", str(_class(tmp_path)), "--out", str(out), "--jobs", "2").returncode == 0
    for p in list(out.glob("*.json")):  # a class of 72: past the size where rescore forks
        for i in range(11):
            shutil.copy(p, out / f"{p.stem}_{i}.json")
            shutil.copy(out / "observations" / p.name, out / "observations" / f"{p.stem}_{i}.json")
    rubric = _new_rubric(tmp_path)
    serial = api.rescore(out, rubric_file=rubric, processes=1)
    book = (out / "gradebook.csv").read_text()
    parallel = api.rescore(out, rubric_file=rubric, processes=2)
    assert len(parallel) == 72
    assert [(i.stem, i.status, i.new_score) for i in parallel] == [(i.stem, i.status, i.new_score) for i in serial]
    assert (out / "gradebook.csv").read_text() == book
