"""The only orchestration: grade, check, rescore, demo. Student code runs only in `observe`."""
from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from pydantic import ValidationError

import autograder
from autograder import assignment as assignments
from autograder import checks, load, local_pool, rubric
from autograder.assignment import Assignment
from autograder.checks.custom import store as store_custom_checks
from autograder.model import Frozen, Outcome, ProbeError, ProbeRecord, RunRecord, TestResult
from autograder.otter.verdicts import NOTEBOOK_KEY
from autograder.report.files import write_atomic
from autograder.report.results import (GradebookRow, GradescopeResults, Provenance, StoredObservations, gradescope,
                                       write_gradebook, write_json)
from autograder.report.status import FIELD as STATUS_FIELD
from autograder.report.status import MISSING_MODULE, Status, missing_module, status_of
from autograder.sandbox.isolation import Level, available
from autograder.sandbox.runner import Job, Limits, Worker

OBSERVATIONS = "observations"
GRADEBOOK = "gradebook.csv"
RUBRIC_DIR = "rubric"  # DIR/rubric/: a copy of the rubric the results were scored with, and its record
RUBRIC_RECORD = "record.json"


class RubricMismatch(ValueError):
    """A grades folder scored with one rubric, asked to take results of another: the user must say which."""


class RubricRecord(Frozen):
    """Which rubric a grades folder's results were scored with: `DIR/rubric/<copy>` and its hashes."""

    assignment: str
    source: str  # the file it was read from
    copy_name: str  # the file name of the copy under DIR/rubric/
    sha256: str  # of the file's bytes
    rubric_hash: str  # `Assignment.rubric_hash`: what scores depend on


def recorded_rubric(out: Path) -> RubricRecord | None:
    """The rubric record of a grades folder, or None (a new folder, or one graded before records existed)."""
    try:
        return RubricRecord.model_validate_json((out / RUBRIC_DIR / RUBRIC_RECORD).read_text())
    except OSError:
        return None
    except (ValidationError, ValueError) as exc:
        raise RubricMismatch(f"{out / RUBRIC_DIR / RUBRIC_RECORD} is damaged ({str(exc).splitlines()[0]}): "
                             "say which rubric to use with --rubric FILE") from None


def record_rubric(out: Path, source: Path, a: Assignment) -> RubricRecord:
    """Copy the rubric file into DIR/rubric/ and record where it came from and its hashes."""
    existing = recorded_rubric(out)
    if existing is not None and source.resolve() == (out / RUBRIC_DIR / existing.copy_name).resolve():
        return existing  # graded with the folder's own copy: the record stands
    data = source.read_bytes()
    copy = "assignment" + (source.suffix or ".toml")
    rec = RubricRecord(assignment=a.name, source=str(source), copy_name=copy, sha256=hashlib.sha256(data).hexdigest(),
                       rubric_hash=a.rubric_hash)
    if existing != rec or not (out / RUBRIC_DIR / copy).is_file():
        write_atomic(out / RUBRIC_DIR / copy, data)
        store_custom_checks(out / RUBRIC_DIR / copy, a.custom_checks)  # the assignment's own check kinds, beside it
        write_atomic(out / RUBRIC_DIR / RUBRIC_RECORD, rec.model_dump_json(indent=1))
    return rec


def rubric_for(out: Path, assignment: str | None, rubric_file: Path | None) -> tuple[Assignment, Path]:
    """The rubric to grade into `out` with: `rubric_file` if given, else the assignment's own one.

    Raises RubricMismatch, naming both files, when `out` records another rubric and none was given.
    """
    path = rubric_file if rubric_file is not None else assignments.path_of(assignment or assignments.default_name())
    a = assignments.load_file(path)
    rec = recorded_rubric(out)
    if rubric_file is None and rec is not None and rec.rubric_hash != a.rubric_hash:
        kept = out / RUBRIC_DIR / rec.copy_name
        raise RubricMismatch(
            f"{out} was scored with the rubric {kept} (copied from {rec.source}, rubric hash {rec.rubric_hash}), "
            f"not with {path} (rubric hash {a.rubric_hash}). Say which: `--rubric {kept}` keeps the folder's rubric "
            f"(e.g. after `rescore --rubric`); `--rubric {path}` rescores every result in {out} with that one.")
    return a, path


