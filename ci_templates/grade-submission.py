#!/usr/bin/env python3
"""Grade one submission in CI: results.json, a score table for the job summary, an exit status by policy.

Runs in any CI where Python and the grader are installed (GitHub Actions: see autograde.yml beside
this file). Every option also reads an environment variable, so that a CI file only sets variables:

  SUBMISSION            --submission PATH     the .py or .ipynb to grade (default: the only one in the folder)
  AUTOGRADER_ASSIGNMENT --assignment NAME     default sheet03
  AUTOGRADER_GRADING_DIR --grading-dir DIR    instructors only, never in a student's job: a folder with
                                              the full assignments (hidden tests included); without it,
                                              the public tests that the student package carries
  AUTOGRADER_POLICY     --policy RULES        when the job fails, see POLICY below; default `error`
  AUTOGRADER_REVEAL     --reveal STAGE        what the summary and results.json show: submission
                                              (default: visible tests), after_due_date, published, all
  AUTOGRADER_OUT        --out DIR             default autograder-results; results.json goes there
  GITHUB_STEP_SUMMARY   --summary FILE        the Markdown score table is appended to it when set
  GITHUB_OUTPUT                               step outputs: score, max-score, status, exit-code, and
                                              result (GitHub Classroom's reporter payload, base64)
  --results FILE        skip grading and apply the policy to an existing results.json

POLICY: comma-separated rules; the job fails when one of them holds.
  error       grading could not run, or a test ended in a grader error (always on, except with `never`)
  load        the submission could not be loaded (syntax error, import error, not a notebook)
  public      a visible test lost points
  all         any test lost points
  min-score=N / min-score=N%   the score is below N points / N percent of the maximum
  never       never fail (not even on a grading error); cannot be combined

Exit status: 0 the policy holds; 1 the submission breaks the policy; 2 grading error; 64 usage error.
"""
from __future__ import annotations

import argparse
import base64
import html
import json
import os
import string
import sys
import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from autograder.report.results import GradescopeResults

EXIT_OK, EXIT_POLICY, EXIT_GRADING, EXIT_USAGE = 0, 1, 2, 64
STATUS_WORDS = {EXIT_OK: "pass", EXIT_POLICY: "fail", EXIT_GRADING: "error"}
OUTPUT_CAP = 400  # characters of a test's output in the job summary


class UsageError(Exception):
    """Bad options or a missing submission: exit 64."""


@dataclass(frozen=True)
class Policy:
    """When the job fails."""

    grading_error: bool = True
    load: bool = False
    public: bool = False
    all_tests: bool = False
    min_points: float | None = None
    min_percent: float | None = None
    text: str = "error"


def parse_policy(text: str) -> Policy:
    """`error,load,min-score=60%` -> Policy; raises UsageError on an unknown rule."""
    rules = [r.strip() for r in text.split(",") if r.strip()] or ["error"]
    if "never" in rules:
        if len(rules) > 1:
            raise UsageError("policy `never` cannot be combined with other rules")
        return Policy(grading_error=False, text="never")
    opts: dict = {}
    for rule in rules:
        name, _, value = rule.partition("=")
        if name == "error" and not value:
            continue  # always on: named for readability
        if name in ("load", "public", "all") and not value:
            opts[{"all": "all_tests"}.get(name, name)] = True
        elif name == "min-score" and value:
            try:
                number = float(value.rstrip("%"))
            except ValueError:
                raise UsageError(f"min-score needs a number, got {value!r}") from None
            opts["min_percent" if value.endswith("%") else "min_points"] = number
        else:
            raise UsageError(f"unknown policy rule {rule!r}; rules: error, load, public, all, min-score=N, min-score=N%, never")
    return Policy(**opts, text=",".join(rules))


@dataclass(frozen=True)
class Verdict:
    """The exit status and the reasons for it."""

    code: int
    reasons: list[str]


def verdict(policy: Policy, results: dict | None, status: str) -> Verdict:
    """Apply the policy to a (student-view) results dict and the submission's status."""
    if results is None or status == "grader_error":
        why = "grading could not run" if results is None else "a test ended in a grader error"
        return Verdict(EXIT_GRADING if policy.grading_error else EXIT_OK, [why])
    reasons = []
    tests = results.get("tests", [])
    lost = [t for t in tests if t["score"] < t["max_score"] - 1e-9]
    if policy.load and status == "load_error":
        reasons.append("the submission could not be loaded")
    if policy.public and any(t.get("visibility", "visible") == "visible" for t in lost):
        reasons.append("a visible test lost points")
    if policy.all_tests and lost:
        reasons.append(f"{len(lost)} test(s) lost points")
    score, top = results["score"], results["max_score"]
    if policy.min_points is not None and score < policy.min_points - 1e-9:
        reasons.append(f"score {score:g} is below {policy.min_points:g} points")
    if policy.min_percent is not None and top > 0 and 100 * score / top < policy.min_percent - 1e-9:
        reasons.append(f"score {100 * score / top:.1f}% is below {policy.min_percent:g}%")
    return Verdict(EXIT_POLICY if reasons else EXIT_OK, reasons)


