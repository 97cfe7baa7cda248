"""benchmarks/baseline.py, the trusting in-process grader the isolation benchmark compares against, loads and probes
submissions as the sandbox's child does: a correct .py and a correct notebook give no load error and no probe error
(it had passed the child's loader its arguments out of place, and every submission failed to load there)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from autograder import assignment as assignments
from conftest import CORPUS, ROOT, SOLUTION

sys.path.insert(0, str(ROOT / "benchmarks"))
import baseline  # noqa: E402


@pytest.mark.parametrize("path", [SOLUTION, CORPUS / "correct" / "nb_plain_softplus.ipynb"], ids=lambda p: p.name)
def test_the_trusting_baseline_observes_a_correct_submission_without_errors(path):
    a = assignments.load("sheet03")
    stored = baseline.run_trusting(a, path.name, path.read_bytes())
    assert stored.run is not None and stored.run.load_error is None, stored.run
    assert stored.run.cell_errors == []
    assert {k: r.error for k, r in stored.run.records.items() if r.error} == {}
    assert set(stored.run.records) == {p.id for p in a.probes}
