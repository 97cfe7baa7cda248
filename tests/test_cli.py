"""The command line end to end, on real files: grade, check, demo, exit codes, reuse, atomic outputs."""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from autograder.report.results import GradescopeResults
from conftest import ROOT, SOLUTION, cli, load_json

EXAMPLES = ROOT / "examples"


def _class(tmp_path: Path) -> Path:
    sub = tmp_path / "class"
    sub.mkdir()
    shutil.copy(SOLUTION, sub / "alice.py")
    shutil.copy(EXAMPLES / "partly_wrong.py", sub / "bob.py")
    shutil.copy(EXAMPLES / "broken.py", sub / "carol.py")
    (sub / "dave.ipynb").write_text("{this is not a notebook")
    return sub


def test_grade_folder_writes_gradescope_results_and_gradebook(tmp_path):
    sub = _class(tmp_path)
    out = tmp_path / "grades"
    r = cli("grade", str(sub), "--out", str(out), "--jobs", "2")
    assert r.returncode == 0, r.stderr
    assert "isolation:" in r.stderr
    scores = {}
    for stem in ("alice", "bob", "carol", "dave"):
        data = load_json(out / f"{stem}.json")
        res = GradescopeResults.model_validate(data)
        assert {"score", "max_score", "tests"} <= set(data)
        assert all({"name", "score", "max_score", "output", "visibility"} <= set(t) for t in data["tests"])
        assert all(t["name"].split(":")[0] in {"q1a", "q1b", "q1c", "q2", "q3a", "q3b"} for t in data["tests"])
        scores[stem] = res.score
    assert scores == {"alice": 42, "bob": 31, "carol": 0, "dave": 0}
    rows = {r["submission"]: r for r in csv.DictReader((out / "gradebook.csv").open())}
    assert list(rows["bob"])[:8] == ["submission", "file", "q1a", "q1b", "q1c", "q2", "q3a", "q3b"]
    assert (rows["bob"]["q1b"], rows["bob"]["q2"], rows["bob"]["score"]) == ("4", "4", "31")
    assert rows["dave"]["status"] == "load_error"
    dave = load_json(out / "dave.json")
    assert "not a valid notebook" in dave["output"]
    assert not list(out.glob(".*.tmp")), "no temp files are left behind"


def test_regrade_reuses_unchanged_submissions_unless_forced(tmp_path):
    sub = _class(tmp_path)
    out = tmp_path / "grades"
    assert cli("grade", str(sub), "--out", str(out)).returncode == 0
    (sub / "bob.py").write_text((ROOT / "solutions" / "sheet03.py").read_text())
    r = cli("grade", str(sub), "--out", str(out))
    assert r.returncode == 0
    assert r.stderr.count("(unchanged, reused)") == 3, r.stderr
    assert load_json(out / "bob.json")["score"] == 42
    r = cli("grade", str(sub), "--out", str(out), "--force")
    assert "reused" not in r.stderr


def test_grade_bad_arguments_exit_nonzero(tmp_path):
    r = cli("grade", str(tmp_path / "missing"), "--out", str(tmp_path / "g"))
    assert r.returncode != 0 and "no such file" in r.stderr
    r = cli("grade", str(SOLUTION), "--jobs", "0")
    assert r.returncode != 0


def test_check_reports_public_tests_with_exit_status(tmp_path):
    ok = cli("check", str(SOLUTION))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "11/11 public tests pass" in ok.stdout
    bad = cli("check", str(EXAMPLES / "partly_wrong.py"))
    assert bad.returncode == 1
    assert "received no gradient" in bad.stdout and ".sample()" in bad.stdout
    one = cli("check", str(EXAMPLES / "partly_wrong.py"), "--question", "q1a")
    assert one.returncode == 0 and "2/2 public tests pass" in one.stdout
    broken = cli("check", str(EXAMPLES / "broken.py"))
    assert broken.returncode == 1 and "line 8" in broken.stdout
    assert cli("check", str(tmp_path / "nope.py")).returncode == 2
    assert cli("check", str(SOLUTION), "--question", "q9").returncode == 2