@dataclass(frozen=True)
class GradeOptions:
    """How a batch is graded."""

    out_dir: Path = Path("grades")
    jobs: int = 1
    force: bool = False
    isolation: str | None = None
    assignment: str | None = None  # None: the assignments folder's default
    limits: Limits | None = None
    scheduler: str | None = None  # a Dask scheduler: "local", "local:N" or "tcp://host:port"
    shard: tuple[int, int] | None = None  # (k, n): grade only the k-th of n parts (1-based)
    rubric: Path | None = None  # an assignment file to grade with instead of the assignment's own


@dataclass(frozen=True)
class Graded:
    """One submission's outcome in a batch."""

    path: Path
    stem: str
    results: GradescopeResults
    reused: bool = False


@dataclass
class BatchResult:
    """A batch: what was graded, what could not be found, and where the files are."""

    graded: list[Graded] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    isolation: str = ""
    out_dir: Path = Path("grades")
    assignment: Assignment | None = None  # the rubric the batch was scored with


def limits_for(a: Assignment) -> Limits:
    """The assignment's limits as the runner takes them."""
    s = a.limits
    return Limits(submission_seconds=s.submission_seconds, question_seconds=s.question_seconds,
                  memory_mb=s.memory_mb, output_bytes=s.output_bytes)


def limits_with(assignment: str | None, **overrides: float | int | None) -> Limits | None:
    """The assignment's limits with the given ones replaced (None: no override at all)."""
    given = {k: v for k, v in overrides.items() if v is not None}
    if not given:
        return None
    return dataclasses.replace(limits_for(assignments.load(assignment)), **given)


def observe(worker: Worker, a: Assignment, name: str, data: bytes, limits: Limits, *, public_only: bool = False) -> StoredObservations:
    """Run a submission's code in the worker's sandbox and keep what it did (no scoring here)."""
    src = load.parse(Path(name), data)
    if isinstance(src, load.LoadFailure):
        return StoredObservations(submission=name, sha256=src.sha256, assignment=a.name,
                                  probe_fingerprint=a.probe_fingerprint, load_failure=src.message)
    wanted = {t.probe for t in a.tests if t.visibility == "public"} if public_only else {p.id for p in a.probes}
    job = Job(source=src.text, line_labels=src.labels, probes=[p.model_dump() for p in a.probes if p.id in wanted], seed=a.seed,
              ipython=src.ipython)
    run = worker.run(job, limits)
    return StoredObservations(submission=name, sha256=src.sha256, assignment=a.name,
                              probe_fingerprint=a.probe_fingerprint, run=run)


def grade_one(worker: Worker, a: Assignment, name: str, data: bytes, limits: Limits) -> tuple[StoredObservations, GradescopeResults]:
    """Observe one submission in the worker's sandbox, then score it (the unit a distributed task runs)."""
    stored = observe(worker, a, name, data, limits)
    _, res = judge(a, stored)
    return stored, res


def judge(a: Assignment, stored: StoredObservations, *, produced_by: str = "run", public_only: bool = False) -> tuple[list[TestResult], GradescopeResults]:
    """Score stored observations: pure, runs no student code."""
    if stored.grader_error is not None:
        records, summary = {}, "Grader error: this submission could not be graded; your instructor has been told."
        status = Status.GRADER_ERROR
    elif stored.load_failure is not None or stored.run is None:
        records = rubric.load_failure_records(a, stored.load_failure or "no observations")
        summary = f"The submission could not be loaded: {stored.load_failure}"
        status = Status.LOAD_ERROR
    else:
        records = stored.run.records
        summary = _summary(stored.run)
        status = Status.LOAD_ERROR if stored.run.load_error is not None else Status.OK
    tests = rubric.score(a, records, public_only=public_only, grader_error=stored.grader_error)
    if stored.run is not None and stored.run.cell_errors:  # what the code did not define may be a raising cell's
        tests = [t.model_copy(update={"output": f"{t.output} ({CELL_ERROR_HINT})"}) if t.outcome == Outcome.ERROR else t
                 for t in tests]
    if any(t.outcome == Outcome.GRADER_ERROR for t in tests):
        status = Status.GRADER_ERROR
    prov = Provenance(grader_version=autograder.__version__, assignment=a.name, rubric_hash=a.rubric_hash,
                      probe_fingerprint=stored.probe_fingerprint, check_versions=a.check_versions,
                      produced_by=produced_by, submission=stored.submission, sha256=stored.sha256,
                      graded_at=Provenance.now(), isolation=stored.run.isolation if stored.run else "")
    res = gradescope(tests, prov, summary=summary)
    res.extra_data[STATUS_FIELD] = status.value
    if stored.run is not None and (missing := _missing_module(stored.run)) is not None:
        res.extra_data[MISSING_MODULE] = missing
    return tests, res


