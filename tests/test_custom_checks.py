"""An assignment adds a check kind of its own in `checks.py`, without an engine edit (`autograder.checks.custom`).

The throwaway assignment (`custom_assignment`: sheet 04 plus `step_bounded`, used by a public and a
hidden test) is graded with exact verdicts; bad checks files are refused at load time with the file,
the test and the cause; a changed checks.py is never reused at rescore; and the kind travels to
wherever checks run (the grades folder's rubric record, the otter zip, the public part when a public
test uses it).
"""
from __future__ import annotations

import ast
import json
import pickle
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import custom_assignment as ca
from autograder import api
from autograder import assignment as assignments
from autograder.authoring import build_assignment
from autograder.authoring.build import sync
from autograder.checks.custom import PUBLIC_CHECKS, RUBRIC_CHECKS
from conftest import ROOT, by_key, cli, failing

CORPUS = ROOT / "tests" / "corpus_sheet04"
SOLUTION = ROOT / "solutions" / f"{ca.NAME}.py"
BLAME = "not in any submission"


@pytest.fixture
def root(tmp_path, monkeypatch) -> Path:
    """The assignments folder (AUTOGRADER_ASSIGNMENTS) holding the throwaway assignment."""
    folder = tmp_path / "assignments"
    ca.make(folder)
    monkeypatch.setenv("AUTOGRADER_ASSIGNMENTS", str(folder))
    return folder


@pytest.fixture(scope="module")
def custom(tmp_path_factory) -> assignments.Assignment:
    return assignments.load_file(ca.make(tmp_path_factory.mktemp("assignments")))


def _refusal(tmp_path: Path, **kw: str | None) -> str:
    rubric = ca.make(tmp_path / "assignments", **kw)
    with pytest.raises(assignments.AssignmentError) as info:
        assignments.load_file(rubric)
    message = str(info.value)
    assert str(rubric) in message
    return message


# ---- loading, validation, versions (no student code)

def test_the_kinds_are_loaded_with_a_version_that_is_the_file_hash(custom, tmp_path):
    assert set(custom.custom_kinds()) == {"step_bounded"}
    version = custom.check_versions["step_bounded"]
    assert version.startswith("file:") and version[5:] == custom.custom_checks.sha256[:16]
    assert {k: v for k, v in custom.check_versions.items() if k != "step_bounded"} == assignments.load(ca.NAME).check_versions
    edited = assignments.load_file(ca.make(tmp_path, checks=ca.CHECKS_PY + "# a comment\n"))
    assert edited.check_versions["step_bounded"] != version  # any edit of the file is a new version
    assert edited.rubric_hash != custom.rubric_hash  # and a new rubric: scores depend on it
    assert edited.tests == custom.tests


def test_an_assignment_with_its_kinds_survives_pickling(custom, tmp_path):
    again = pickle.loads(pickle.dumps(custom))  # Dask tasks and forked rescoring pass the assignment pickled
    assert again == custom and again.rubric_hash == custom.rubric_hash and again.custom_kinds() == custom.custom_kinds()
    # a fresh process (a remote Dask worker) gets the file's text with it, not a reference to a module it lacks
    (tmp_path / "a.pickle").write_bytes(pickle.dumps(custom))
    code = ("import pickle, sys; a = pickle.loads(open(sys.argv[1], 'rb').read()); "
            "print(sorted(a.custom_kinds()), a.check_versions['step_bounded'])")
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path / "a.pickle")], capture_output=True, text=True, timeout=300)
    assert proc.stdout.split() == ["['step_bounded']", custom.check_versions["step_bounded"]], proc.stderr[-2000:]


def test_an_unknown_kind_names_the_test_and_the_known_kinds(tmp_path):
    message = _refusal(tmp_path, tests=ca.PUBLIC_TEST.replace('"step_bounded"', '"step_bound"'))
    assert "test q1a.bounded: unknown check 'step_bound'" in message
    assert "the assignment's own: step_bounded" in message


def test_an_unknown_kind_without_a_checks_file_says_so(tmp_path):
    message = _refusal(tmp_path, checks=None)
    assert "unknown check 'step_bounded'" in message and f"there is no {RUBRIC_CHECKS} beside it" in message


def test_a_kind_named_like_a_built_in_one_is_refused(tmp_path):
    message = _refusal(tmp_path, checks=ca.CHECKS_PY + 'CHECKS["module_matches"] = step_bounded\n')
    assert f"{RUBRIC_CHECKS}: CHECKS['module_matches']" in message and "built-in check kind" in message and BLAME in message


