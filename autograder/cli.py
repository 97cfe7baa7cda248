"""Command line: parse arguments, call `api`, print, map errors to exit codes. Nothing else."""
from __future__ import annotations

import os
import sys
import threading
from collections import Counter
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from autograder import api
from autograder.report.safe_text import printable
from autograder.report.status import missing_module
from autograder.sandbox.isolation import Level

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Auto-grading for ML exercise sheets.")
out_console = Console()
err_console = Console(stderr=True)
BUNDLED = Path(__file__).resolve().parent.parent / "examples"


def _fail(message: str, code: int = 2) -> None:
    err_console.print(Text("error: ", style="red") + _shown(message))
    raise typer.Exit(code)


def _shown(text: object) -> Text:
    """Text that may come from a submission (output, exception, file name): controls escaped, never markup."""
    return Text(printable(str(text)))


def _block(mark: Text, text: str) -> Text:
    """`mark` then `text`, every further line indented: a submission's text cannot start a line of its own."""
    first, *rest = printable(text).split("\n")
    return mark + Text("\n".join([first, *("    " + line for line in rest)]))


def _skipped(problems: list[str]) -> None:
    for p in problems:
        err_console.print(Text("skipped: ", style="yellow") + _shown(p))


def _table(batch: api.BatchResult, a: api.Assignment) -> Table:
    table = Table(title=f"{len(batch.graded)} submissions graded -> {batch.out_dir}")
    table.add_column("submission")
    for q in a.questions:
        table.add_column(q, justify="right")
    table.add_column("total", justify="right")
    table.add_column("status")
    for g in batch.graded:
        r = api.row(g.stem, g.path, g.results, a)
        table.add_row(_shown(g.stem), *(f"{r.questions[q]:g}/{a.max_score(q):g}" for q in a.questions),
                      f"{g.results.score:g}/{g.results.max_score:g}", r.status + (" (reused)" if g.reused else ""))
    return table


