"""No false pass: every mistaken corpus submission gets its exact verdict under 4 other seeds.

The noise tests are exact at level 1e-7 under H0; their power against the corpus's mistakes is
what this checks empirically (a grader that lets a mistake through is as wrong as one that fails
a correct answer). Every mistaken file x 4 seeds (the 82 of 2026-11-29 held under 6; the 5 added since, under 6 or 12 when added); run beside tests/test_many_seeds.py.
"""
from __future__ import annotations

import json

import pytest

from autograder import api
from conftest import CORPUS, failing

WRONG = sorted(p for p in (CORPUS / "wrong").iterdir() if p.suffix in (".py", ".ipynb"))
SEEDS = range(4)


@pytest.mark.slow
@pytest.mark.parametrize("path", WRONG, ids=lambda p: p.name)
def test_mistake_is_caught_for_every_seed(path, sheet03, worker):
    expected = sorted(json.loads(path.with_name(path.stem + ".expected.json").read_text())["failing"])
    data = path.read_bytes()
    wrong_verdicts = {}
    for seed in SEEDS:
        a = sheet03.model_copy(update={"seed": 7000 + seed})
        _, res = api.grade_one(worker, a, str(path), data, api.limits_for(a))
        if failing(res) != expected:
            wrong_verdicts[seed] = failing(res)
    assert not wrong_verdicts, f"expected {expected}"
