"""The answers probe reads any dict as a dict, through dict's own methods (no code of the submission runs)."""
from __future__ import annotations

from collections import OrderedDict, defaultdict

from autograder.probes import answers


def _read(value: object) -> dict:
    return answers.probe({"A": value}, "", 0, {"names": ["A"]}, [], "sub")["values"]


def test_ordered_and_default_dicts_are_read_key_by_key():
    for d in (OrderedDict([("model1", False), ("model2", True)]), defaultdict(bool, model1=False, model2=True)):
        values = _read(d)
        assert values["A"]["type_name"] == "dict" and values["A"]["text"].startswith(type(d).__name__)
        assert (values["A[model1]"]["number"], values["A[model2]"]["number"]) == (0.0, 1.0)
    assert "A[model3]" not in _read(defaultdict(bool, model1=False))  # a missing key is not made by __missing__


def test_a_dict_subclass_runs_none_of_its_own_methods():
    ran = []

    class Sly(dict):
        def __getitem__(self, key):
            ran.append("getitem")
            return 42

        def __iter__(self):
            ran.append("iter")
            return iter(["forged"])

        def __len__(self):
            ran.append("len")
            return 0

        def keys(self):
            ran.append("keys")
            return ["forged"]

    values = _read(Sly(model2=True))
    assert ran == [] and values["A[model2]"]["number"] == 1.0 and "A[forged]" not in values
