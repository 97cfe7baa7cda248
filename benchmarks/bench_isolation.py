"""What isolation costs: `grade --jobs 2` beside a trusting in-process grader, with a profile.

    .venv/bin/python benchmarks/bench_isolation.py [--n 300] [--jobs 2] [--sample 60] [--repeat 1] [--no-audit]

Prints, in one run:
1. where one submission's time goes in the sandbox (sequential, one worker, `--sample` submissions
   of the class): worker start (bubblewrap + torch import, the canary alone), the floor of an empty job
   (fork + confinement + protocol + cleanup), the confinement alone (fork, uid drop, Landlock),
   the probes, the parent's verification of every observation, the checks, pydantic
   validation, writing the files; and the same submissions graded in process without isolation;
2. the class of `--n` (the corpus cycled: correct and mistaken, .py and .ipynb) graded with
   `grade --jobs J` and with `baseline.py --jobs J` (same probes and checks, no isolation), the
   ratio of their wall-clock times, whether their scores agree, and peak memory (whole process
   tree, and per sandbox worker / per baseline process);
3. a cold `autograder check`, the warm notebook checker (first check, then the next ones), and
   `autograder audit sheet03`.
Timings are wall-clock on whatever machine runs it: read them beside the load it prints.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import baseline  # noqa: E402
from bench_grade import PY, ROOT, TreeMemory, build_class, timed  # noqa: E402
from treecpu import TreeCPU  # noqa: E402


def _ms(xs: list[float]) -> str:
    return f"{statistics.median(xs) * 1000:7.1f} ms median, {statistics.mean(xs) * 1000:7.1f} ms mean"


def _confinement(level_uid: int | None, read_paths: list[str] | None, tmp: Path, rounds: int = 20) -> float:
    """Median seconds of fork + `limits.enter` (+ exit and wait) in a child of this torch-warm process."""
    from autograder.sandbox import limits

    times = []
    for _ in range(rounds):  # noisy on a loaded machine: read the medians, not single runs
        d = Path(tempfile.mkdtemp(dir=tmp))
        if level_uid is not None:
            os.chown(d, level_uid, level_uid)
        t0 = time.perf_counter()
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                limits.enter({"memory_mb": 2048, "cpu_seconds": 60, "file_mb": 64, "tmpdir": str(d), "uid": level_uid,
                              "max_processes": 64, "read_paths": read_paths})
            except BaseException:  # noqa: BLE001
                code = 1
            os._exit(code)
        _, status = os.waitpid(pid, 0)
        times.append(time.perf_counter() - t0)
        if status != 0:
            raise RuntimeError("limits.enter failed in the benchmark's child")
    return statistics.median(times)


def profile(class_dir: Path, sample: int, tmp: Path) -> None:
    """Sequential per-submission breakdown: sandbox (one warm worker) and in process."""
    import torch

    from autograder import api, assignment, checks
    from autograder.report.results import StoredObservations
    from autograder.sandbox import canary, verify
    from autograder.sandbox.isolation import UID_BASE, available, readable_roots
    from autograder.sandbox.runner import Job, Worker

    a = assignment.load("sheet03")
    limits = api.limits_for(a)
    checks.preload()
    code = "import time; t = time.perf_counter(); from autograder import api, checks; checks.preload(); print(time.perf_counter() - t)"
    preload = float(subprocess.run([PY, "-c", code], capture_output=True, text=True, check=True).stdout.split()[-1])
    torch.set_num_threads(1)
    files = sorted(class_dir.iterdir())[:sample]
    level = available()
    print(f"\n== profile: {len(files)} submissions, one at a time (isolation {level.value}) ==")
    print(f"a grader process imports autograder, torch, scipy and the checks: {preload:.2f} s (once per process)")

    conf = Path(tempfile.mkdtemp(prefix="bench-conf-"))  # traversable by the dropped uid
    conf.chmod(0o755)
    uid = UID_BASE + 200 if os.getuid() == 0 else None
    plain = _confinement(None, None, conf)
    with_uid = _confinement(uid, None, conf)
    with_ll = _confinement(uid, readable_roots(), conf)
    shutil.rmtree(conf, ignore_errors=True)
    print(f"fork of a torch-warm process (this one: no huge pages) + rlimits/env/seccomp, exit, wait: {plain * 1000:.1f} ms; "
          f"+ uid drop: {(with_uid - plain) * 1000:+.1f} ms; + Landlock: {(with_ll - with_uid) * 1000:+.1f} ms")

    for preload in (False, True):  # a one-off check's worker, then a grading worker
        cold = Worker(slot=0, level=level, preload=preload)
        t0 = time.perf_counter()
        cold.start()
        print(f"worker start, {'grading (+ lazy torch imports + huge pages)' if preload else 'one-off (check)'}: "
              f"{time.perf_counter() - t0:.2f} s (bubblewrap + python + torch + Landlock test; the canary job only "
              "if its key has not passed before)")
        t0 = time.perf_counter()
        cold._check_canary(cached=False)  # noqa: SLF001 - timed alone
        print(f"  the canary job alone, uncached: {time.perf_counter() - t0:.2f} s")
        cold.release()
    worker = Worker(slot=0, level=level)
    worker.start()
    try:
        empty = Job(source="", line_labels=[], probes=[canary.PROBE], seed=0)  # one probe: reads no names
        floor = []
        for _ in range(20):
            t0 = time.perf_counter()
            worker.run(empty, limits)
            floor.append(time.perf_counter() - t0)
        print(f"floor: an empty job (fork, confinement, protocol, sweep, cleanup): {_ms(floor)}")
        rows: dict[str, list[float]] = {k: [] for k in ("run", "probes", "verify", "rest", "judge", "stored", "write",
                                                        "tr_exec_probes", "tr_judge")}
        slow = []
        for p in files:
            data = p.read_bytes()
            t0 = time.perf_counter()
            stored = api.observe(worker, a, str(p), data, limits)
            t1 = time.perf_counter()
            tests, res = api.judge(a, stored)
            t2 = time.perf_counter()
            text = stored.model_dump_json()
            StoredObservations.model_validate_json(text)  # what a rescore reads back
            t3 = time.perf_counter()
            api.save(tmp / "profile-out", p.stem, stored, res)
            t4 = time.perf_counter()
            probes = verify_s = 0.0
            if stored.run is not None:
                specs = {q.id: q.model_dump() for q in a.probes}
                for r in stored.run.records.values():
                    probes += r.seconds or 0.0
                    if r.observation is not None:
                        v0 = time.perf_counter()
                        verify.observation(specs[r.probe], a.seed, r.observation)
                        verify_s += time.perf_counter() - v0
            rows["run"].append(t1 - t0)
            rows["probes"].append(probes)
            rows["verify"].append(verify_s)
            rows["rest"].append(max(0.0, t1 - t0 - probes - verify_s))
            rows["judge"].append(t2 - t1)
            rows["stored"].append(t3 - t2)
            rows["write"].append(t4 - t3)
            t5 = time.perf_counter()
            trusted = baseline.run_trusting(a, str(p), data)
            t6 = time.perf_counter()
            api.judge(a, trusted)
            rows["tr_exec_probes"].append(t6 - t5)
            rows["tr_judge"].append(time.perf_counter() - t6)
            slow.append((t1 - t0, t6 - t5, p.name))
    finally:
        worker.release()
    total_sandbox = [sum(x) for x in zip(rows["run"], rows["judge"], rows["write"])]
    total_trusting = [x + y for x, y in zip(rows["tr_exec_probes"], rows["tr_judge"])]
    print("per submission, sandboxed (one warm worker):")
    print(f"  observe (api.observe -> Worker.run): {_ms(rows['run'])}")
    print(f"    probes in the child (as timed by the parent): {_ms(rows['probes'])}")
    print(f"    verification of observations in the parent:  {_ms(rows['verify'])}")
    print(f"    the rest: fork, import of the submission, confinement, protocol + pydantic, sweep: {_ms(rows['rest'])}")
    print(f"  checks + results (api.judge, pydantic):       {_ms(rows['judge'])}")
    print(f"  observations to JSON and back (pydantic):    {_ms(rows['stored'])}")
    print(f"  writing observations + results (api.save):   {_ms(rows['write'])}")
    print(f"  total: {_ms(total_sandbox)}")
    print("per submission, trusting in process (same probes and checks):")
    print(f"  exec + probes + record validation: {_ms(rows['tr_exec_probes'])}")
    print(f"  checks + results (api.judge):      {_ms(rows['tr_judge'])}")
    print(f"  total: {_ms(total_trusting)}  (writing excluded here; the class run below writes in both)")
    print(f"sequential ratio sandboxed/trusting: {sum(total_sandbox) / sum(total_trusting):.2f}")
    slow.sort(reverse=True)
    print("slowest in the sandbox (sandbox s / in-process s):",
          ", ".join(f"{n} {s:.2f}/{t:.2f}" for s, t, n in slow[:5]))


def _scores(out: Path) -> dict[str, float]:
    return {p.stem: json.loads(p.read_text())["score"] for p in out.glob("*.json")}


class BaselineMemory(TreeMemory):
    """Tree memory of the baseline; its 'workers' are the forked grading processes."""

    def run(self) -> None:
        while not self.stop.is_set():
            tree = self._tree()
            rss = {p: self._rss(p) for p, _ in tree}
            self.peak_total = max(self.peak_total, sum(rss.values()))
            kids = [rss[p] for p, _ in tree if p != self.pid]
            if kids:
                self.peak_worker = max(self.peak_worker, max(kids))
            time.sleep(0.05)


class _Busy:
    """The share of the machine's CPU time that was busy since it was made (from /proc/stat)."""

    def __init__(self) -> None:
        self.start = self._read()

    @staticmethod
    def _read() -> tuple[int, int]:
        values = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
        idle = values[3] + values[4]
        return sum(values) - idle, sum(values)

    def fraction(self) -> float:
        busy, total = self._read()
        return (busy - self.start[0]) / max(1, total - self.start[1])


