"""A trusting in-process grader: the same probes and checks as `grade`, without any sandbox.

    .venv/bin/python benchmarks/baseline.py FOLDER --out GRADES [--jobs 2] [--assignment sheet03]

Written for the benchmarks only, as the yardstick of what isolation costs: each of `--jobs`
processes (forked from a parent that imported torch and the checks) executes its share of the
submissions in its own interpreter, one after the other, runs the assignment's probes on them
(`autograder.probes`, through the child's own table), validates the observations into the
records the rubric reads, scores them with `api.judge` and writes the same results files with
`api.save`. What it leaves out is exactly what isolation adds: the fork per submission, the
bubblewrap and uid/Landlock/seccomp confinement, the protocol between child and parent, the
verification of every observation against the grader's inputs, timeouts and output caps.

NEVER use this on untrusted code: a submission runs with all of this process's rights, and can
change what the next submission sees.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from pydantic import ValidationError

from autograder import api, assignment, checks, load
from autograder.assignment import Assignment
from autograder.model import ProbeError, ProbeRecord, RunRecord
from autograder.report.results import StoredObservations
from autograder.sandbox import child  # its probe table, preparation and loading: the same code the sandbox runs


def run_trusting(a: Assignment, name: str, data: bytes) -> StoredObservations:
    """Execute a submission in this process and run every probe on it (no isolation, no verification)."""
    import torch

    src = load.parse(Path(name), data)
    if isinstance(src, load.LoadFailure):
        return StoredObservations(submission=name, sha256=src.sha256, assignment=a.name,
                                  probe_fingerprint=a.probe_fingerprint, load_failure=src.message)
    # the autograd mode a submission leaves set at import (grad off, inference or anomaly mode) must not outlive it in
    # this shared process; the sandbox's children are fresh, and run every probe with grad on
    with torch.inference_mode(False), torch.enable_grad(), torch.autograd.set_detect_anomaly(False):
        return _observe(a, name, src)


def _observe(a: Assignment, name: str, src: load.Source) -> StoredObservations:
    t0 = time.monotonic()
    child.prepare(src.text, a.seed)  # torch.compile off, plots headless, generators seeded: as in the sandbox
    records: dict[str, ProbeRecord] = {}
    load_error = None
    cell_errors: list[dict] = []
    had_otter = "otter" in sys.modules
    workdir = tempfile.mkdtemp(prefix="baseline-")
    child.SUBMISSION_FILENAME = child._write_source(src.text, workdir)  # a real file, as in the sandbox
    cwd, argv, main = os.getcwd(), list(sys.argv), sys.modules["__main__"]
    os.chdir(workdir)  # as the sandbox's child: its private folder is the cwd, first on sys.path
    try:
        ns = child._load(src.text, src.labels, workdir, cell_errors)
    except BaseException as exc:  # noqa: BLE001 - a submission's import failure, as the child reports it
        load_error = ProbeError(**child._error(exc, src.labels, 0))
        ns = {}
    for spec in a.probes if load_error is None else []:
        p = spec.model_dump()
        start = time.monotonic()
        try:
            obs = child.observe(ns, p, a.seed, src.labels)  # as the child runs every probe
            record = {"probe": p["id"], "observation": obs, "seconds": time.monotonic() - start}
        except BaseException as exc:  # noqa: BLE001 - costs this probe only
            record = {"probe": p["id"], "error": child._error(exc, src.labels, 0), "seconds": time.monotonic() - start}
        try:
            records[p["id"]] = ProbeRecord.model_validate(record)
        except ValidationError as exc:
            records[p["id"]] = ProbeRecord(probe=p["id"], error=ProbeError(kind="bad_value", message=str(exc)[:500]))
    sys.modules.pop("submission", None)
    os.chdir(cwd)
    sys.argv = argv  # the child's loading sets it to the submission's name
    sys.modules["__main__"] = main  # ... and a notebook's module to __main__
    if workdir in sys.path:
        sys.path.remove(workdir)
    for mod in [m for m, v in sys.modules.items() if (getattr(v, "__file__", None) or "").startswith(workdir)]:
        del sys.modules[mod]  # a module the submission wrote (%%writefile) is its own, not the next one's
    if not had_otter:
        sys.modules.pop("otter", None)  # the child's stand-in for otter must not outlive the submission here
    shutil.rmtree(workdir, ignore_errors=True)
    run = RunRecord(records=records, load_error=load_error, stdout="", stderr="", attempts=1,
                    seconds=time.monotonic() - t0, isolation="none (trusting baseline)", notes=[], limits={},
                    cell_errors=[ProbeError(**e) for e in cell_errors])
    return StoredObservations(submission=name, sha256=src.sha256, assignment=a.name,
                              probe_fingerprint=a.probe_fingerprint, run=run)


def _grade_share(a: Assignment, out: Path, share: list[Path]) -> dict[str, float]:
    """Grade a share of the class one after the other; the score of each (by file stem)."""
    import torch

    torch.set_num_threads(1)  # as the sandbox's children run
    scores = {}
    for path in share:
        stored = run_trusting(a, str(path), path.read_bytes())
        _, res = api.judge(a, stored)
        scores[path.stem] = api.save(out, path.stem, stored, res).score
    return scores


def grade(folder: Path, out: Path, jobs: int = 2, name: str = "sheet03") -> dict[str, float]:
    """Grade every submission in `folder` with `jobs` forked processes; scores by file stem."""
    import torch

    a = assignment.load(name)
    checks.preload()  # torch, scipy and the checks once, before the fork (as `grade` warms its workers)
    torch.set_num_threads(1)  # before fork: a child of a multithreaded torch parent can deadlock
    files, _ = load.discover([folder])
    out.mkdir(parents=True, exist_ok=True)
    shares = [files[k::jobs] for k in range(jobs)]
    scores: dict[str, float] = {}
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        for part in pool.map(_grade_share, [a] * jobs, [out] * jobs, shares):
            scores.update(part)
    return scores


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--assignment", default="sheet03")
    args = ap.parse_args()
    t0 = time.perf_counter()
    scores = grade(args.folder, args.out, args.jobs, args.assignment)
    print(f"{len(scores)} submissions graded in process (no isolation) in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
