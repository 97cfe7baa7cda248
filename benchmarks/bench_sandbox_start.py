"""Worker start (fork server + canary) and a trivial job's round trip, at the strongest level here.

Usage: python benchmarks/bench_sandbox_start.py [--isolation LEVEL] [--repeat N]
Run it as an ordinary user to measure the rootless `userns` level.
"""
from __future__ import annotations

import argparse
import statistics
import time

from autograder.sandbox import canary
from autograder.sandbox.isolation import available
from autograder.sandbox.runner import Job, Limits, Worker

TRIVIAL = Job(source="x = 1\n", line_labels=["line 1"], probes=[canary.PROBE], seed=0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--isolation")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    level = available(args.isolation)
    starts, canaries, jobs = [], [], []
    for _ in range(args.repeat):
        worker = Worker(level=level)
        t0 = time.perf_counter()
        worker.start()
        starts.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        worker._check_canary(cached=False)  # noqa: SLF001 - timed alone: what the canary adds to a start (uncached)
        canaries.append(time.perf_counter() - t0)
        for _ in range(5):
            t0 = time.perf_counter()
            worker.run(TRIVIAL, Limits())
            jobs.append(time.perf_counter() - t0)
        worker.release()
    med = statistics.median
    print(f"level {level.value}: start (incl. canary) median {med(starts):.2f} s; canary alone {med(canaries):.2f} s; "
          f"trivial job {med(jobs) * 1000:.0f} ms (n={len(jobs)})")


if __name__ == "__main__":
    main()