def find_submission(given: str | None) -> Path:
    """The submission named, or the only .ipynb (else the only .py) in the working folder."""
    if given:
        path = Path(given)
        if not path.is_file():
            raise UsageError(f"no submission at {path}: set SUBMISSION to the file students hand in")
        return path
    for ext in ("*.ipynb", "*.py"):
        found = sorted(Path.cwd().glob(ext))
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise UsageError(f"several {ext} files here ({', '.join(p.name for p in found)}): set SUBMISSION")
    raise UsageError("no .ipynb or .py file here: set SUBMISSION")


def assignments_root(grading_dir: Path, assignment: str) -> Path:
    """The folder holding `<assignment>/assignment.toml` in the instructor's grading repository."""
    for root in (grading_dir, grading_dir / "assignments"):
        if (root / assignment / "assignment.toml").is_file():
            return root
    raise FileNotFoundError(f"the grading repository {grading_dir} has no {assignment}/assignment.toml (nor assignments/{assignment}/...)")


def grade(submission: Path, assignment: str, grading_dir: Path | None) -> GradescopeResults:
    """Grade with the installed grader: public tests only, or everything with the grading repository's assignments."""
    root = assignments_root(grading_dir, assignment).resolve() if grading_dir is not None else None
    from autograder import api  # imports torch: after the cheap checks
    from autograder import assignment as assignments

    if root is None:
        _, stored = api.check(submission, assignment=assignment)
        return api.judge(assignments.load_public(assignment), stored, public_only=True)[1]  # all the student package has
    saved = os.environ.get("AUTOGRADER_ASSIGNMENTS")
    os.environ["AUTOGRADER_ASSIGNMENTS"] = str(root)  # where the grader reads assignments from
    try:
        with tempfile.TemporaryDirectory(prefix="autograder-") as tmp:
            batch = api.grade_paths([submission], api.GradeOptions(out_dir=Path(tmp), force=True, assignment=assignment))
    finally:
        if saved is None:
            os.environ.pop("AUTOGRADER_ASSIGNMENTS", None)
        else:
            os.environ["AUTOGRADER_ASSIGNMENTS"] = saved
    if not batch.graded:
        raise RuntimeError("; ".join(batch.problems) or "the grader returned no result")
    return batch.graded[0].results


def md(text: str, cap: int = OUTPUT_CAP) -> str:
    """Text made inert for a Markdown table cell: punctuation escaped, newlines as <br>, capped."""
    text = text if len(text) <= cap else text[: cap - 1] + "…"
    out = "".join("\\" + c if c in string.punctuation else c for c in text)
    return out.replace("\r", "").replace("\n", "<br>")


def fmt(x: float) -> str:
    """A score as people write it."""
    return f"{x:g}"


def summary_markdown(view: dict | None, *, submission: str, mode: str, policy: Policy, result: Verdict, error: str = "") -> str:
    """The job summary: headline, per-question table, every shown test, what is not shown yet."""
    mark = "⚠️" if view is None else {EXIT_OK: "✅", EXIT_POLICY: "❌", EXIT_GRADING: "⚠️"}[result.code]
    lines = []
    if view is None:
        lines += [f"### {mark} Autograder: {md(submission)} could not be graded", "", f"<pre>{html.escape(error)}</pre>", ""]
    else:
        lines += [f"### {mark} Autograder: {fmt(view['score'])} / {fmt(view['max_score'])} points for {md(submission)}", ""]
    lines.append({"public": "Public tests only: hidden tests and hand-graded answers count after the deadline.",
                  "full": "All automatic tests, hidden ones included; hand-graded answers count later.",
                  "given": "From an existing results file."}[mode])
    lines += ["", f"Policy `{policy.text}`: " + ("passed." if result.code == EXIT_OK and not result.reasons else
                                                   "; ".join(result.reasons) + "."), ""]
    if view is None:
        return "\n".join(lines) + "\n"
    if view.get("output"):
        lines += [f"<pre>{html.escape(view['output'][:4000])}</pre>", ""]
    auto = [t for t in view["tests"] if t.get("extra_data", {}).get("outcome") != "manual"]
    per_q: dict[str, list[float]] = {}
    for t in auto:
        q = t.get("extra_data", {}).get("question") or t["name"].split(":")[0]
        per_q.setdefault(q, [0.0, 0.0])
        per_q[q][0] += t["score"]
        per_q[q][1] += t["max_score"]
    lines += ["| question | points |", "|---|---:|"]
    lines += [f"| {md(q)} | {fmt(s)} / {fmt(m)} |" for q, (s, m) in per_q.items()]
    lines += [f"| **total** | **{fmt(view['score'])} / {fmt(view['max_score'])}** |", ""]
    lost = [t for t in auto if t["score"] < t["max_score"] - 1e-9]
    points_lost = sum(t["max_score"] - t["score"] for t in lost)
    fold = (f"{len(auto)} tests: all passed" if not lost else
            f"{len(auto)} tests: {len(lost)} lost {fmt(points_lost)} of {fmt(sum(t['max_score'] for t in auto))} points")
    lines += [f"<details{' open' if lost else ''}><summary>{fold}</summary>", "",
              "| | test | points | feedback |", "|---|---|---:|---|"]
    for t in auto:
        ok = t["score"] >= t["max_score"] - 1e-9
        lines.append(f"| {'✅' if ok else '❌'} | {md(t['name'], 200)} | {fmt(t['score'])} / {fmt(t['max_score'])} | {md(t.get('output', ''))} |")
    lines += ["", "</details>", ""]
    withheld = view.get("extra_data", {}).get("withheld")
    if withheld:
        lines += [f"{withheld['tests']} more tests ran; they are shown when they are released.", ""]
    return "\n".join(lines) + "\n"