def _missing_module(run: RunRecord) -> str | None:
    """The module the submission could not import: at its import (a .py stops there) or in a notebook's cell (the
    cells after it ran, without it). Named after `grade`'s table, and such a result is graded again next time."""
    for err in [run.load_error, *run.cell_errors]:
        if err is not None and err.missing_module:
            return err.missing_module
    return None


def _summary(run: RunRecord) -> str:
    parts = []
    if run.load_error is not None:
        where = f" ({run.load_error.where})" if run.load_error.where else ""
        parts.append(f"The submission could not be imported{where}: {run.load_error.message}")
    if run.cell_errors:
        parts.append(cell_errors_text(run.cell_errors))
    if run.stdout.strip():
        shown = run.stdout if len(run.stdout) <= 4000 else (
            run.stdout[:2000] + f"\n[... {len(run.stdout) - 4000} characters not shown here ...]\n" + run.stdout[-2000:])
        parts.append("Your code printed:\n" + shown)
    return "\n\n".join(parts)


CELL_ERROR_HINT = "a cell of your notebook raised an error: see the list at the top"


def cell_errors_text(errors: list[ProbeError]) -> str:
    """What the student reads about notebook cells that raised while the others ran on."""
    listed = "\n".join(f"- {e.where or 'a cell'}: {e.exc_type or 'error'}: {e.message}" for e in errors)
    return ("Some cells of your notebook raised an error; the cells after them still ran, as otter-grader and "
            "Jupyter's Run All with errors allowed run a notebook. What a cell would have defined after its error "
            f"is missing:\n{listed}")


def parse_shard(text: str) -> tuple[int, int]:
    """'K/N' -> (K, N), with 1 <= K <= N."""
    try:
        k, n = (int(x) for x in text.split("/"))
    except ValueError:
        raise ValueError(f"--shard takes K/N, e.g. 1/4 (got {text!r})") from None
    if not 1 <= k <= n:
        raise ValueError(f"--shard {text}: K must be between 1 and N")
    return k, n


def merge(out: Path, shards: list[Path]) -> int:
    """Copy every shard's results and observations into `out`; write one gradebook. Returns the count."""
    merged: dict[str, GradescopeResults] = {}
    names = set()
    records = {shard: recorded_rubric(shard) for shard in shards}
    hashes = {r.rubric_hash for r in records.values() if r is not None}
    if len(hashes) > 1:
        raise RubricMismatch("the shards were scored with different rubrics: " + "; ".join(
            f"{shard}: {r.source} ({r.rubric_hash})" for shard, r in records.items() if r is not None))
    for shard in shards:
        if not (shard / OBSERVATIONS).is_dir():
            raise FileNotFoundError(f"{shard} is not a grades folder (no {OBSERVATIONS}/)")
        for stem, res in results_in(shard).items():
            if stem in merged:
                raise ValueError(f"{stem} appears in two shards: were they graded with the same K/N split?")
            merged[stem] = res
            names.add(res.provenance().assignment)
            write_atomic(out / OBSERVATIONS / f"{stem}.json", (shard / OBSERVATIONS / f"{stem}.json").read_bytes())
            write_json(out / f"{stem}.json", res)
    rec = next((r for r in records.values() if r is not None), None)
    if rec is not None:
        shard = next(s for s, r in records.items() if r is not None)
        a = assignments.load_file(shard / RUBRIC_DIR / rec.copy_name)
        write_atomic(out / RUBRIC_DIR / rec.copy_name, (shard / RUBRIC_DIR / rec.copy_name).read_bytes())
        store_custom_checks(out / RUBRIC_DIR / rec.copy_name, a.custom_checks)
        write_atomic(out / RUBRIC_DIR / RUBRIC_RECORD, rec.model_dump_json(indent=1))
    else:
        a = assignments.load(names.pop() if len(names) == 1 else None)
    write_gradebook(out / GRADEBOOK, [row(s, r.provenance().submission, r, a) for s, r in merged.items()], a.questions)
    return len(merged)


