"""Grading on Dask (`--scheduler`): a LocalCluster run, the crash result, bad addresses, Dask missing, Slurm.

The real scheduler and workers started with the `dask` command line are in test_distributed_cluster.py.
"""
from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import api, distributed
from autograder.model import Outcome
from autograder.report.results import read_gradebook
from autograder.sandbox.isolation import available
from conftest import CORPUS, ROOT, SOLUTION

pytestmark = pytest.mark.xdist_group("dask")  # one cluster at a time: these tests share a worker

needs_dask = pytest.mark.skipif(importlib.util.find_spec("distributed") is None, reason="Dask is not installed")

# right and wrong answers, notebooks, and files that do not load
WANTED = ("base_class", "kingma_style", "nb_plain_softplus", "syntax_error", "raises_at_import", "model2_sample_no_rsample",
          "problem2_relu_variance", "dstar_swapped", "nb_model3_forgets_noise", "template_untouched", "model1_no_noise",
          "reparam_answers_strings")


def mixed_class() -> list[Path]:
    """About a dozen corpus submissions of every kind (any dozen, should the corpus be renamed)."""
    files = sorted(p for d in ("correct", "wrong") for p in (CORPUS / d).iterdir() if p.suffix in (".py", ".ipynb"))
    chosen = [p for p in files if p.stem in WANTED]
    return chosen if len(chosen) >= 8 else files[::6]


def verdicts(out: Path) -> dict[str, list[tuple[str, float, str]]]:
    """Every results file in `out`: each test's name, score and message."""
    found = {}
    for f in sorted(out.glob("*.json")):
        data = json.loads(f.read_text())
        found[f.stem] = [(t["name"], t["score"], t["output"]) for t in data["tests"]] + [("", data["score"], data["output"])]
    return found


def grade(paths: list[Path], out: Path, **options: object) -> api.BatchResult:
    return api.grade_paths(paths, api.GradeOptions(out_dir=out, force=True, **options))


@pytest.fixture(scope="module")
def klass() -> list[Path]:
    return mixed_class()


@pytest.fixture(scope="module")
def local_run(klass, tmp_path_factory) -> Path:
    """The same class graded by `--jobs 2`: what every cluster run must reproduce."""
    out = tmp_path_factory.mktemp("local")
    grade(klass, out, jobs=2)
    return out


def _listening() -> list[str]:
    """The addresses this process and its children listen on (children come and go: skip the gone)."""
    import psutil  # Dask's dependency

    me = psutil.Process()
    found = []
    for p in [me, *me.children(recursive=True)]:
        try:
            found += [c.laddr.ip for c in p.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN]
        except (psutil.NoSuchProcess, psutil.AccessDenied, FileNotFoundError):
            continue
    return found