def classroom_payload(view: dict | None, result: Verdict) -> str:
    """GitHub Classroom's runner result (autograding-grading-reporter), base64 JSON."""
    tests = [] if view is None else [
        {"name": t["name"], "status": "pass" if t["score"] >= t["max_score"] - 1e-9 else "fail", "score": t["score"],
         "max_score": t["max_score"], "message": t.get("output", ""), "line_no": 0, "execution_time": "0"}
        for t in view["tests"] if t["max_score"] > 0]
    data = {"version": 1, "status": STATUS_WORDS.get(result.code, "error"),
            "max_score": 0 if view is None else view["max_score"], "tests": tests}
    return base64.b64encode(json.dumps(data).encode()).decode()


def append(path: str | None, text: str) -> None:
    """Append to a file named by CI (the job summary, the step outputs), if any."""
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(text)


def options(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options, each defaulting to its environment variable."""
    env = os.environ.get
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0], epilog="See the module docstring for details.")
    p.add_argument("submission", nargs="?", default=env("SUBMISSION") or None)
    p.add_argument("--assignment", default=env("AUTOGRADER_ASSIGNMENT") or "sheet03")
    p.add_argument("--grading-dir", default=env("AUTOGRADER_GRADING_DIR") or None)
    p.add_argument("--policy", default=env("AUTOGRADER_POLICY") or "error")
    p.add_argument("--reveal", default=env("AUTOGRADER_REVEAL") or "submission",
                   choices=["submission", "after_due_date", "published", "all"])
    p.add_argument("--out", default=env("AUTOGRADER_OUT") or "autograder-results")
    p.add_argument("--summary", default=env("GITHUB_STEP_SUMMARY") or None)
    p.add_argument("--results", default=None, help="apply the policy to this results.json instead of grading")
    return p.parse_args(argv)


def run(argv: list[str] | None = None) -> int:
    """The whole job: grade, write results.json and the summary, return the exit status."""
    args = options(argv)
    try:
        policy = parse_policy(args.policy)
        submission = Path(args.results) if args.results else find_submission(args.submission)
    except UsageError as exc:
        print(f"grade-submission: {exc}", file=sys.stderr)
        append(args.summary, f"### ⚠️ Autograder: {md(str(exc))}\n")
        return EXIT_USAGE
    from autograder.report.instructor import Stage, Submission, student_view
    from autograder.report.results import GradescopeResults

    mode = "given" if args.results else "full" if args.grading_dir else "public"
    view, status, error = None, "not_graded", ""
    try:
        if args.results:
            res = GradescopeResults.model_validate_json(Path(args.results).read_text())
        else:
            res = grade(submission, args.assignment, Path(args.grading_dir) if args.grading_dir else None)
        status = Submission(submission.stem, res).status
        shown = student_view(res, Stage(args.reveal))
        view = json.loads(shown.model_dump_json())
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        (out / "results.json").write_text(shown.model_dump_json(indent=1))
    except Exception as exc:  # the grader's own failure, whatever it is: report it, never hide it
        error = f"{type(exc).__name__}: {exc}"
        traceback.print_exc()
    result = verdict(policy, view, status)
    append(args.summary, summary_markdown(view, submission=submission.name, mode=mode, policy=policy, result=result, error=error))
    append(os.environ.get("GITHUB_OUTPUT"), "".join(f"{k}={v}\n" for k, v in {
        "score": fmt(view["score"]) if view else "", "max-score": fmt(view["max_score"]) if view else "",
        "status": status, "exit-code": result.code, "result": classroom_payload(view, result)}.items()))
    score = f"{fmt(view['score'])}/{fmt(view['max_score'])}" if view else "no score"
    print(f"grade-submission: {submission.name}: {score} ({mode} tests, status {status}); policy {policy.text}: "
          + ("; ".join(result.reasons) or "passed") + f" -> exit {result.code}")
    return result.code


if __name__ == "__main__":
    sys.exit(run())