@pytest.mark.parametrize(("args", "cause"), [
    ('{ subject = "PlanarFlow", vectors = ["u_hat"], bound = 2.0 }', "bound: unknown argument"),
    ('{ subject = "PlanarFlow" }', "vectors: field required"),
    ('{ subject = "PlanarFlow", vectors = "u_hat" }', "vectors: input should be a valid list"),
    ('{ subject = "PlanarFlow", vectors = ["u_hat"], rtol = "small" }', "rtol: input should be a valid number"),
])
def test_wrong_arguments_are_refused_as_for_built_in_kinds(tmp_path, args, cause):
    test = ca.HIDDEN_TEST.replace('args = { subject = "PlanarFlow", vectors = ["u_hat"] }', f"args = {args}")
    message = _refusal(tmp_path, tests=ca.PUBLIC_TEST + test)
    assert "test q1b.bounded: check 'step_bounded'" in message and cause in message
    assert "(its arguments, the assignment's own kind: subject: str, vectors: list[str]" in message


@pytest.mark.parametrize(("text", "cause"), [
    (ca.CHECKS_PY.replace("import numpy as np", "import numpy as np\nimport not_a_module_anywhere"),
     "cannot be loaded (line 5): ModuleNotFoundError"),
    (ca.CHECKS_PY.replace("import numpy as np", "import numpy as np +"), "cannot be loaded (line 4): SyntaxError"),
    (ca.CHECKS_PY + "raise RuntimeError('half-edited')\n", "RuntimeError: half-edited"),
    (ca.CHECKS_PY + "import sys\nsys.exit(3)\n", "SystemExit: 3"),
    (ca.CHECKS_PY.replace("CHECKS = ", "KINDS = "), "defines no CHECKS dict"),
    (ca.CHECKS_PY + "CHECKS['step_bounded'] = 42\n", "not a function"),
    (ca.CHECKS_PY + "def kw_only(*, record): ...\nCHECKS['step_bounded'] = kw_only\n", "first positional parameter"),
    (ca.CHECKS_PY + "def odd(record, x: 'NoSuchType'): ...\nCHECKS['step_bounded'] = odd\n", "annotations cannot be used"),
])
def test_a_checks_file_that_cannot_be_used_is_a_grader_side_error_naming_it(tmp_path, text, cause):
    message = _refusal(tmp_path, checks=text)
    assert f"{RUBRIC_CHECKS}" in message and cause in message and BLAME in message


def test_grade_stops_before_any_submission_when_checks_py_is_broken(tmp_path, monkeypatch):
    folder = tmp_path / "assignments"
    ca.make(folder, checks=ca.CHECKS_PY + "raise RuntimeError('half-edited')\n")
    monkeypatch.setenv("AUTOGRADER_ASSIGNMENTS", str(folder))
    out = tmp_path / "grades"
    with pytest.raises(assignments.AssignmentError, match="checks.py: cannot be loaded .*RuntimeError: half-edited"):
        api.grade_paths([SOLUTION], api.GradeOptions(out_dir=out, assignment=ca.NAME))
    assert not out.exists()  # nothing written, no submission blamed


def test_the_commands_report_a_broken_checks_py_as_the_graders_problem(tmp_path, monkeypatch):
    """What an instructor (and, through the otter zip's failing native run, Gradescope) sees: the file, no student blamed."""
    folder = tmp_path / "assignments"
    ca.make(folder, checks=ca.CHECKS_PY + "raise RuntimeError('half-edited')\n")
    monkeypatch.setenv("AUTOGRADER_ASSIGNMENTS", str(folder))
    out = tmp_path / "grades"
    for args in (["grade", str(SOLUTION), "--out", str(out)], ["check", str(SOLUTION), "--assignment", ca.NAME]):
        proc = cli(*args)
        text = " ".join((proc.stdout + proc.stderr).split())
        assert proc.returncode == 2 and "Traceback" not in text, text[-2000:]
        assert "checks.py: cannot be loaded (line" in text and "RuntimeError: half-edited" in text and BLAME in text
    assert not out.exists()


