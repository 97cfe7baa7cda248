"""Command line: parse arguments, call `api`, print, map errors to exit codes. Nothing else."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from autograder import api
from autograder.sandbox.isolation import Level

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Auto-grading for ML exercise sheets.")
out_console = Console()
err_console = Console(stderr=True)
BUNDLED = Path(__file__).resolve().parent.parent / "examples"


def _fail(message: str, code: int = 2) -> None:
    err_console.print(f"[red]error:[/red] {escape(message)}")
    raise typer.Exit(code)


def _table(batch: api.BatchResult, a: api.Assignment) -> Table:
    table = Table(title=f"{len(batch.graded)} submissions graded -> {batch.out_dir}")
    table.add_column("submission")
    for q in a.questions:
        table.add_column(q, justify="right")
    table.add_column("total", justify="right")
    table.add_column("status")
    for g in batch.graded:
        r = api.row(g.stem, g.path, g.results, a)
        table.add_row(g.stem, *(f"{r.questions[q]:g}/{a.max_score(q):g}" for q in a.questions),
                      f"{g.results.score:g}/{g.results.max_score:g}", r.status + (" (reused)" if g.reused else ""))
    return table


def _progress_printer(total_hint: int = 0):
    if sys.stderr.isatty():
        from rich.progress import Progress

        progress = Progress(console=err_console, transient=True)
        task = progress.add_task("grading", total=total_hint or None)
        progress.start()

        def update(g: api.Graded, done: int, total: int) -> None:
            progress.update(task, completed=done, total=total, description=f"grading {g.stem}")
            if done == total:
                progress.stop()

        return update

    def plain(g: api.Graded, done: int, total: int) -> None:
        note = " (unchanged, reused)" if g.reused else ""
        print(f"[{done}/{total}] {g.stem}: {g.results.score:g}/{g.results.max_score:g}{note}", file=sys.stderr, flush=True)

    return plain


def _grade(paths: list[Path], options: api.GradeOptions) -> api.BatchResult:
    level = api.available(options.isolation)
    err_console.print(f"isolation: {level.value} — {level.describe()}")
    batch = api.grade_paths(paths, options, on_progress=_progress_printer())
    out_console.print(_table(batch, batch.assignment))
    for p in batch.problems:
        err_console.print(f"[yellow]skipped:[/yellow] {p}")
    return batch


@app.command()
def grade(
    paths: Annotated[list[Path], typer.Argument(help="Submission files (.py, .ipynb) or folders of them.")],
    out: Annotated[Path, typer.Option("--out", help="Where results and the gradebook go.")] = Path("grades"),
    jobs: Annotated[int, typer.Option("--jobs", min=1, help="Submissions graded in parallel.")] = 1,
    force: Annotated[bool, typer.Option("--force", help="Regrade unchanged submissions too.")] = False,
    isolation: Annotated[Optional[Level], typer.Option(help="Require this isolation level.")] = None,
    assignment: Annotated[str, typer.Option(help="Assignment name.")] = "sheet03",
    scheduler: Annotated[Optional[str], typer.Option("--scheduler", metavar="ADDRESS",
                                                     help="Grade on a Dask cluster: local, local:N or tcp://HOST:PORT.")] = None,
    shard: Annotated[Optional[str], typer.Option("--shard", metavar="K/N",
                                                 help="Grade only the K-th of N equal parts (merge them with `autograder merge`).")] = None,
    timeout: Annotated[Optional[float], typer.Option("--timeout", min=1, help="Seconds per submission (default: the assignment's, 60).")] = None,
    question_timeout: Annotated[Optional[float], typer.Option("--question-timeout", min=1, help="Seconds per question (default 10).")] = None,
    memory_mb: Annotated[Optional[int], typer.Option("--memory-mb", min=256, help="Memory limit per submission in MiB (default 2048).")] = None,
    rubric: Annotated[Optional[Path], typer.Option("--rubric", help="Grade with this assignment file (e.g. DIR/rubric/assignment.toml after a rescore).")] = None,
) -> None:
    """Grade submissions: DIR/<stem>.json (Gradescope format) and DIR/gradebook.csv."""
    missing = [p for p in paths if not p.exists()]
    if missing:
        _fail(f"no such file or folder: {', '.join(map(str, missing))}")
    try:
        part = api.parse_shard(shard) if shard else None
    except ValueError as exc:
        _fail(str(exc))
    try:
        limits = api.limits_with(assignment, submission_seconds=timeout, question_seconds=question_timeout, memory_mb=memory_mb)
        _grade(paths, api.GradeOptions(out_dir=out, jobs=jobs, force=force, isolation=isolation.value if isolation else None,
                                       assignment=assignment, scheduler=scheduler, shard=part, limits=limits, rubric=rubric))
    except (FileNotFoundError, RuntimeError, PermissionError, ValueError) as exc:
        _fail(str(exc))


@app.command()
def check(
    path: Annotated[Path, typer.Argument(help="Your submission (.py or .ipynb).")],
    question: Annotated[Optional[str], typer.Option("--question", "-q", help="Only this question, e.g. q1b.")] = None,
    assignment: Annotated[Optional[str], typer.Option(help="Assignment name (default: the one your notebook records, else sheet03).")] = None,
) -> None:
    """Check your own work against the public tests. Exit status 1 if one fails."""
    try:
        tests, stored = api.check(path, assignment=assignment, question=question)
    except (FileNotFoundError, ValueError, RuntimeError) as exc:
        _fail(str(exc))
    if stored.load_failure:
        out_console.print(f"[red]✗[/red] {stored.load_failure}")
    elif stored.run and stored.run.load_error:
        e = stored.run.load_error
        out_console.print(f"[red]✗[/red] your file could not be imported{f' ({e.where})' if e.where else ''}: {e.message}")
    failed = 0
    for t in tests:
        ok = t.score == t.max_score
        failed += not ok
        mark = "[green]✓[/green]" if ok else "[red]✗[/red]"
        out_console.print(f"{mark} {t.name}  [dim]{t.score:g}/{t.max_score:g}[/dim]")
        if not ok:
            out_console.print(f"    {t.output}", markup=False, highlight=False)
    out_console.print(f"\n{len(tests) - failed}/{len(tests)} public tests pass. Hidden tests and hand-graded answers are graded later.")
    raise typer.Exit(1 if failed else 0)


@app.command()
def demo(out: Annotated[Path, typer.Option("--out")] = Path("grades-demo")) -> None:
    """Grade the bundled example submissions and print the table."""
    if not BUNDLED.is_dir():
        _fail(f"the bundled examples are missing ({BUNDLED})")
    reference = BUNDLED.parent / "solutions" / "sheet03.py"
    _grade([BUNDLED, *([reference] if reference.is_file() else [])], api.GradeOptions(out_dir=out, jobs=2, force=True))


@app.command()
def rescore(
    grades: Annotated[Path, typer.Argument(help="A folder written by `autograder grade`.")],
    rubric: Annotated[Optional[Path], typer.Option("--rubric", help="An edited assignment file (points, thresholds, checks).")] = None,
    rerun: Annotated[bool, typer.Option("--rerun", help="Re-run submissions whose stored observations this rubric cannot use.")] = False,
) -> None:
    """Recompute every score from stored observations, without running student code."""
    try:
        items = api.rescore(grades, rubric_file=rubric, rerun=rerun)
    except (FileNotFoundError, ValueError) as exc:
        _fail(str(exc))
    table = Table(title=f"rescored {grades}")
    for col in ("submission", "before", "after", "status", "note"):
        table.add_column(col)
    for i in items:
        fmt = lambda x: "-" if x is None else f"{x:g}"  # noqa: E731
        table.add_row(i.stem, fmt(i.old_score), fmt(i.new_score), i.status, i.message)
    out_console.print(table)
    bad = [i for i in items if i.status in ("stale", "invalid")]
    if bad:
        err_console.print(f"[yellow]{len(bad)} submission(s) kept their old results: see the notes above[/yellow]")
        raise typer.Exit(1)


@app.command()
def report(
    grades: Annotated[Path, typer.Argument(help="A folder written by `autograder grade` or `rescore`.")],
    out: Annotated[Optional[Path], typer.Option("--out", help="Where the report goes (default GRADES/report).")] = None,
    compare: Annotated[Optional[Path], typer.Option("--compare", help="The same class's grades folder before a rescore: show per-question changes.")] = None,
    reveal: Annotated[str, typer.Option("--reveal", help="Tests on student pages: submission, after_due_date, published or all.")] = "published",
) -> None:
    """Instructor report: one self-contained HTML page with charts, and a feedback page per student."""
    try:
        from autograder.report.html import write_report
        from autograder.report.instructor import Stage
    except ImportError as exc:
        _fail(f"the report needs the `report` extra ({exc.name} is missing): pip install 'autograder[report]'")
    if reveal not in {s.value for s in Stage}:
        _fail(f"--reveal must be one of: {', '.join(s.value for s in Stage)}")
    for folder in (grades, compare):
        if folder is not None and not folder.is_dir():
            _fail(f"no such folder: {folder}")
    target = out or grades / "report"
    try:
        summary = write_report(grades, target, previous_dir=compare, stage=Stage(reveal))
    except FileNotFoundError as exc:
        _fail(str(exc))
    for p in summary.problems:
        err_console.print(f"[yellow]skipped:[/yellow] {p}")
    out_console.print(f"{len(summary.submissions)} submissions, mean {summary.mean_total:.2f}/{summary.max_total:g} -> {target / 'index.html'}")


@app.command()
def export(
    grades: Annotated[Path, typer.Argument(help="A folder written by `autograder grade` or `rescore`.")],
    lms_csv: Annotated[Path, typer.Option("--lms-csv", help="The CSV to write: student_id, total, one column per question.")],
    roster: Annotated[Optional[Path], typer.Option("--roster", help="CSV with columns submission,student_id (default id: the file stem).")] = None,
) -> None:
    """Export grades as a CSV for an LMS import."""
    from autograder.report import export as lms
    from autograder.report.instructor import load_results

    if not grades.is_dir():
        _fail(f"no such folder: {grades}")
    subs, problems = load_results(grades)
    if not subs:
        _fail(f"no results files in {grades}")
    try:
        done = lms.write_lms_csv(lms_csv, subs, lms.read_roster(roster) if roster else None)
    except lms.RosterError as exc:
        _fail(str(exc))
    for p in problems:
        err_console.print(f"[yellow]skipped:[/yellow] {p}")
    if done.missing:
        err_console.print(f"[yellow]{len(done.missing)} roster student(s) have no submission (empty cells):[/yellow] {', '.join(done.missing[:10])}")
    out_console.print(f"{done.graded} students -> {done.path}")


@app.command()
def merge(
    out: Annotated[Path, typer.Argument(help="The folder that receives every shard's results.")],
    shards: Annotated[list[Path], typer.Argument(help="Folders written by `grade --shard K/N`.")],
) -> None:
    """Merge the results of sharded runs into one folder and one gradebook."""
    try:
        count = api.merge(out, shards)
    except (FileNotFoundError, ValueError) as exc:
        _fail(str(exc))
    out_console.print(f"merged {count} results into {out / api.GRADEBOOK}")


@app.command()
def assign(
    assignment: Annotated[str, typer.Argument(help="An assignment under assignments/.")] = "sheet03",
    out: Annotated[Path, typer.Option("--out", help="Where the build goes.")] = Path("dist"),
) -> None:
    """Build DIR/<assignment>/student/ and DIR/<assignment>/autograder/<zip> from the assignment's single source."""
    from autograder.authoring.source import SourceError

    try:
        files = api.assign(assignment, out)
    except (SourceError, FileNotFoundError) as exc:
        _fail(str(exc))
    for p in files:
        out_console.print(str(p))