def test_demo_prints_the_table(tmp_path):
    r = cli("demo", "--out", str(tmp_path / "demo"))
    assert r.returncode == 0, r.stderr
    for needle in ("sheet03", "partly_wrong", "broken", "42/42", "31/42", "0/42"):
        assert needle in r.stdout


def test_sharded_runs_merge_into_the_unsharded_gradebook(tmp_path):
    sub = _class(tmp_path)
    whole, merged = tmp_path / "whole", tmp_path / "merged"
    assert cli("grade", str(sub), "--out", str(whole), "--jobs", "2").returncode == 0
    parts = []
    for k in (1, 2, 3):
        part = tmp_path / f"shard{k}"
        r = cli("grade", str(sub), "--out", str(part), "--shard", f"{k}/3")
        assert r.returncode == 0, r.stderr
        parts.append(part)
    assert sum(len(list(p.glob("*.json"))) for p in parts) == 4
    r = cli("merge", str(merged), *map(str, parts))
    assert r.returncode == 0, r.stderr
    assert (merged / "gradebook.csv").read_text() == (whole / "gradebook.csv").read_text()
    assert cli("grade", str(sub), "--shard", "4/3").returncode == 2
    assert cli("merge", str(merged), str(parts[0]), str(parts[0])).returncode == 2


def test_limits_from_the_command_line(tmp_path):
    sub = tmp_path / "class"
    sub.mkdir()
    (sub / "slow.py").write_text(SOLUTION.read_text().replace(
        "def optimal_discriminator(p_star, p_theta):", "def optimal_discriminator(p_star, p_theta):\n    import time; time.sleep(8)"))
    out = tmp_path / "grades"
    r = cli("grade", str(sub), "--out", str(out), "--question-timeout", "3")
    assert r.returncode == 0, r.stderr
    res = load_json(out / "slow.json")
    q3a = [t for t in res["tests"] if t["name"].startswith("q3a") and t["max_score"] > 0]
    assert all(t["score"] == 0 and "3 s" in t["output"] for t in q3a), q3a
    assert res["score"] == 42 - 5
    again = cli("grade", str(sub), "--out", str(out), "--question-timeout", "3")
    assert "(unchanged, reused)" in again.stderr
    other = cli("grade", str(sub), "--out", str(out), "--question-timeout", "4")
    assert "reused" not in other.stderr, "a result observed under other limits is not reused"
    assert cli("grade", str(sub), "--memory-mb", "10").returncode == 2


FORGED = "\x1b[2J\x1b[H\r\u2713 q1a: forward 8/8\n\u2713 11/11 public tests pass\x1b]0;pwned\x07\u202e"


def _no_controls(text: str) -> None:
    """Nothing a terminal would act on: no ESC, CR, BEL, C1 control or bidi override."""
    bad = {c for c in text if (ord(c) < 32 and c not in "\n\t") or 0x7f <= ord(c) <= 0x9f or c == "\u202e"}
    assert not bad, sorted(map(hex, map(ord, bad)))


def test_check_shows_a_submissions_control_characters_escaped_and_indented(tmp_path):
    at_import = tmp_path / "at_import.py"
    at_import.write_text(SOLUTION.read_text() + f"\nraise RuntimeError({FORGED!r})\n")
    in_forward = tmp_path / "in_forward.py"
    in_forward.write_text(SOLUTION.read_text() + f"\n\ndef _forged(self, x):\n    raise ValueError({FORGED!r})\n\n\nModel1.forward = _forged\n")
    named = tmp_path / "evil\x1b[2J.ipynb"
    named.write_text("{not json")
    for path in (at_import, in_forward, named):
        r = cli("check", str(path))
        assert r.returncode == 1, r.stdout + r.stderr
        _no_controls(r.stdout + r.stderr)
        lines = r.stdout.splitlines()
        assert not any(line.startswith("\u2713 q1a: forward") for line in lines), r.stdout  # no forged ✓ at the margin
        if path is not named:
            assert any(line.startswith("    \u2713 11/11 public tests pass") for line in lines), r.stdout
            assert "\\x1b[2J" in r.stdout and "\\r" in r.stdout and "\\u202e" in r.stdout
        else:
            assert "evil\\x1b[2J.ipynb is not a valid notebook" in r.stdout


