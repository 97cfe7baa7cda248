"""Every corpus submission gets its exact verdict: which automatic tests fail, and what they say."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import CORPUS, SOLUTION, TEMPLATE, by_key, failing

CASES = sorted(p for p in CORPUS.glob("*/*") if p.suffix in (".py", ".ipynb"))


def _expected(path: Path) -> dict:
    return json.loads(path.with_name(path.stem + ".expected.json").read_text())


def test_corpus_is_large_and_varied():
    correct = [p for p in CASES if p.parent.name == "correct"]
    wrong = [p for p in CASES if p.parent.name == "wrong"]
    assert len(correct) >= 10 and len(wrong) >= 25
    assert sum(p.suffix == ".ipynb" for p in correct) >= 3 and sum(p.suffix == ".ipynb" for p in wrong) >= 3
    assert all(_expected(p)["failing"] == [] for p in correct)
    assert all(_expected(p)["failing"] for p in wrong)


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_exact_verdict(path, grade, sheet03):
    expected = _expected(path)
    res = grade(path)
    assert failing(res) == sorted(expected["failing"]), expected.get("why")
    tests = by_key(res)
    for key, needle in expected.get("messages", {}).items():
        assert needle.lower() in tests[key].output.lower(), (key, tests[key].output)
    for key in expected["failing"]:
        assert tests[key].output, f"{key} fails without saying why"
    # points lost are exactly the failing tests' points
    lost = sum(t.points for t in sheet03.tests if t.key in expected["failing"])
    assert res.score == pytest.approx(sheet03.max_score() - lost)


def test_reference_solution_gets_full_marks_and_manual_items_pending(grade, sheet03):
    res = grade(SOLUTION)
    assert res.score == res.max_score == sheet03.max_score()
    manual = [t for t in res.tests if t.max_score == 0]
    assert {t.extra_data["key"] for t in manual} == {m.key for m in sheet03.manual}
    assert all(t.output.startswith("Pending manual grading") and t.extra_data["outcome"] == "manual" for t in manual)


@pytest.mark.parametrize("name", ["sheet03.py", "sheet03.ipynb"])
def test_untouched_template_gets_zero_without_a_crash(name, grade, sheet03):
    res = grade(TEMPLATE.with_name(name))
    assert res.score == 0 and res.max_score == sheet03.max_score()
    auto = [t for t in res.tests if t.max_score > 0]
    assert {t.extra_data["outcome"] for t in auto} <= {"failed", "error"}  # never a grader error
    assert any("NotImplementedError" in t.output for t in auto)