def _use_openmp() -> None:
    """Run a parallel torch op here, as a notebook might before it grades: OpenMP's pool does not survive fork."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(2)
    torch.ones(1 << 21).exp().sum()
    torch.set_num_threads(before)


@needs_dask
def test_local_cluster_grades_like_a_local_run_and_listens_on_loopback_only(klass, local_run, tmp_path):
    # the client's torch ran a parallel op, as a notebook's might; its Dask workers (forked from multiprocessing's
    # fork server, not from this threaded process) must not hang in their first torch op
    _use_openmp()
    assert distributed._local_config()["distributed.worker.multiprocessing-method"] == "forkserver"
    seen: list[str] = []

    def progress(g: api.Graded, done: int, total: int) -> None:
        if done == 1:
            seen.extend(_listening())

    out = tmp_path / "cluster"
    batch = api.grade_paths(klass, api.GradeOptions(out_dir=out, force=True, scheduler="local:2"), on_progress=progress)
    assert len(batch.graded) == len(klass)
    assert read_gradebook(out / api.GRADEBOOK) == read_gradebook(local_run / api.GRADEBOOK)
    assert verdicts(out) == verdicts(local_run)
    assert seen and set(seen) == {"127.0.0.1"}, seen


def test_a_submission_that_kills_its_workers_gets_a_clear_error_that_is_tried_again_next_time(sheet03, tmp_path):
    stored, res = api.crashed(sheet03, "tests/kills.py", available(), tries=4, last_worker="tcp://127.0.0.1:4711")
    assert res.score == 0 and res.max_score == sheet03.max_score()
    automatic = [t for t in res.tests if t.max_score > 0]
    assert automatic and all(t.extra_data["outcome"] == Outcome.ERROR.value for t in automatic)
    first = automatic[0].output
    assert first.startswith("Model1: not graded: the grading worker died each of the 4 times it ran this submission")
    assert "ask your instructor to grade it again" in first
    assert stored.run is not None and "tcp://127.0.0.1:4711" in stored.run.notes[0]  # for instructors only
    api.save(tmp_path, "kills", stored, res)
    assert api._reusable(sheet03, tmp_path, "kills", "any hash", api.limits_for(sheet03)) is None  # no sha256: graded again


@needs_dask
@pytest.mark.parametrize("address", ["local:0", "local:two", "nonsense", "/no/such/scheduler.json"])
def test_a_bad_scheduler_address_says_what_is_expected(address):
    with pytest.raises(RuntimeError, match="--scheduler"):
        with distributed.connect(address, available()):
            pass


@needs_dask
def test_an_unreachable_scheduler_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(distributed, "CONNECT_TIMEOUT", 1.0)
    with pytest.raises(RuntimeError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        with distributed.connect("tcp://127.0.0.1:9", available()):
            pass


def test_without_dask_the_scheduler_option_says_how_to_install_it(tmp_path, sheet03, monkeypatch):
    code = ("import sys; sys.modules['distributed'] = None\n"
            "from autograder.cli import main\n"
            f"sys.argv = ['autograder', 'grade', {str(SOLUTION)!r}, '--out', {str(tmp_path)!r}, '--scheduler', 'local:2']\n"
            "main()")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "300"})
    assert r.returncode == 2, r.stderr
    assert "needs Dask: pip install" in r.stderr
    monkeypatch.setitem(sys.modules, "distributed", None)  # what `import distributed` finds without Dask
    with pytest.raises(RuntimeError, match=re.escape("pip install 'mlsheet-autograder[dask]'")):
        distributed.run("local:2", available(), [], lambda item, outcome: None)


def test_the_slurm_example_of_the_docs_builds_a_cluster_without_submitting(monkeypatch):
    """Runs the docs' SLURMCluster example on loopback, with `scale` (which would call sbatch) recorded instead."""
    jobqueue = pytest.importorskip("dask_jobqueue")
    text = (ROOT / "docs" / "distributed.md").read_text()
    example = re.search(r"```python\n(.*?)```", text, re.S)
    assert example, "docs/distributed.md has a python example"
    built = []

    class Recorded(jobqueue.SLURMCluster):
        def __init__(self, **kwargs):
            kwargs.update(interface=None, scheduler_options={**kwargs.get("scheduler_options", {}), "host": "127.0.0.1",
                                                            "dashboard_address": "127.0.0.1:0"})
            super().__init__(**kwargs)
            built.append(self)

        def scale(self, n=None, jobs=0, memory=None, cores=None):
            self.asked = jobs or n

    monkeypatch.setattr(jobqueue, "SLURMCluster", Recorded)
    space: dict = {}
    try:
        exec(compile(example.group(1), "docs/distributed.md", "exec"), space)
        (cluster,) = built
        script = cluster.job_script()
        assert "#SBATCH" in script and "--nthreads 1" in script and "distributed.cli.dask_worker" in script
        assert cluster.asked and cluster.scheduler_address.startswith("tcp://127.0.0.1:")
    finally:
        for c in built:
            c.close()
