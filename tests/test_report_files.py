"""`autograder report` and `autograder export` on a known class written to disk: the files, their numbers, escaping."""
from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from autograder.cli import app
from autograder.report.export import RosterError, lms_csv, read_roster
from autograder.report.results import write_json

from test_report_instructor import known_class, results

EVIL = "<script>alert('x')</script> & <img src=x onerror=alert(1)>"
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def grades(tmp_path_factory) -> Path:
    """The known class as a grades folder, plus one submission whose output and name carry markup."""
    out = tmp_path_factory.mktemp("class") / "grades"
    for sub in known_class():
        write_json(out / f"{sub.stem}.json", sub.results)
    write_json(out / "<b>mallory.json", results({"qa.one": (0, "failed", EVIL)}, output=EVIL))
    (out / "gradebook.csv").write_text("not,json\n")
    (out / "broken.json").write_text("{\"score\": ")
    return out


def run(*args: str):
    return CliRunner().invoke(app, [*map(str, args)], catch_exceptions=False)


@pytest.fixture(scope="module")
def published(grades: Path, tmp_path_factory):
    """`autograder report GRADES --out REP` once for the tests that read it: (folder, command result)."""
    out = tmp_path_factory.mktemp("rep") / "rep"
    return out, run("report", grades, "--out", out)


def test_report_writes_every_file_with_the_right_numbers(published):
    out, r = published
    assert r.exit_code == 0, r.output
    assert (out / "index.html").is_file() and (out / "summary.json").is_file()
    for png in ("histogram.png", "questions.png"):
        assert (out / png).read_bytes().startswith(PNG)
    pages = sorted(p.name for p in (out / "students").iterdir())
    assert pages == sorted(["alice.html", "bob.html", "carol.html", "dave.html", "erin.html", "<b>mallory.html"])
    s = json.loads((out / "summary.json").read_text())
    # mallory adds qa 2/3, qb 2/2: qa scores 3,2,0,3,0,2 and qb 2,0,2,0,0,2
    assert s["submissions"] == 6 and s["max_total"] == 5
    assert s["mean_total"] == pytest.approx(16 / 6) and s["median_total"] == 2.5
    q = {x["question"]: x for x in s["questions"]}
    assert (q["qa"]["mean"], q["qa"]["median"], q["qa"]["passed"], q["qa"]["pass_rate"]) == (pytest.approx(10 / 6), 2, 2, pytest.approx(2 / 6))
    assert (q["qb"]["mean"], q["qb"]["median"], q["qb"]["passed"], q["qb"]["pass_rate"]) == (pytest.approx(1), 1, 3, 0.5)
    assert [(f["message"], f["count"]) for f in s["failures"]["qb"]][0] == ("your code raised ValueError in forward (line #): bad", 2)
    assert s["changes"]["changed"] == [{"submission": "dave", "before": 1.0, "after": 3.0, "questions": {}}]
    assert s["problems"] == ["broken.json: not a results file (ValidationError)"]
    assert "skipped" in r.output


def test_class_page_is_self_contained_and_escaped(published):
    page = (published[0] / "index.html").read_text()
    assert page.count('src="data:image/png;base64,') == 2
    assert not re.search(r'src="(?!data:)', page) and "<link" not in page  # nothing to fetch
    assert "<script" not in page and "<img src=x" not in page and "&lt;script&gt;" in page
    assert 'href="students/%3Cb%3Emallory.html"' in page and "&lt;b&gt;mallory" in page
    assert re.search(r"<h3>Could not be loaded</h3>.*<td>erin</td><td><pre>The submission could not be imported", page, re.S)
    assert re.search(r"<td>qa</td><td class=\"num\">3</td><td class=\"num\">1.67</td>\s*<td class=\"num\">2</td><td class=\"num\">33%</td>", page)