def _child_imports() -> set[str]:
    """Every autograder module the sandboxed child can import: the fork server's import closure (static, all branches)."""
    package = ROOT / "autograder"

    def file_of(module: str) -> Path | None:
        rel = Path(*module.split(".")[1:])
        if rel == Path():
            return package / "__init__.py"
        for candidate in (package / rel.with_suffix(".py"), package / rel / "__init__.py"):
            if candidate.is_file():
                return candidate
        return None

    seen: set[str] = set()
    todo = ["autograder.sandbox.forkserver"]
    while todo:
        module = todo.pop()
        path = file_of(module)
        if module in seen or path is None:
            continue
        seen.add(module)
        parts = module.split(".")
        todo += [".".join(parts[:k]) for k in range(1, len(parts))]  # the packages on the way
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                todo += [a.name for a in node.names if a.name.startswith("autograder")]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("autograder"):
                todo += [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
    return seen


def test_the_sandboxed_child_never_imports_what_loads_an_assignment_or_runs_a_check():
    """checks.py is executed only where an assignment is loaded: nothing the child imports can load one."""
    closure = _child_imports()
    assert {"autograder.sandbox.child", "autograder.probes.module"} <= closure  # the scan follows the imports
    assert not {m for m in closure if m.startswith(("autograder.assignment", "autograder.checks", "autograder.api",
                                                      "autograder.rubric"))}


# ---- the public part: the kinds go with it only if a public test uses them

def test_public_part_keeps_the_kinds_only_when_a_public_test_uses_one(tmp_path, custom):
    assert custom.public().custom_checks == custom.custom_checks
    hidden_only = assignments.load_file(ca.make(tmp_path, tests=ca.HIDDEN_TEST))
    assert hidden_only.custom_checks is not None and hidden_only.public().custom_checks is None


def test_sync_writes_public_checks_only_when_needed_and_a_student_folder_checks_with_it(tmp_path, monkeypatch, worker):
    folder = tmp_path / "assignments"
    ca.make(folder)
    monkeypatch.setenv("AUTOGRADER_ASSIGNMENTS", str(folder))
    assert f"assignments/{ca.NAME}/{PUBLIC_CHECKS}" in sync(ca.NAME, root=tmp_path)
    assert (folder / ca.NAME / PUBLIC_CHECKS).read_text() == ca.CHECKS_PY
    # what the student package holds: the public part and its checks, no rubric, no checks.py
    student = tmp_path / "student" / ca.NAME
    student.mkdir(parents=True)
    for name in (assignments.PUBLIC, PUBLIC_CHECKS):
        (student / name).write_bytes((folder / ca.NAME / name).read_bytes())
    monkeypatch.setenv("AUTOGRADER_ASSIGNMENTS", str(student.parent))
    public = assignments.load_public(ca.NAME)
    assert public.custom_checks is not None and public.rubric_hash == assignments.load_file(folder / ca.NAME / assignments.RUBRIC).public().rubric_hash
    tests, _ = api.check(CORPUS / "wrong" / "forward_no_tanh.py", assignment=ca.NAME, worker=worker)
    verdicts = {t.key: t for t in tests}
    assert "q1b.bounded" not in verdicts and verdicts["q1a.bounded"].score == 0
    assert "is h left out of f(z)" in verdicts["q1a.bounded"].output
    # only hidden tests use the kind: sync removes the copy, and --check would have reported it
    monkeypatch.setenv("AUTOGRADER_ASSIGNMENTS", str(folder))
    ca.make(folder, tests=ca.HIDDEN_TEST)
    assert f"assignments/{ca.NAME}/{PUBLIC_CHECKS}" in sync(ca.NAME, root=tmp_path, check=True)
    sync(ca.NAME, root=tmp_path)
    assert not (folder / ca.NAME / PUBLIC_CHECKS).exists() and sync(ca.NAME, root=tmp_path, check=True) == []


# ---- grading with exact verdicts (the real sandbox)

EXTRA = {  # what the two custom tests add to each file's corpus verdict, read from the files
    "correct/pyro_planar_style.py": [],
    "correct/explicit_float32_params.py": [],  # float32 rounding stays within the tolerance
    "wrong/forward_no_tanh.py": ["q1a.bounded", "q1b.bounded"],  # y = z + u_hat (w^T z + b): unbounded
    "wrong/fix_not_used_in_forward.py": ["q1b.bounded"],  # y = z + u tanh(.): within ||u||, not ||u_hat||
    "wrong/no_fix_at_all.py": ["q1b.bounded"],  # u_hat() = u: the same
}


@pytest.mark.parametrize("rel", sorted(EXTRA))
def test_exact_verdicts_with_the_custom_kind(rel, grade, custom):
    path = CORPUS / rel
    expected = json.loads(path.with_name(path.stem + ".expected.json").read_text())
    want = sorted(expected["failing"] + EXTRA[rel])
    res = grade(path, custom)
    assert failing(res) == want
    tests = by_key(res)
    for key in EXTRA[rel]:
        assert tests[key].extra_data["outcome"] == "failed" and "more than ||" in tests[key].output
    assert res.score == pytest.approx(custom.max_score() - sum(t.points for t in custom.tests if t.key in want))
    assert res.extra_data["provenance"]["check_versions"]["step_bounded"] == custom.check_versions["step_bounded"]


def test_reference_solution_gets_full_marks_with_the_custom_kind(grade, custom):
    res = grade(SOLUTION, custom)
    assert res.score == res.max_score == custom.max_score() == assignments.load(ca.NAME).max_score() + 2
    assert {"q1a.bounded", "q1b.bounded"} <= set(by_key(res))


def test_a_changed_checks_py_is_never_reused(root, tmp_path):
    """grade, edit checks.py, grade again / rescore: the old verdict is never kept under the new code."""
    out, wrong = tmp_path / "grades", CORPUS / "wrong" / "fix_not_used_in_forward.py"
    rubric = root / ca.NAME / assignments.RUBRIC
    first = api.grade_paths([wrong], api.GradeOptions(out_dir=out, assignment=ca.NAME)).graded[0].results
    assert "q1b.bounded" in failing(first)
    assert (out / api.RUBRIC_DIR / RUBRIC_CHECKS).read_text() == ca.CHECKS_PY  # recorded with the rubric
    observations = (out / api.OBSERVATIONS / f"{wrong.stem}.json").read_bytes()

    looser = ca.CHECKS_PY.replace("rtol: float = 1e-5", "rtol: float = 100.0")
    assert looser != ca.CHECKS_PY
    (root / ca.NAME / RUBRIC_CHECKS).write_text(looser)  # a looser kind, the same rubric
    with pytest.raises(api.RubricMismatch):  # same assignment.toml, other checks: the folder's rubric is another
        api.grade_paths([wrong], api.GradeOptions(out_dir=out, assignment=ca.NAME))
    (item,) = api.rescore(out, rubric_file=rubric)
    assert item.status == "rescored" and item.new_score == item.old_score + 1
    now = api.results_in(out)[wrong.stem]
    assert "q1b.bounded" not in failing(now)
    assert now.extra_data["provenance"]["check_versions"]["step_bounded"] == assignments.load(ca.NAME).check_versions["step_bounded"]
    assert (out / api.RUBRIC_DIR / RUBRIC_CHECKS).read_text() == looser
    (again,) = api.rescore(out)  # without --rubric: the folder's record, i.e. the new code
    assert again.new_score == item.new_score

    (root / ca.NAME / RUBRIC_CHECKS).write_text(ca.CHECKS_PY)  # back to the strict kind: not the stored verdict
    batch = api.grade_paths([wrong], api.GradeOptions(out_dir=out, assignment=ca.NAME, rubric=rubric))
    res = batch.graded[0].results
    assert "q1b.bounded" in failing(res) and res.score == first.score
    assert res.extra_data["provenance"]["produced_by"] == "rescore"  # judged again from the stored observations
    assert (out / api.OBSERVATIONS / f"{wrong.stem}.json").read_bytes() == observations  # no student code ran again


# ---- what is built: the otter zip always carries checks.py; the student wheel only if a public test uses it

def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


@pytest.mark.slow
def test_assign_ships_the_kinds_and_the_otter_zip_grades_with_them(root, tmp_path):
    base = build_assignment(ca.NAME, tmp_path / "dist")
    (wheel,) = (base / "student" / "package").glob("*.whl")
    shipped = _members(wheel)
    assert shipped[f"autograder/_assignments/{ca.NAME}/{PUBLIC_CHECKS}"].decode() == ca.CHECKS_PY  # a public test uses it
    assert not any(n.endswith(f"/{RUBRIC_CHECKS}") and "_assignments" in n for n in shipped)
    (ag_zip,) = (base / "autograder").iterdir()
    assert _members(ag_zip)[f"assignments/{ca.NAME}/{RUBRIC_CHECKS}"].decode() == ca.CHECKS_PY

    from autograder.otter.run import gradescope_run, question_scores

    a = assignments.load(ca.NAME)
    run = gradescope_run(ag_zip, CORPUS / "wrong" / "fix_not_used_in_forward.py")
    assert run.exit_code == 0, run.log[-3000:]
    scores = question_scores(run.results)
    assert scores["q1b"] == a.max_score("q1b") - 3  # q1b.fix_in_forward (2) and the custom hidden q1b.bounded (1)
    assert scores["q1a"] == a.max_score("q1a")


def test_the_guide_shows_the_tested_checks_file():
    guide = (ROOT / "docs" / "authoring-a-sheet.md").read_text(encoding="utf-8")
    assert f"```python\n{ca.CHECKS_PY}```" in guide
    assert ca.PUBLIC_TEST.strip().splitlines()[-1].split("#")[0].strip() in guide


@pytest.mark.slow
def test_audit_grades_rewrites_and_mutants_with_the_custom_kind(root):
    from autograder.audit import audit

    report = audit(ca.NAME)
    assert not report.failed and report.reference.lost == []  # rewrites keep the custom tests' points too
    lost = {g.id: {t.key for t in g.lost} for g in report.results if g.family == "mutant"}
    assert any("q1b.bounded" in keys for keys in lost.values()), lost  # the custom kind judged the mutants