def _stems(paths: list[Path]) -> dict[Path, str]:
    """`<file stem>` for each path; a stem used twice gets a short hash of the path."""
    counts: dict[str, int] = {}
    for p in paths:
        counts[p.stem] = counts.get(p.stem, 0) + 1
    return {p: p.stem if counts[p.stem] == 1 else f"{p.stem}-{hashlib.sha256(str(p).encode()).hexdigest()[:8]}" for p in paths}


def _reusable(a: Assignment, out: Path, stem: str, sha: str, limits: Limits) -> GradescopeResults | None:
    """The stored result if it still holds; rescored from its observations if only the rubric changed."""
    try:
        res = GradescopeResults.model_validate_json((out / f"{stem}.json").read_text())
        prov = res.provenance()
        text = (out / OBSERVATIONS / f"{stem}.json").read_text()
        stored = StoredObservations.model_validate_json(text)
    except (OSError, ValidationError, KeyError, ValueError):
        return None
    if status_of(res) is Status.GRADER_ERROR or stored.grader_error is not None:
        return None
    if missing_module(res) is not None:
        return None  # the grading environment may have that package now
    if stored.run is not None and stored.run.limits != limits.as_dict():
        return None  # other time or memory limits can change what the run observed
    same_run = (prov.sha256 == sha and prov.grader_version == autograder.__version__
                and prov.probe_fingerprint == a.probe_fingerprint == stored.probe_fingerprint)
    if not same_run:
        return None
    if prov.rubric_hash == a.rubric_hash and prov.check_versions == a.check_versions:
        return res
    if prov.observations_sha256 != hashlib.sha256(text.encode()).hexdigest():
        return None  # changed after grading: run it again
    _, new = judge(a, stored, produced_by="rescore")
    new.extra_data["rescore"] = {"previous_score": res.score, "previous_rubric_hash": prov.rubric_hash}
    return save(out, stem, stored, new, observations_text=text)


def row(stem: str, path: Path | str, res: GradescopeResults, a: Assignment) -> GradebookRow:
    """The gradebook row of one results file."""
    per_q = res.question_scores()
    return GradebookRow(submission=stem, file=str(path), score=res.score, max_score=res.max_score,
                        questions={q: per_q.get(q, 0.0) for q in a.questions}, status=status_of(res).value)


def save(out: Path, stem: str, stored: StoredObservations, res: GradescopeResults, *, observations_text: str | None = None) -> GradescopeResults:
    """Write observations first (unless given as already stored), then results, which record their hash."""
    text = observations_text
    if text is None:
        text = stored.model_dump_json()
        write_atomic(out / OBSERVATIONS / f"{stem}.json", text)
    prov = {**res.extra_data["provenance"], "observations_sha256": hashlib.sha256(text.encode()).hexdigest()}
    res = res.model_copy(update={"extra_data": {**res.extra_data, "provenance": prov}})
    write_json(out / f"{stem}.json", res)
    return res


def grade_paths(paths: list[Path], options: GradeOptions, on_progress: Callable[[Graded, int, int], None] | None = None,
                on_start: Callable[[Path], None] | None = None) -> BatchResult:
    """Grade every submission under `paths`, `options.jobs` at a time; write results and the gradebook.

    The rubric is `options.rubric`, else the assignment's own; RubricMismatch when the folder
    records another one and `options.rubric` does not say which (see `rubric_for`).
    """
    files, problems = load.discover(paths)
    stems = _stems(files)  # before sharding, so that a name is the same in every shard
    if options.shard:
        k, n = options.shard
        files = files[k - 1::n]  # discover() sorts: every shard sees the same order
    level = available(options.isolation)
    pool = None
    if files and not options.scheduler and (options.force or any(not (options.out_dir / f"{stems[p]}.json").exists() for p in files)):
        # some file will be run: the workers start (bubblewrap, torch) while the rubric loads (the checks: torch, scipy)
        pool = local_pool.Pool(min(max(1, options.jobs), len(files)), level)
    try:
        return _grade_files(paths, files, problems, stems, level, options, pool, on_progress, on_start)
    finally:
        if pool is not None:
            pool.close()