def test_student_pages_follow_the_reveal_stage(grades: Path, published, tmp_path: Path):
    bob = (published[0] / "students" / "bob.html").read_text()
    assert "qa.two" in bob and "qb.one" in bob and "2 / 5" in bob and "withheld" not in bob
    run("report", grades, "--out", tmp_path / "sub", "--reveal", "submission")
    bob = (tmp_path / "sub" / "students" / "bob.html").read_text()
    assert "qa.one" in bob and "qa.two" not in bob and "qb.one" not in bob
    assert "2 further tests (4 points)" in bob and "0 / 1" in bob
    mallory = (tmp_path / "sub" / "students" / "<b>mallory.html").read_text()
    assert "<script" not in mallory and mallory.count("&lt;script&gt;") == 2  # the test output and the summary
    dave = (published[0] / "students" / "dave.html").read_text()
    assert "the total was 1 and is now 3" in dave


def test_report_compare_shows_per_question_changes(grades: Path, tmp_path: Path):
    old = tmp_path / "old"
    write_json(old / "bob.json", results({"qa.one": (0, "failed", "x")}))
    r = run("report", grades, "--out", tmp_path / "rep", "--compare", old)
    assert r.exit_code == 0, r.output
    changes = json.loads((tmp_path / "rep" / "summary.json").read_text())["changes"]
    assert changes["changed"] == [{"submission": "bob", "before": 4.0, "after": 2.0, "questions": {"qb": [2.0, 0.0]}}]
    assert "qb: 2 → 0" in (tmp_path / "rep" / "index.html").read_text()


def test_report_and_export_refuse_bad_folders(tmp_path: Path):
    assert run("report", tmp_path / "nope").exit_code == 2
    (tmp_path / "empty").mkdir()
    assert run("report", tmp_path / "empty").exit_code == 2
    assert run("export", tmp_path / "empty", "--lms-csv", tmp_path / "x.csv").exit_code == 2
    assert run("report", tmp_path / "empty", "--reveal", "tomorrow").exit_code == 2


def test_export_lms_csv_by_file_stem(grades: Path, tmp_path: Path):
    r = run("export", grades, "--lms-csv", tmp_path / "lms.csv")
    assert r.exit_code == 0, r.output
    rows = list(csv.reader((tmp_path / "lms.csv").open()))
    assert rows[0] == ["student_id", "total", "qa", "qb"]
    assert rows[1:] == [["<b>mallory", "4", "2", "2"], ["alice", "5", "3", "2"], ["bob", "2", "2", "0"], ["carol", "2", "0", "2"],
                        ["dave", "3", "3", "0"], ["erin", "0", "0", "0"]]


def test_export_with_roster(grades: Path, tmp_path: Path):
    roster = tmp_path / "roster.csv"
    roster.write_text("name,submission,student_id\nA,alice,s1\nB,bob,s2\nC,carol,=cmd()\nD,dave,s4\nE,erin,s5\nM,<b>mallory,s6\nZ,zoe,s7\n")
    r = run("export", grades, "--lms-csv", tmp_path / "lms.csv", "--roster", roster)
    assert r.exit_code == 0, r.output
    rows = list(csv.reader((tmp_path / "lms.csv").open()))
    assert rows[1:] == [["'=cmd()", "2", "0", "2"], ["s1", "5", "3", "2"], ["s2", "2", "2", "0"], ["s4", "3", "3", "0"],
                        ["s5", "0", "0", "0"], ["s6", "4", "2", "2"], ["s7", "", "", ""]]
    assert "s7" in r.output  # told about the roster student without a submission


def test_roster_must_cover_every_submission(tmp_path: Path):
    subs = known_class()
    with pytest.raises(RosterError, match="not in the roster: erin"):
        lms_csv(subs, {s.stem: s.stem for s in subs[:4]})
    with pytest.raises(RosterError, match="more than one graded submission maps to the student id"):
        lms_csv(subs, {s.stem: "same" for s in subs})
    bad = tmp_path / "r.csv"
    bad.write_text("stem,id\nalice,1\n")
    with pytest.raises(RosterError, match="needs the columns submission and student_id"):
        read_roster(bad)
    bad.write_text("submission,student_id\nalice,1\nalice,2\n")
    with pytest.raises(RosterError, match="line 3: submission 'alice' is listed twice"):
        read_roster(bad)