def test_grade_escapes_file_names_neutralises_formulas_and_refuses_links_out(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    sub = tmp_path / "class"
    sub.mkdir()
    shutil.copy(SOLUTION, sub / "=1+2\x1b[2J[red].py")
    (sub / "mallory.py").symlink_to(SOLUTION)  # root would read the reference solution
    out = tmp_path / "grades"
    r = cli("grade", str(sub), "--out", str(out))
    assert r.returncode == 0, r.stderr
    _no_controls(r.stdout + r.stderr)
    assert "=1+2\\x1b[2J[red]" in r.stdout  # shown, escaped, never read as markup
    assert "mallory.py: a symbolic link to" in r.stderr and "skipped" in r.stderr
    assert not (out / "mallory.json").exists()
    rows = list(csv.DictReader((out / "gradebook.csv").open()))
    assert [row["submission"] for row in rows] == ["'=1+2\x1b[2J[red]"]
    assert float(rows[0]["score"]) == 42 and float(rows[0]["q1a"]) == 8  # numbers stay numbers
    lms = tmp_path / "lms.csv"
    assert cli("export", str(out), "--lms-csv", str(lms)).returncode == 0
    (row,) = csv.DictReader(lms.open())
    assert row["student_id"].startswith("'=1+2") and row["total"] == "42"


def test_progress_names_the_files_in_progress_not_the_one_that_finished(monkeypatch, tmp_path):
    from autograder import api
    from autograder import cli as command

    printer = command._ProgressPrinter()
    done = api.Graded(path=Path("quick.py"), stem="quick", results=GradescopeResults(score=1, max_score=1, tests=[]))
    printer.started(Path("hangs\x1b[2J[bold].py"))
    printer.started(Path("quick.py"))
    assert printer.description() == "grading hangs\\x1b[2J\\[bold].py, quick.py"  # [2J is no markup tag: rich prints it as it is
    printer.finished(done, 1, 2)
    assert printer.description() == "grading hangs\\x1b[2J\\[bold].py"  # rich markup escaped as well

    events: list[tuple[str, str]] = []
    sub = tmp_path / "class"
    sub.mkdir()
    for name in ("a.py", "b.py", "c.py"):
        (sub / name).write_text("x = 1\n")
    api.grade_paths([sub], api.GradeOptions(out_dir=tmp_path / "grades", jobs=2, force=True),
                    on_progress=lambda g, n, total: events.append(("done", g.path.name)),
                    on_start=lambda p: events.append(("start", p.name)))
    for name in ("a.py", "b.py", "c.py"):
        assert events.index(("start", name)) < events.index(("done", name)), events


def test_rescore_table_says_when_the_maximum_changed(tmp_path):
    out = tmp_path / "grades"
    assert cli("grade", str(SOLUTION), "--out", str(out)).returncode == 0
    text = (ROOT / "assignments" / "sheet03" / "assignment.toml").read_text()
    rubric = tmp_path / "rubric.toml"
    rubric.write_text(text.replace("points = 2\n", "points = 3\n"))
    r = cli("rescore", str(out), "--rubric", str(rubric))
    assert r.returncode == 0, r.stderr
    new_max = load_json(out / "sheet03.json")["max_score"]
    assert new_max > 42
    assert f"maximum 42 -> {new_max:g}" in r.stdout and f"42/42" in r.stdout and f"{new_max:g}/{new_max:g}" in r.stdout
    assert "the maximum changed (42 -> " in r.stderr
    same = cli("rescore", str(out), "--rubric", str(rubric))
    assert "maximum" not in same.stdout + same.stderr


def test_millions_of_blank_lines_in_an_honest_file_grade_normally(tmp_path):
    """5.2 M blank lines under the size cap: no per-line labels for a .py file, none for a cell's trailing blank lines."""
    sub = tmp_path / "class"
    sub.mkdir()
    lines = SOLUTION.read_text().splitlines(keepends=True)
    (sub / "blank_py.py").write_text("".join(lines[:5]) + "\n" * 5_200_000 + "".join(lines[5:]))
    nb = load_json(ROOT / "tests" / "corpus" / "correct" / "nb_plain_softplus.ipynb")
    cell = next(c for c in nb["cells"] if c["cell_type"] == "code")
    cell["source"] = "".join(cell["source"]) + "\n" * 5_200_000
    (sub / "blank_nb.ipynb").write_text(json.dumps(nb))
    out = tmp_path / "grades"
    r = cli("grade", str(sub), "--out", str(out), "--jobs", "2")
    assert r.returncode == 0, r.stderr
    assert {p.stem: load_json(p)["score"] for p in out.glob("*.json")} == {"blank_py": 42, "blank_nb": 42}


def notebook(path: Path, sources: list[str]) -> None:
    """A notebook of these code cells after a title cell."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Sheet 03")] + [nbformat.v4.new_code_cell(s) for s in sources]
    nbformat.write(nb, path)


def test_notebooks_in_ipython_syntax_keep_full_marks_and_their_cell_labels(tmp_path):
    sub = tmp_path / "class"
    sub.mkdir()
    magics = ["%matplotlib inline\nimport torch\ntorch.randn?\n!pip install torch",
              "%%time\n" + SOLUTION.read_text(),
              "%%writefile notes.py\nraise SystemExit('a %%writefile body is not run')",
              "files = !ls\n%time t = torch.randn(3)\nModel1??\n%timeit -n 1 optimal_discriminator(0.5, 0.5)"]
    notebook(sub / "honest.ipynb", magics)
    notebook(sub / "broken.ipynb", magics + ["x = 1\n%time y = undefined_name"])
    out = tmp_path / "grades"
    r = cli("grade", str(sub), "--out", str(out), "--jobs", "2")
    assert r.returncode == 0, r.stderr
    assert load_json(out / "honest.json")["score"] == 42
    broken = load_json(out / "broken.json")  # a last cell that raises: reported at its label, costs nothing more
    assert broken["score"] == 42 and "cell 6, line 2: NameError" in broken["output"], broken["output"]


def test_a_module_the_environment_may_lack_is_named_to_the_instructor_and_never_reused(tmp_path):
    """matplotlib missing here is not the student's fault: the batch names it, and the next grade runs the file again."""
    sub = tmp_path / "class"
    sub.mkdir()
    shutil.copy(SOLUTION, sub / "alice.py")
    (sub / "bob.py").write_text("import course_plotting_pkg.pyplot as plt\n" + SOLUTION.read_text())
    # a notebook runs on past the cell that lacks it (the progress bar's), so it scores, but the gap is named too:
    # in the course's environment the cells after it may have needed it
    notebook(sub / "carol.ipynb", ["from course_progress_pkg import tqdm", SOLUTION.read_text()])
    out = tmp_path / "grades"
    r = cli("grade", str(sub), "--out", str(out))
    assert r.returncode == 0, r.stderr
    bob = GradescopeResults.model_validate(load_json(out / "bob.json"))
    assert (bob.score, bob.extra_data["status"], bob.extra_data["missing_module"]) == (0, "load_error", "course_plotting_pkg")
    carol = GradescopeResults.model_validate(load_json(out / "carol.json"))
    assert (carol.score, carol.extra_data["status"], carol.extra_data["missing_module"]) == (42, "ok", "course_progress_pkg")
    assert "missing_module" not in load_json(out / "alice.json")["extra_data"]
    note = " ".join(r.stderr.split())
    assert "2 submission(s) could not import a module: course_plotting_pkg (1), course_progress_pkg (1)" in note, note
    assert "install it" in note
    again = cli("grade", str(sub), "--out", str(out))
    assert "alice: 42/42 (unchanged, reused)" in again.stderr
    assert "bob: 0/42" in again.stderr and "bob: 0/42 (unchanged" not in again.stderr
    assert "carol: 42/42" in again.stderr and "carol: 42/42 (unchanged" not in again.stderr
