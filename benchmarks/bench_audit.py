"""Time `autograder audit ASSIGNMENT` as a user runs it (a fresh process) and print the counts.

    .venv/bin/python benchmarks/bench_audit.py [--assignment sheet03] [--jobs 1 2] [--seeds 0]

For each --jobs value: wall-clock seconds of the whole command (imports, variant generation,
sandbox start, grading, tables), the grading time the report states, variants per second, and
the counts (rewrites, mutants, false failures, missed, misattributed, declared blind spots).
With --seeds N, also the re-grading of the rewrites under N other seeds. Wall-clock on a shared
machine: read the figures as such.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(assignment: str, jobs: int, seeds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "audit.json"
        cmd = [sys.executable, "-m", "autograder", "audit", assignment, "--jobs", str(jobs), "--json", str(out)]
        if seeds:
            cmd += ["--seeds", str(seeds)]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        if not out.is_file():
            print(f"--jobs {jobs}: the audit did not run (exit {proc.returncode}):\n{proc.stderr[-2000:]}")
            return
        r = json.loads(out.read_text())
    graded = r["rewrites"] + r["mutants"] + 1  # and the reference
    print(f"audit {assignment} --jobs {jobs}: {wall:.1f} s for the command (exit {proc.returncode}); "
          f"grading {graded} sources took {r['seconds']:.1f} s ({graded / r['seconds']:.1f} per second)")
    print(f"  {r['rewrites']} rewrites: {len(r['false_failures'])} false failures "
          f"{[g['id'] for g in r['false_failures']]}")
    print(f"  {r['mutants']} mutants: {len(r['missed'])} missed {[g['id'] for g in r['missed']]}, "
          f"{len(r['misattributed'])} misattributed {[g['id'] for g in r['misattributed']]}; "
          f"{len(r['blind_spots'])} declared blind spots")
    s = r.get("seed_report")
    if s:
        print(f"  --seeds {len(s['seeds'])}: {s['gradings']} gradings in {s['seconds']:.1f} s, "
              f"{len(s['false_failures'])} false failures")
        for row in s["rows"]:
            if row["alpha"] is not None or row["failures"]:
                print(f"    {row['test']:<24} alpha {row['alpha']!s:<8} observed {row['failures']}/{row['gradings']} "
                      f"(95% upper bound {row['upper95']:.3g})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--assignment", default="sheet03")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--seeds", type=int, default=0)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for jobs in args.jobs:
        run(args.assignment, jobs, args.seeds)


if __name__ == "__main__":
    main()
