"""Grade a class of N submissions and print what it costs, beside `otter run` on a sample.

    .venv/bin/python benchmarks/bench_grade.py [--n 300] [--jobs 2] [--otter 3]

Figures: total seconds, ms per submission, submissions per minute, peak memory (whole process
tree and per sandbox worker), the rescore time of the class, a student's cold `autograder check`,
and the per-submission time of `otter run` with this project's autograder zip (ratio to ours).
Timings are wall-clock on a shared machine: run it on a quiet one and read them as such.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
PY = sys.executable


def build_class(dest: Path, n: int) -> list[Path]:
    """N submissions cycling through the corpus (correct and mistaken, .py and .ipynb)."""
    pool = sorted(p for p in CORPUS.glob("*/*") if p.suffix in (".py", ".ipynb"))
    dest.mkdir(parents=True)
    made = []
    for i in range(n):
        src = pool[i % len(pool)]
        made.append(dest / f"student{i:04d}_{src.stem}{src.suffix}")
        shutil.copy(src, made[-1])
    return made


class TreeMemory(threading.Thread):
    """Samples the resident memory of a process and its descendants every 50 ms."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak_total, self.peak_worker, self.stop = pid, 0, 0, threading.Event()

    def _tree(self) -> list[tuple[int, str]]:
        children: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
                    children.setdefault(ppid, []).append(int(entry))
                except (OSError, IndexError, ValueError):
                    pass
        out, todo = [], [self.pid]
        while todo:
            p = todo.pop()
            try:
                out.append((p, Path(f"/proc/{p}/cmdline").read_bytes().decode(errors="replace")))
            except OSError:
                continue
            todo += children.get(p, [])
        return out

    @staticmethod
    def _rss(pid: int) -> int:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0

    def run(self) -> None:
        while not self.stop.is_set():
            tree = self._tree()
            rss = {p: self._rss(p) for p, _ in tree}
            self.peak_total = max(self.peak_total, sum(rss.values()))
            workers = [rss[p] for p, cmd in tree if "forkserver" in cmd and "bwrap" not in cmd.split("\0")[0]]
            if workers:
                self.peak_worker = max(self.peak_worker, max(workers))
            time.sleep(0.05)


def timed(cmd: list[str], memory: bool = False) -> tuple[float, subprocess.CompletedProcess, TreeMemory | None]:
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    mem = TreeMemory(proc.pid) if memory else None
    if mem:
        mem.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - t0
    if mem:
        mem.stop.set()
        mem.join()
    return seconds, subprocess.CompletedProcess(cmd, proc.returncode, out, err), mem


def bench_rescore(out: Path) -> float:
    """In-process rescore of a graded folder (the checks imported first, as a long-lived tool would)."""
    code = ("import time, sys; from pathlib import Path; from autograder import api, checks; checks.preload(); "
            "t = time.perf_counter(); items = api.rescore(Path(sys.argv[1])); "
            "assert all(i.status == 'rescored' for i in items), items; print(time.perf_counter() - t)")
    r = subprocess.run([PY, "-c", code, str(out)], capture_output=True, text=True, check=True)
    return float(r.stdout.strip().splitlines()[-1])


def bench_otter(tmp: Path, k: int) -> float | None:
    """Seconds per notebook of `otter run` with the zip `autograder assign` builds (None if unavailable)."""
    dist = tmp / "dist"
    r = subprocess.run([PY, "-m", "autograder", "assign", "sheet03", "--out", str(dist)], capture_output=True, text=True)
    zips = list((dist / "sheet03" / "autograder").glob("*.zip")) if r.returncode == 0 else []
    notebooks = sorted(CORPUS.glob("*/*.ipynb"))[:k]
    otter = Path(PY).with_name("otter")
    if not zips or not notebooks or not otter.exists():
        print(f"otter run: skipped ({'no zip: ' + r.stderr.strip()[-200:] if not zips else 'no notebooks or otter'})")
        return None
    times = []
    for nb in notebooks:
        work = tmp / f"otter-{nb.stem}"
        work.mkdir()
        shutil.copy(nb, work / nb.name)
        t0 = time.perf_counter()
        subprocess.run([str(otter), "run", "-a", str(zips[0]), "-o", str(work), str(work / nb.name)],
                       capture_output=True, text=True, timeout=600)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--otter", type=int, default=3, help="notebooks to grade with otter run (0: skip)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-") as tmpdir:
        tmp = Path(tmpdir)
        build_class(tmp / "class", args.n)
        out = tmp / "grades"
        seconds, r, mem = timed([PY, "-m", "autograder", "grade", str(tmp / "class"), "--out", str(out),
                                 "--jobs", str(args.jobs), "--force"], memory=True)
        if r.returncode != 0:
            sys.exit(f"grade failed: {r.stderr[-2000:]}")
        graded = len(list(out.glob("*.json")))
        rescore = bench_rescore(out)
        checks = []
        for _ in range(3):
            t, _, _ = timed([PY, "-m", "autograder", "check", str(ROOT / "solutions" / "sheet03.py")])
            checks.append(t)
        otter = bench_otter(tmp, args.otter) if args.otter else None
    per = seconds / graded
    print(f"machine: {os.cpu_count()} cores, {os.uname().machine}, Python {sys.version.split()[0]}, load {os.getloadavg()[0]:.1f}")
    print(f"grade --jobs {args.jobs}: {graded} submissions in {seconds:.1f} s  "
          f"({per * 1000:.0f} ms each, {60 / per:.0f} per minute)")
    print(f"peak memory: {mem.peak_total / 2**20:.0f} MiB for the whole tree, {mem.peak_worker / 2**20:.0f} MiB per sandbox worker")
    print(f"rescore of the class: {rescore:.2f} s (in process, checks imported)")
    print(f"autograder check, cold start: median {statistics.median(checks):.2f} s of {', '.join(f'{c:.2f}' for c in checks)}")
    if otter:
        print(f"otter run: {otter:.1f} s per notebook (median of {args.otter}); ours is {otter / per:.0f}x faster per submission")


if __name__ == "__main__":
    main()
