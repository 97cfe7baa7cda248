"""Probe module-level answers: plain values and dicts of values, key by key."""
from __future__ import annotations

from autograder.probes import encode

_MAX_KEYS = 50
_CLASS_NAME = type.__dict__["__name__"].__get__  # a class's own name, whatever its metaclass says


def probe(ns: dict, target: str, seed: int, options: dict, labels: list[str], filename: str) -> dict:
    """Record each name in `options["names"]`; a dict is recorded as `NAME[key]` entries."""
    values: dict[str, dict] = {}
    for name in options["names"]:
        if name not in ns:
            values[name] = {"kind": "error", "type_name": "NameError",
                            "error": {"kind": "missing", "message": f"`{name}` is not defined"}}
            continue
        v = ns[name]
        if isinstance(v, dict):  # an OrderedDict, a defaultdict is a dict too; read through dict's own C methods,
            # so that a subclass's __getitem__, __iter__ or __len__ (or a defaultdict's __missing__) runs no code here
            kind = _CLASS_NAME(type(v))
            values[name] = {"kind": "other", "text": f"{encode.text(kind)[:100]} with {dict.__len__(v)} keys", "type_name": "dict"}
            for key in list(dict.keys(v))[:_MAX_KEYS]:
                if type(key) is str:
                    values[f"{name}[{key}]"] = encode.value(dict.__getitem__(v, key))
        else:
            values[name] = encode.value(v)
    return {"kind": "answers", "values": values}