@app.command()
def audit(
    assignment: Annotated[str, typer.Argument(help="An assignment under assignments/ with an audit.toml.")] = "sheet03",
    seeds: Annotated[int, typer.Option("--seeds", min=0, help="Also re-grade the rewrites under N other seeds.")] = 0,
    json_file: Annotated[Optional[Path], typer.Option("--json", help="Write the figures to this JSON file.")] = None,
    jobs: Annotated[int, typer.Option("--jobs", min=1, help="Sandbox workers grading in parallel.")] = 1,
) -> None:
    """Grade generated rewrites and mutants of the reference solution; exit 1 when any was graded wrong."""
    from autograder import audit as auditing
    from autograder.audit import table as audit_table

    try:
        report = auditing.audit(assignment, seeds=seeds, jobs=jobs)
    except (FileNotFoundError, ValueError, RuntimeError) as exc:  # ValueError: a declaration that does not apply
        _fail(str(exc))
    if audit_table.has_findings(report):
        out_console.print(audit_table.wrong_table(report))
    out_console.print(audit_table.coverage_table(report, api.assignments.load(assignment).questions))
    if report.seed_report:
        out_console.print(audit_table.seed_table(report.seed_report))
    out_console.print(audit_table.summary(report))
    if json_file:
        json_file.parent.mkdir(parents=True, exist_ok=True)
        json_file.write_text(report.model_dump_json(indent=1))
    raise typer.Exit(1 if report.failed else 0)


def main() -> None:
    app()