def _grade_files(paths: list[Path], files: list[Path], problems: list[str], stems: dict[Path, str], level: Level,
                 options: GradeOptions, pool: local_pool.Pool | None, on_progress: Callable[[Graded, int, int], None] | None,
                 on_start: Callable[[Path], None] | None) -> BatchResult:
    a, rubric_path = rubric_for(options.out_dir, options.assignment, options.rubric)
    out = options.out_dir
    out.mkdir(parents=True, exist_ok=True)
    for stale in [*out.glob(".*.tmp"), *out.glob(f"{OBSERVATIONS}/.*.tmp")]:  # left by a killed run
        stale.unlink(missing_ok=True)
    batch = BatchResult(problems=problems, isolation=level.value, out_dir=out, assignment=a)
    limits = options.limits or limits_for(a)
    todo: list[tuple[Path, bytes]] = []
    lock = threading.Lock()

    def finish(g: Graded) -> None:
        with lock:
            batch.graded.append(g)
            if on_progress:
                on_progress(g, len(batch.graded), len(files))

    for p in files:
        try:
            data = load.read(p, within=load.folder_of(p, paths))  # capped; a link swapped in since discovery is refused
        except OSError as exc:
            data = b""
            problems.append(f"{p}: {exc.strerror}")
        reused = None if options.force else _reusable(a, out, stems[p], load.digest(data), limits)
        if reused is not None:
            finish(Graded(path=p, stem=stems[p], results=reused, reused=True))
        else:
            todo.append((p, data))
    if todo and options.scheduler:
        _run_on_cluster(options.scheduler, a, todo, stems, out, level, limits, finish)
    elif todo:
        _run_locally(a, todo, stems, out, level, limits, options.jobs, finish, on_start, pool)
    write_gradebook(out / GRADEBOOK, [row(g.stem, g.path, g.results, a) for g in batch.graded], a.questions)
    record_rubric(out, rubric_path, a)
    batch.graded.sort(key=lambda g: g.stem)
    return batch


def _grader_failure(a: Assignment, item: tuple[Path, bytes], trace: str) -> StoredObservations:
    """What is stored for a submission our own code failed on: a grader error, graded again next time."""
    p, data = item
    return StoredObservations(submission=str(p), sha256=load.digest(data), assignment=a.name,
                              probe_fingerprint=a.probe_fingerprint, grader_error=trace)


def _grader_error(a: Assignment, item: tuple[Path, bytes], trace: str) -> tuple[StoredObservations, GradescopeResults]:
    """A grader error's observations and results."""
    stored = _grader_failure(a, item, trace)
    return stored, judge(a, stored)[1]


SCORING_BACKLOG = 4  # per worker: observed submissions waiting to be scored (bounds what the parent holds)


def _run_locally(a: Assignment, todo: list[tuple[Path, bytes]], stems: dict[Path, str], out: Path, level: Level,
                 limits: Limits, jobs: int, finish: Callable[[Graded], None], on_start: Callable[[Path], None] | None,
                 pool: local_pool.Pool | None = None) -> None:
    """The local pool observes (`pool` if started already); one scoring thread judges and saves, so that no
    sandbox waits for the checks."""
    room = threading.Semaphore(SCORING_BACKLOG * max(1, jobs))

    def score(item: tuple[Path, bytes], stored: StoredObservations) -> None:
        p = item[0]
        try:
            try:
                res = judge(a, stored)[1]
            except Exception:  # noqa: BLE001 - our bug costs this submission a rerun, never the batch
                stored, res = _grader_error(a, item, traceback.format_exc())
            finish(Graded(path=p, stem=stems[p], results=save(out, stems[p], stored, res)))
        finally:
            room.release()

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="autograder-scoring") as scoring:
        pending = []

        def receive(item: tuple[Path, bytes], stored: StoredObservations) -> None:
            room.acquire()
            pending.append(scoring.submit(score, item, stored))

        work = {"task": lambda worker, item: observe(worker, a, str(item[0]), item[1], limits),
                "failed": partial(_grader_failure, a), "receive": receive,
                "on_start": (lambda item: on_start(item[0])) if on_start else None}  # the progress line names the file
        if pool is not None:
            pool.run(todo, **work)
        else:
            local_pool.run(todo, jobs, level, **work)
        for f in pending:
            f.result()