def class_run(class_dir: Path, tmp: Path, jobs: int, n: int) -> tuple[float, float | None]:
    """The class through `grade --jobs J` and through the trusting baseline, back to back: (wall ratio, CPU ratio)."""
    print(f"\n== the class of {n}: grade --jobs {jobs} beside the trusting baseline ==")
    print(f"load before: {os.getloadavg()[0]:.1f}")
    busy = _Busy()
    g_cpu, b_cpu = TreeCPU.make("bench-grade"), TreeCPU.make("bench-baseline")
    cmd = [PY, "-m", "autograder", "grade", str(class_dir), "--out", str(tmp / "grades"), "--jobs", str(jobs), "--force"]
    g_s, r, g_mem = timed(g_cpu.wrap(cmd) if g_cpu else cmd, memory=True)
    if r.returncode != 0:
        sys.exit(f"grade failed: {r.stderr[-2000:]}")
    g_busy = busy.fraction()
    print(f"load between: {os.getloadavg()[0]:.1f}")
    busy = _Busy()
    cmd = [PY, str(Path(__file__).with_name("baseline.py")), str(class_dir), "--out", str(tmp / "base"), "--jobs", str(jobs)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(b_cpu.wrap(cmd) if b_cpu else cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    b_mem = BaselineMemory(proc.pid)
    b_mem.start()
    _, err = proc.communicate()
    b_s = time.perf_counter() - t0
    b_mem.stop.set()
    b_mem.join()
    if proc.returncode != 0:
        sys.exit(f"baseline failed: {err[-2000:]}")
    b_busy = busy.fraction()
    print(f"load after: {os.getloadavg()[0]:.1f}")
    print(f"machine busy (all processes, this benchmark's and others'): {g_busy:.0%} during grade, {b_busy:.0%} during the baseline")
    graded, base = _scores(tmp / "grades"), _scores(tmp / "base")
    differ = sorted(s for s in graded if base.get(s) != graded[s])
    print(f"grade --jobs {jobs}: {len(graded)} in {g_s:.1f} s ({g_s / len(graded) * 1000:.0f} ms each); "
          f"peak memory {g_mem.peak_total / 2**20:.0f} MiB whole tree, {g_mem.peak_worker / 2**20:.0f} MiB per sandbox worker")
    print(f"trusting baseline --jobs {jobs}: {len(base)} in {b_s:.1f} s ({b_s / max(1, len(base)) * 1000:.0f} ms each); "
          f"peak memory {b_mem.peak_total / 2**20:.0f} MiB whole tree, {b_mem.peak_worker / 2**20:.0f} MiB per process")
    cpu_ratio = None
    if g_cpu and b_cpu:
        gc_s, bc_s = g_cpu.seconds(), b_cpu.seconds()
        cpu_ratio = gc_s / bc_s
        print(f"CPU time of the whole tree (steadier than wall-clock on a shared machine): grade {gc_s:.1f} s, "
              f"baseline {bc_s:.1f} s, ratio {gc_s / bc_s:.2f}")
    for group in (g_cpu, b_cpu):
        if group:
            group.remove()
    print(f"RATIO grade/baseline: {g_s / b_s:.2f} (target <= 1.5)")
    print(f"scores that differ between the two: {len(differ)} of {len(graded)}"
          + (f" (e.g. {', '.join(differ[:4])})" if differ else ""))
    return g_s / b_s, cpu_ratio


def student_side(tmp: Path, audit: bool) -> None:
    """A cold `autograder check`, the warm notebook checker, and the audit."""
    from autograder.otter import warm

    print("\n== a student's side ==")
    cold = []
    for _ in range(3):
        t, r, _ = timed([PY, "-m", "autograder", "check", str(ROOT / "solutions" / "sheet03.py")])
        cold.append(t)
    print(f"autograder check, cold: median {statistics.median(cold):.2f} s of {', '.join(f'{c:.2f}' for c in cold)} (target <= 3 s)")
    nb = tmp / "nb" / "sheet03.ipynb"
    nb.parent.mkdir()
    shutil.copy(ROOT / "tests" / "corpus" / "correct" / "nb_otter_distributions.ipynb", nb)  # a correct notebook
    checker = warm.WarmChecker()
    try:
        times = []
        for k, q in enumerate(["q1a", "q1b", "q2", "q3a", "q1a", "q1b", "q3a", "q2"]):
            os.utime(nb)  # as if the student saved again: nothing is reused
            t0 = time.perf_counter()
            reply = checker.check(nb, q)
            times.append(time.perf_counter() - t0)
            if "verdicts" not in reply or not all(v["outcome"] == "passed" for v in reply["verdicts"]):
                sys.exit(f"the warm check of {q} on a correct notebook did not pass: {reply}")
        mem = TreeMemory(checker.pid or 0)
        print(f"warm grader.check (every verdict checked: all passed, as they must on this notebook): first {times[0]:.2f} s, then {', '.join(f'{t:.2f}' for t in times[1:])} s "
              f"(max after the first {max(times[1:]):.2f} s; target <= 0.5 s); checker tree now "
              f"{sum(mem._rss(p) for p, _ in mem._tree()) / 2**20:.0f} MiB")
    finally:
        checker.close()
    if not audit:
        print("autograder audit sheet03: skipped (--no-audit)")
        return
    t, r, _ = timed([PY, "-m", "autograder", "audit", "sheet03", "--json", str(tmp / "audit.json")])
    state = "ok" if r.returncode == 0 else f"exit status {r.returncode}"
    print(f"autograder audit sheet03: {t:.1f} s ({state}; target <= 60 s)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--sample", type=int, default=60, help="submissions in the sequential profile (0: skip)")
    ap.add_argument("--no-class", action="store_true", help="skip the class run")
    ap.add_argument("--repeat", type=int, default=1, help="class runs (grade, then baseline, each time)")
    ap.add_argument("--no-student", action="store_true", help="skip check, warm check and audit")
    ap.add_argument("--no-audit", action="store_true")
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, load {os.getloadavg()}")
    with tempfile.TemporaryDirectory(prefix="bench-iso-") as tmpdir:
        tmp = Path(tmpdir)
        build_class(tmp / "class", args.n)
        if args.sample:
            profile(tmp / "class", args.sample, tmp)
        if not args.no_class:
            runs = [class_run(tmp / "class", tmp, args.jobs, args.n) for _ in range(args.repeat)]
            ratios, cpu = [w for w, _ in runs], [c for _, c in runs if c is not None]
            if len(ratios) > 1:
                print(f"\nRATIOS of {len(ratios)} runs: {', '.join(f'{r:.2f}' for r in ratios)}; "
                      f"median {statistics.median(ratios):.2f} (target <= 1.5)")
                if cpu:
                    print(f"CPU RATIOS: {', '.join(f'{r:.2f}' for r in cpu)}; median {statistics.median(cpu):.2f}")
        if not args.no_student:
            student_side(tmp, not args.no_audit)
        shutil.rmtree(tmp / "class", ignore_errors=True)
    print(f"load at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
