"""Checks on values only the submission determines: they never raise, and a raise is the submission's error (issue 20).

The reference solution is observed once per sheet through the real sandbox. Every float tensor of every
record is then replaced the way a forging child could (NaN, ±inf, zeros, huge, empty); a replacement the
parent's verification refuses never reaches a check, and every other one must give a verdict, not a crash.
"""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from autograder import api, checks, rubric
from autograder import assignment as assignments
from autograder.model import Outcome, ProbeRecord
from autograder.sandbox import verify
from autograder.tensors import TensorData
from conftest import ROOT

MUTATIONS = {
    "nan": lambda a: np.full_like(a, np.nan),
    "inf": lambda a: np.full_like(a, -np.inf),
    "zero": np.zeros_like,
    "huge": lambda a: np.full_like(a, np.finfo(a.dtype).max),
    "empty": lambda a: a.reshape(-1)[:0],
}


def _tensor_paths(x: object, path: tuple = ()) -> Iterator[tuple]:
    """Paths to every tensor inside a dumped record."""
    if isinstance(x, dict):
        if set(x) == {"dtype", "shape", "data"}:
            yield path
            return
        for k, v in x.items():
            yield from _tensor_paths(v, (*path, k))
    elif isinstance(x, list):
        for i, v in enumerate(x):
            yield from _tensor_paths(v, (*path, i))


def _at(d: object, path: tuple) -> object:
    for k in path:
        d = d[k]
    return d


def _forged(record: ProbeRecord) -> Iterator[tuple[str, ProbeRecord]]:
    dumped = record.model_dump()
    for path in _tensor_paths(dumped):
        values = TensorData.model_validate(_at(dumped, path)).array()
        if not np.issubdtype(values.dtype, np.floating):
            continue
        for name, mutate in MUTATIONS.items():
            copy = record.model_dump()
            _at(copy, path[:-1])[path[-1]] = TensorData.of(np.ascontiguousarray(mutate(values.copy()))).model_dump()
            yield f"{'/'.join(map(str, path))} {name}", ProbeRecord.model_validate(copy)


@pytest.mark.parametrize("sheet, solution", [("sheet03", "sheet03.py"), ("sheet04", "sheet04.py")])
def test_no_check_raises_on_values_that_pass_verification(worker, sheet, solution):
    a = assignments.load(sheet)
    path = ROOT / "solutions" / solution
    stored = api.observe(worker, a, str(path), path.read_bytes(), api.limits_for(a))
    specs = {p.id: p.model_dump() for p in a.probes}
    tried, raised = 0, []
    for test in a.tests:
        for where, forged in _forged(stored.run.records[test.probe]):
            if verify.observation(specs[test.probe], a.seed, forged.observation) is not None:
                continue  # refused before any check sees it
            tried += 1
            try:
                checks.run(test.check, forged, test.args)
            except Exception as exc:  # noqa: BLE001 - collected and reported below
                raised.append(f"{test.key} {where}: {type(exc).__name__}: {exc}")
    assert tried > 100, tried  # the forgeries reached the checks: this test is not vacuous
    assert raised == []


def test_a_check_that_raises_is_the_submissions_error_with_the_traceback_for_the_instructor(monkeypatch, sheet03):
    def broken(record, **args):
        raise ZeroDivisionError("on a forged value")

    test = next(t for t in sheet03.tests if t.key == "q1b.noise")
    monkeypatch.setattr(checks, "run", lambda name, record, args, *own: broken(record, **args))
    records = {test.probe: ProbeRecord(probe=test.probe)}
    result = next(r for r in rubric.score(sheet03, records) if r.key == "q1b.noise")
    assert (result.outcome, result.score) == (Outcome.ERROR, 0.0)
    assert result.output == ("q1b.noise: the values your code produced could not be judged (ZeroDivisionError); "
                             "check that it returns finite tensors of the expected shapes")
    assert result.detail.startswith("check 'noise_structure' raised on this submission's observations")
    assert "ZeroDivisionError: on a forged value" in result.detail


def test_an_assignments_own_kind_that_raises_is_a_grader_error(tmp_path):
    """Its author's code is not fuzzed as the built-in kinds are: a raise there is the grader side's."""
    import custom_assignment as ca

    raising = ca.CHECKS_PY + (
        "\nimport functools\n\n\n@functools.wraps(step_bounded)  # same signature, so the rubric's arguments validate\n"
        "def _raising(record, **args):\n    return 1 / 0\n\n\nCHECKS = {'step_bounded': _raising}\n")
    a = assignments.load_file(ca.make(tmp_path, checks=raising))
    test = next(t for t in a.tests if t.check == "step_bounded")
    result = next(r for r in rubric.score(a, {test.probe: ProbeRecord(probe=test.probe)}) if r.key == test.key)
    assert (result.outcome, result.score) == (Outcome.GRADER_ERROR, 0.0)
    assert result.output == "grader error: this test could not be checked; your instructor has been told"
    assert result.detail.startswith("checks.py kind 'step_bounded' raised") and "ZeroDivisionError" in result.detail