def _cluster_task(worker: Worker, a: Assignment, name: str, data: bytes, limits: Limits) -> tuple[str, str]:
    """What a Dask worker runs for one submission (handed to `distributed` by reference): both as JSON."""
    stored, res = grade_one(worker, a, name, data, limits)
    return stored.model_dump_json(), res.model_dump_json()


def _warm_scoring() -> None:
    """What a grading process imports before its first submission (a Dask worker, while its sandbox starts)."""
    checks.preload()


def crashed(a: Assignment, name: str, level: Level, *, tries: int, last_worker: str) -> tuple[StoredObservations, GradescopeResults]:
    """The result of a submission whose worker died every time it ran it: every probe crashed, scored as usual."""
    # no sha256: the next `grade` tries it again (a worker's death may be the machine's fault) instead of reusing this
    message = (f"not graded: the grading worker died each of the {tries} times it ran this submission — code that "
               "exhausts the machine's memory can do this; if yours runs within the limits, ask your instructor to grade it again")
    err = ProbeError(kind="crashed", message=message)
    run = RunRecord(records={p.id: ProbeRecord(probe=p.id, error=err) for p in a.probes}, attempts=tries,
                    isolation=level.value, notes=[f"dask: the worker died on each of {tries} attempts (last: {last_worker})"])
    stored = StoredObservations(submission=name, sha256=None, assignment=a.name, probe_fingerprint=a.probe_fingerprint, run=run)
    return stored, judge(a, stored)[1]


def _run_on_cluster(scheduler: str, a: Assignment, todo: list[tuple[Path, bytes]], stems: dict[Path, str], out: Path,
                    level: Level, limits: Limits, finish: Callable[[Graded], None]) -> None:
    """Grade `todo` on a Dask cluster; each result is validated, saved and finished here, once."""
    from autograder import distributed  # optional extra: mlsheet-autograder[dask]

    def receive(item: tuple[Path, bytes], outcome: distributed.Outcome) -> None:
        p, data = item
        if isinstance(outcome, distributed.Done):
            try:
                stored_json, res_json = outcome.value  # type: ignore[misc]
                stored = StoredObservations.model_validate_json(stored_json)
                res = GradescopeResults.model_validate_json(res_json)
            except (ValidationError, TypeError, ValueError) as exc:
                raise RuntimeError(f"a Dask worker sent back invalid results for {p}: {exc}") from exc
        elif isinstance(outcome, distributed.Crashed):
            stored, res = crashed(a, str(p), level, tries=outcome.tries, last_worker=outcome.last_worker)
        else:  # our bug on the worker: as in a local run, it costs this submission a rerun, never the batch
            stored, res = _grader_error(a, item, "".join(traceback.format_exception(outcome.error)))
        finish(Graded(path=p, stem=stems[p], results=save(out, stems[p], stored, res)))

    work = ((item, distributed.Task(key=stems[item[0]], fn=_cluster_task, args=(a, str(item[0]), item[1], limits)))
            for item in todo)
    distributed.run(scheduler, level, work, receive, warm=_warm_scoring)


def recorded_assignment(data: bytes) -> str | None:
    """The assignment a handed-out notebook records in its metadata, or None (not a notebook, or none recorded)."""
    try:
        name = json.loads(data)["metadata"][NOTEBOOK_KEY]["assignment"]
    except (ValueError, KeyError, TypeError):
        return None
    return name if isinstance(name, str) and name.isidentifier() else None


