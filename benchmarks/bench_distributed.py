"""Grade one class with `--jobs 2` and with a LocalCluster of two workers (`--scheduler local:2`); print both.

    .venv/bin/python benchmarks/bench_distributed.py [--n 100] [--repeat 3] [--workers 2]

Each run is a fresh `autograder grade --force` process, timed from start to exit (imports, starting
the cluster or the sandboxes, grading, writing the files), the two alternating so that the load of
a shared machine falls on both alike. Prints every run's wall-clock seconds and the CPU seconds of
the grader's own processes (client, scheduler, Dask workers; sandboxed children are not all reaped
into that count), the medians and best runs, their ratio (target: the cluster at most 1.10 x the
local run), and whether the two gradebooks are identical. On a busy machine, read several runs.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
from pathlib import Path

from bench_grade import PY, build_class, timed


def grade(klass: Path, out: Path, how: list[str]) -> tuple[float, float]:
    """Wall-clock and grader CPU seconds of one `autograder grade` of `klass` into `out`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds, r, _ = timed([PY, "-m", "autograder", "grade", str(klass), "--out", str(out), "--force", *how])
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        sys.exit(f"grade {' '.join(how)} failed:\n{r.stderr[-3000:]}")
    return seconds, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100, help="submissions in the class")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each")
    ap.add_argument("--workers", type=int, default=2, help="--jobs N against --scheduler local:N")
    args = ap.parse_args()
    ways = {"local": ["--jobs", str(args.workers)], "cluster": ["--scheduler", f"local:{args.workers}"]}
    wall: dict[str, list[float]] = {k: [] for k in ways}
    cpu: dict[str, list[float]] = {k: [] for k in ways}
    load = [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory(prefix="bench-dask-") as tmpdir:
        tmp = Path(tmpdir)
        build_class(tmp / "class", args.n)
        for i in range(args.repeat):
            for name, how in (ways.items() if i % 2 == 0 else reversed(ways.items())):
                w, c = grade(tmp / "class", tmp / name, how)
                wall[name].append(w)
                cpu[name].append(c)
                load.append(os.getloadavg()[0])
                print(f"  run {i + 1} {name:7} {w:6.1f} s  (grader cpu {c:5.1f} s, load {load[-1]:.1f})", flush=True)
        same = (tmp / "local" / "gradebook.csv").read_text() == (tmp / "cluster" / "gradebook.csv").read_text()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, load {min(load):.1f} to {max(load):.1f}")
    for name, label in (("local", f"--jobs {args.workers}"), ("cluster", f"--scheduler local:{args.workers}")):
        print(f"grade {label:20} {args.n} submissions: median {statistics.median(wall[name]):5.1f} s, "
              f"best {min(wall[name]):5.1f} s, grader cpu {statistics.median(cpu[name]):5.1f} s")
    ratio = statistics.median(wall["cluster"]) / statistics.median(wall["local"])
    best = min(wall["cluster"]) / min(wall["local"])
    print(f"cluster / local: {ratio:.2f} (medians), {best:.2f} (best runs); target <= 1.10")
    print(f"gradebooks identical: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