class _ProgressPrinter:
    """Progress of a batch on stderr: a bar naming the files in progress on a terminal, else one line per result."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: list[str] = []  # file names in progress, oldest first (one may hang on import)
        self._progress = None
        if sys.stderr.isatty():
            from rich.progress import Progress

            self._progress = Progress(console=err_console, transient=True)
            self._task = self._progress.add_task("grading", total=None)
            self._progress.start()

    def description(self) -> str:
        """What the bar shows: the files in progress, escaped."""
        names = [escape(printable(n)) for n in self._running[:3]]
        return "grading " + (", ".join(names) + (f" and {len(self._running) - 3} more" if len(self._running) > 3 else "")
                             if names else "…")

    def started(self, path: Path) -> None:
        with self._lock:
            self._running.append(path.name)
            if self._progress is not None:
                self._progress.update(self._task, description=self.description())

    def finished(self, g: api.Graded, done: int, total: int) -> None:
        with self._lock:
            if g.path.name in self._running:
                self._running.remove(g.path.name)
            if self._progress is None:
                note = " (unchanged, reused)" if g.reused else ""
                print(f"[{done}/{total}] {printable(g.stem)}: {g.results.score:g}/{g.results.max_score:g}{note}", file=sys.stderr, flush=True)
                return
            self._progress.update(self._task, completed=done, total=total, description=self.description())
            if done == total:
                self._progress.stop()


def _grade(paths: list[Path], options: api.GradeOptions) -> api.BatchResult:
    level = api.available(options.isolation)
    err_console.print(f"isolation: {level.value} — {level.describe()}")
    progress = _ProgressPrinter()
    batch = api.grade_paths(paths, options, on_progress=progress.finished, on_start=progress.started)
    out_console.print(_table(batch, batch.assignment))
    _skipped(batch.problems)
    _missing_modules(batch)
    return batch


def _missing_modules(batch: api.BatchResult) -> None:
    """Name the modules submissions could not import: the environment's gap looks like a student's error otherwise."""
    counts = Counter(m for g in batch.graded if (m := missing_module(g.results)) is not None)
    if not counts:
        return
    listed = ", ".join(f"{name} ({n})" for name, n in counts.most_common())
    err_console.print(Text("note: ", style="yellow") + _shown(
        f"{sum(counts.values())} submission(s) could not import a module: {listed}. Either the students' own modules "
        "were not handed in, or this grading environment lacks a package the course's environment has: then install "
        "it where `autograder` runs and run `grade` again (these submissions are graded again, never reused)."))


@app.command()
def grade(
    paths: Annotated[list[Path], typer.Argument(help="Submission files (.py, .ipynb) or folders of them.")],
    out: Annotated[Path, typer.Option("--out", help="Where results and the gradebook go.")] = Path("grades"),
    jobs: Annotated[int, typer.Option("--jobs", min=1, help="Submissions graded in parallel.")] = 1,
    force: Annotated[bool, typer.Option("--force", help="Regrade unchanged submissions too.")] = False,
    isolation: Annotated[Optional[Level], typer.Option(help="Require this isolation level.")] = None,
    assignment: Annotated[Optional[str], typer.Option(help="Assignment name (default: the assignments folder's default).")] = None,
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
    question: Annotated[Optional[str], typer.Option("--question", "-q", help="Only this question (an id from the assignment, e.g. the one a test name starts with).")] = None,
    assignment: Annotated[Optional[str], typer.Option(help="Assignment name (default: the one your notebook records, else the default).")] = None,
) -> None:
    """Check your own work against the public tests. Exit status 1 if one fails."""
    try:
        tests, stored = api.check(path, assignment=assignment, question=question)
    except (FileNotFoundError, ValueError, RuntimeError) as exc:
        _fail(str(exc))
    cross = Text("✗ ", style="red")
    if stored.load_failure:
        out_console.print(_block(cross, stored.load_failure))
    elif stored.run and stored.run.load_error:
        e = stored.run.load_error
        out_console.print(_block(cross, f"your file could not be imported{f' ({e.where})' if e.where else ''}: {e.message}"))
    if stored.run and stored.run.cell_errors:
        out_console.print(_block(Text("! ", style="yellow"), api.cell_errors_text(stored.run.cell_errors)))
    failed = 0
    for t in tests:
        ok = t.score == t.max_score
        failed += not ok
        mark = "[green]✓[/green]" if ok else "[red]✗[/red]"
        out_console.print(f"{mark} {t.name}  [dim]{t.score:g}/{t.max_score:g}[/dim]")
        if not ok:
            out_console.print(_block(Text("    "), t.output))
    out_console.print(f"\n{len(tests) - failed}/{len(tests)} public tests pass. Hidden tests and hand-graded answers are graded later.")
    raise typer.Exit(1 if failed else 0)


@app.command()
def demo(out: Annotated[Path, typer.Option("--out")] = Path("grades-demo")) -> None:
    """Grade the bundled example submissions and print the table."""
    if not BUNDLED.is_dir():
        _fail(f"the bundled examples are missing ({BUNDLED})")
    reference = BUNDLED.parent / "solutions" / f"{api.assignments.default_name()}.py"
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
        table.add_row(_shown(i.stem), _score(i.old_score, i.old_max), _score(i.new_score, i.new_max), i.status,
                      _shown("; ".join(filter(None, [_max_change(i), i.message]))))
    out_console.print(table)
    changed = sorted({(i.old_max, i.new_max) for i in items if _max_change(i)})
    if changed:
        err_console.print(f"[yellow]the maximum changed ({', '.join(f'{a:g} -> {b:g}' for a, b in changed)}): "
                          "compare fractions of the maximum, not points[/yellow]")
    bad = [i for i in items if i.status in ("stale", "invalid")]
    if bad:
        err_console.print(f"[yellow]{len(bad)} submission(s) kept their old results: see the notes above[/yellow]")
        raise typer.Exit(1)


def _score(score: float | None, maximum: float | None) -> str:
    return "-" if score is None else f"{score:g}" if maximum is None else f"{score:g}/{maximum:g}"


def _max_change(i: api.Rescored) -> str:
    """`maximum 42 -> 45` when the rescore changed the maximum, else ''."""
    if i.old_max is None or i.new_max is None or i.old_max == i.new_max:
        return ""
    return f"maximum {i.old_max:g} -> {i.new_max:g}"


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
        _fail(f"the report needs the `report` extra ({exc.name} is missing): pip install 'mlsheet-autograder[report]'")
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
    _skipped(summary.problems)
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
    _skipped(problems)
    if done.missing:
        err_console.print(Text(f"{len(done.missing)} roster student(s) have no submission (empty cells): ", style="yellow")
                          + _shown(", ".join(done.missing[:10])))
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
    assignment: Annotated[Optional[str], typer.Argument(help="An assignment under assignments/ (default: its config's default).")] = None,
    out: Annotated[Path, typer.Option("--out", help="Where the build goes.")] = Path("dist"),
) -> None:
    """Build DIR/<assignment>/student/ and DIR/<assignment>/autograder/<zip> from the assignment's single source."""
    from autograder.authoring.source import SourceError

    try:
        files = api.assign(assignment, out)
    except (SourceError, FileNotFoundError, api.assignments.AssignmentError) as exc:
        _fail(str(exc))
    for p in files:
        out_console.print(str(p))


@app.command()
def audit(
    assignment: Annotated[Optional[str], typer.Argument(help="An assignment under assignments/ with an audit.toml (default: the default).")] = None,
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
        from autograder.report.files import write_atomic

        write_atomic(json_file, report.model_dump_json(indent=1))  # a reader never sees half a file
    raise typer.Exit(1 if report.failed else 0)


LEAVE_AT_ONCE = frozenset({"check"})  # commands whose process has nothing left to clean up when they return


def main() -> None:
    """The `autograder` command. After `check`, the process exits at once: the interpreter's teardown of
    torch and scipy would take 0.7 s of a 3 s check, and the check leaves no file, thread or process behind."""
    try:
        app()
    except SystemExit as exc:
        if not LEAVE_AT_ONCE.intersection(sys.argv[1:2]):  # the command is the first argument
            raise
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1)