def check(path: Path, *, assignment: str | None = None, question: str | None = None,
          isolation: str | None = None, worker: Worker | None = None) -> tuple[list[TestResult], StoredObservations]:
    """A student's own check: public tests only (optionally one question), nothing written.

    `worker`: a started worker to run it in (a notebook's warm checker); else a new one is started.

    The assignment is `assignment`, else the one the notebook records, else the default; only its
    public part is read (all that the student package carries).
    """
    try:
        data = load.read(path)
    except OSError as exc:
        raise FileNotFoundError(f"cannot read {path}: {exc.strerror}") from exc
    name = assignment or recorded_assignment(data)
    # loading the assignment imports the checks (torch, scipy): in a thread, while a new worker's server
    # imports torch in its sandbox (another process); the worker needs no preload for one submission
    with ThreadPoolExecutor(max_workers=1) as pool:
        public = pool.submit(_public_part, name, question)
        with Worker(slot=0, level=available(isolation), preload=False) if worker is None else contextlib.nullcontext(worker) as w:
            a = public.result()
            stored = observe(w, a, str(path), data, limits_for(a), public_only=True)
    tests, _ = judge(a, stored, public_only=True)
    return tests, stored


def _public_part(name: str | None, question: str | None) -> Assignment:
    """The assignment's public part (one question's tests if given), with the checks imported."""
    a = assignments.load_public(name)
    if question is not None:
        if question not in a.questions:
            raise ValueError(f"unknown question {question!r}; the questions are {', '.join(a.questions)}")
        a = a.model_copy(update={"tests": [t for t in a.tests if t.question == question]})
    checks.preload(statistics=False)  # scipy.stats waits for a check that uses it: few public tests do
    return a


@dataclass(frozen=True)
class Rescored:
    """One submission in a rescore: its old and new score, or why it could not be rescored."""

    stem: str
    status: str  # "rescored" | "rerun" | "stale" | "invalid"
    old_score: float | None
    new_score: float | None
    message: str = ""
    old_max: float | None = None  # the maximum before and after: a rubric can change it
    new_max: float | None = None


def results_in(out: Path) -> dict[str, GradescopeResults]:
    """Every valid results file in a grades folder, by stem."""
    return {p.stem: r for p in sorted(out.glob("*.json")) if (r := _read_results(p)) is not None}


def _read_results(path: Path) -> GradescopeResults | None:
    try:
        return GradescopeResults.model_validate_json(path.read_text())
    except (OSError, ValidationError, ValueError):
        return None


def _rescore_one(a: Assignment, out: Path, stem: str) -> tuple[Rescored, GradebookRow | None, Path | None]:
    """Rescore one submission: (what happened, its gradebook row now, its file if it must be re-run)."""
    before = _read_results(out / f"{stem}.json")
    prev = before.score if before else None
    kept = row(stem, before.provenance().submission, before, a) if before and "provenance" in before.extra_data else None
    hint = f"re-grade it: autograder grade <its file> --out {out} --force"
    try:
        text = (out / OBSERVATIONS / f"{stem}.json").read_text()
        stored = StoredObservations.model_validate_json(text)
    except OSError:
        return Rescored(stem, "invalid", prev, None, f"no stored observations — {hint}"), kept, None
    except (ValidationError, ValueError) as exc:
        why = f"stored observations are truncated or malformed ({str(exc).splitlines()[0][:120]}) — {hint}"
        return Rescored(stem, "invalid", prev, None, why), kept, None
    recorded = before.provenance().observations_sha256 if kept else None
    if recorded and recorded != hashlib.sha256(text.encode()).hexdigest():
        return Rescored(stem, "invalid", prev, None, f"stored observations were changed after grading — {hint}"), kept, None
    if stored.probe_fingerprint != a.probe_fingerprint or stored.grader_error is not None:
        why = ("its run ended in a grader error" if stored.grader_error is not None else
               "its observations were recorded by other probes than this rubric needs") + " — run rescore with --rerun"
        return Rescored(stem, "stale", prev, None, why), kept, Path(stored.submission)
    _, res = judge(a, stored, produced_by="rescore")
    res.extra_data["rescore"] = {"previous_score": prev, "previous_rubric_hash": before.provenance().rubric_hash if kept else None}
    res = save(out, stem, stored, res, observations_text=text)
    return (Rescored(stem, "rescored", prev, res.score, old_max=before.max_score if before else None, new_max=res.max_score),
            row(stem, stored.submission, res, a), None)


