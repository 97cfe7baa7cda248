"""The parent refuses observations that were not made on the grader's own inputs (sandbox/verify.py)."""
from __future__ import annotations

import types

import numpy as np
import pytest
from pydantic import TypeAdapter

from autograder import assignment as assignments
from autograder.model import Observation
from autograder.probes import answers, autoencoder, function
from autograder.sandbox import verify
from autograder.tensors import TensorData
from conftest import SOLUTION

OBSERVATION = TypeAdapter(Observation)


@pytest.fixture(scope="module")
def a():
    return assignments.load("sheet03")


@pytest.fixture(scope="module")
def genuine(a):
    """Every probe of the assignment run in this process on the reference solution, as the child would."""
    ns = types.ModuleType("submission").__dict__
    exec(compile(SOLUTION.read_text(), "<submission>", "exec"), ns)  # noqa: S102 - our own reference solution
    run = {"autoencoder": autoencoder.probe, "function": function.probe, "answers": answers.probe}
    found = {}
    for p in a.probes:
        raw = run[p.kind](ns, p.target, a.seed, p.options, [], "<submission>")
        found[p.id] = (p.model_dump(), OBSERVATION.validate_python(raw))
    return found


def _tensor(values: np.ndarray) -> TensorData:
    return TensorData.of(np.ascontiguousarray(values, dtype=np.float32))


def test_genuine_observations_are_accepted(a, genuine):
    for probe, (spec, obs) in genuine.items():
        assert verify.observation(spec, a.seed, obs) is None, probe


def test_other_batches_are_refused(a, genuine):
    spec, obs = genuine["q1a"]
    x = obs.batches[0].array().copy()
    x[0, 0] += 1.0
    problem = verify.observation(spec, a.seed, obs.model_copy(update={"batches": [_tensor(x), obs.batches[1]]}))
    assert problem == "the batches were not the grader's — the submission replaced the grader's probe or its tools"


def test_other_weights_are_refused_in_either_run(a, genuine):
    spec, obs = genuine["q1b"]
    for run in ("sheet", "linear"):
        params = dict(getattr(obs, run).params)
        params["g.0.weight"] = _tensor(params["g.0.weight"].array() * 0)
        changed = getattr(obs, run).model_copy(update={"params": params})
        problem = verify.observation(spec, a.seed, obs.model_copy(update={run: changed}))
        assert "Model2 changed the weights of g or f (g.0.weight differ from the grader's)" in problem, run


def test_calls_in_another_order_are_refused(a, genuine):
    spec, obs = genuine["q1c"]
    calls = [c.model_copy(update={"batch": 1}) for c in obs.linear.calls]
    problem = verify.observation(spec, a.seed, obs.model_copy(update={"linear": obs.linear.model_copy(update={"calls": calls})}))
    assert problem.startswith("the calls were reported in another order than the grader's")


def test_an_observation_without_a_verifier_is_refused(a, genuine, monkeypatch):
    spec, obs = genuine["q3a"]
    monkeypatch.delitem(verify.VERIFIERS, type(obs))
    assert verify.observation(spec, a.seed, obs).startswith("the grader has no verifier for observations of kind 'function'")


def test_answers_of_names_not_asked_for_are_refused(a, genuine):
    spec, obs = genuine["answers"]
    extra = {**obs.values, "SECRET": next(iter(obs.values.values()))}
    assert "values of names the grader did not ask for were reported (SECRET)" in verify.observation(spec, a.seed, obs.model_copy(update={"values": extra}))


def test_forged_function_arguments_and_call_sets_are_refused(a, genuine):
    spec, obs = genuine["q3a"]
    first = obs.calls["random"][0]
    ones = _tensor(np.ones(64))
    moved = {**obs.calls, "random": [first.model_copy(update={"args": [ones, ones]}), *obs.calls["random"][1:]]}
    assert "other arguments than the grader's ('random' calls)" in verify.observation(spec, a.seed, obs.model_copy(update={"calls": moved}))
    fewer = {**obs.calls, "edge": []}
    assert "other call sets than the grader's" in verify.observation(spec, a.seed, obs.model_copy(update={"calls": fewer}))


def test_an_observation_of_the_wrong_kind_is_refused(a, genuine):
    spec, _ = genuine["q1a"]
    _, answers_obs = genuine["answers"]
    assert verify.observation(spec, a.seed, answers_obs).startswith("an observation of kind 'answers' was reported for probe 'q1a' (autoencoder)")


def test_a_submission_that_changes_the_default_dtype_is_graded_normally(tmp_path, grade):
    path = tmp_path / "float64_default.py"
    path.write_text(SOLUTION.read_text() + "\ntorch.set_default_dtype(torch.float64)\n")
    res = grade(path)
    assert res.score == 42, [t.output for t in res.tests if t.score < t.max_score][:2]


def test_gradients_of_other_tensors_are_refused(a, genuine):
    spec, obs = genuine["q2"]
    first = obs.linear.calls[0]
    grads = {**first.grads, "f.0.weight": _tensor(np.ones((2, 2)))}
    calls = [first.model_copy(update={"grads": grads}), *obs.linear.calls[1:]]
    problem = verify.observation(spec, a.seed, obs.model_copy(update={"linear": obs.linear.model_copy(update={"calls": calls})}))
    assert problem.startswith("gradients were reported for other tensors than g's and f's parameters")


def test_a_slope_of_variance_not_shaped_like_it_is_refused(a, genuine):
    spec, obs = genuine["q2"]
    variance = obs.variance.model_copy(update={"slope_at_h": _tensor(np.ones((0,)))})
    problem = verify.observation(spec, a.seed, obs.model_copy(update={"variance": variance}))
    assert problem.startswith("a slope of variance(h) was reported that is not shaped like variance(h)")


def test_a_spread_of_the_slope_not_shaped_like_it_is_refused(a, genuine):
    spec, obs = genuine["q2"]
    slope = obs.variance.slope_at_h.array()
    shaped = obs.variance.model_copy(update={"slope_spread": _tensor(np.zeros_like(slope))})
    assert verify.observation(spec, a.seed, obs.model_copy(update={"variance": shaped})) is None
    for bad in (obs.variance.model_copy(update={"slope_spread": _tensor(np.zeros(slope.size + 1))}),
                obs.variance.model_copy(update={"slope_at_h": None, "slope_spread": _tensor(np.zeros_like(slope))})):
        problem = verify.observation(spec, a.seed, obs.model_copy(update={"variance": bad}))
        assert problem.startswith("a spread of the variance's slope was reported without a slope of its shape")