def _rescore_chunk(a: Assignment, out: Path, stems: list[str]) -> list[tuple[Rescored, GradebookRow | None, Path | None]]:
    return [_rescore_one(a, out, stem) for stem in stems]


def rescore(out: Path, *, rubric_file: Path | None = None, rerun: bool = False, isolation: str | None = None,
            processes: int = 2) -> list[Rescored]:
    """Recompute every score in `out` from stored observations; run student code only with `rerun`."""
    if not (out / OBSERVATIONS).is_dir():
        raise FileNotFoundError(f"{out} has no {OBSERVATIONS}/ folder: grade it first with `autograder grade ... --out {out}`")
    stems = sorted({p.stem for p in (out / OBSERVATIONS).glob("*.json")}
                   | {p.stem for p in out.glob("*.json")})
    rec = recorded_rubric(out)
    if rubric_file:
        source = rubric_file
    elif rec is not None:  # the rubric the folder was last scored with, never silently the default
        source = out / RUBRIC_DIR / rec.copy_name
    else:
        first = next((r for s in stems if (r := _read_results(out / f"{s}.json")) and "provenance" in r.extra_data), None)
        source = assignments.path_of(first.provenance().assignment if first else assignments.default_name())
    a = assignments.load_file(source)
    checks.preload()
    outcomes = _in_parallel(a, out, stems, processes)
    items = [o[0] for o in outcomes if o[0].status != "stale" or not rerun]
    rows = {o[0].stem: o[1] for o in outcomes if o[1] is not None}
    stale = [(o[0].stem, o[2]) for o in outcomes if o[0].status == "stale" and o[2] is not None]
    if rerun and stale:
        for item, new_row in _rerun(a, out, stale, {o[0].stem: o[0].old_score for o in outcomes}, isolation):
            items.append(item)
            if new_row is not None:
                rows[item.stem] = new_row
    write_gradebook(out / GRADEBOOK, list(rows.values()), a.questions)
    if all(i.status in ("rescored", "rerun") for i in items):  # else some results keep the old rubric's scores
        record_rubric(out, source, a)
    return sorted(items, key=lambda i: i.stem)


def _in_parallel(a: Assignment, out: Path, stems: list[str], processes: int) -> list[tuple[Rescored, GradebookRow | None, Path | None]]:
    """Rescore in forked processes (the checks are imported already, so they start at once)."""
    if processes <= 1 or len(stems) < 64:
        return _rescore_chunk(a, out, stems)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    import torch

    torch.set_num_threads(1)  # before fork: a child of a multithreaded torch parent can deadlock
    chunks = [stems[k::processes] for k in range(processes)]
    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork")) as pool:
        parts = list(pool.map(_rescore_chunk, [a] * processes, [out] * processes, chunks))
    return [o for part in parts for o in part]


def _rerun(a: Assignment, out: Path, stale: list[tuple[str, Path]], previous: dict[str, float | None],
           isolation: str | None) -> list[tuple[Rescored, GradebookRow | None]]:
    """Run again the submissions whose observations this rubric cannot use."""
    done = []
    with Worker(slot=0, level=available(isolation)) as worker:
        for stem, path in stale:
            prev = previous.get(stem)
            before = _read_results(out / f"{stem}.json")
            try:
                data = load.read(path, within=path.parent)
            except OSError as exc:
                done.append((Rescored(stem, "stale", prev, None, f"cannot re-run: {path} is unreadable ({exc.strerror})"), None))
                continue
            stored, res = grade_one(worker, a, str(path), data, limits_for(a))
            res.extra_data["rescore"] = {"previous_score": prev, "rerun": True}
            res = save(out, stem, stored, res)
            done.append((Rescored(stem, "rerun", prev, res.score, old_max=before.max_score if before else None, new_max=res.max_score),
                         row(stem, str(path), res, a)))
    return done


def assign(name: str | None, out: Path) -> list[Path]:
    """Build what is handed out and what grades it, from the assignment's single source."""
    from autograder.authoring import build_assignment

    base = build_assignment(name, out)
    return sorted(q for q in base.rglob("*") if q.is_file())
