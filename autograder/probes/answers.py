"""Probe module-level answers: plain values and dicts of values, key by key."""
from __future__ import annotations

from autograder.probes import encode

_MAX_KEYS = 50


def probe(ns: dict, target: str, seed: int, options: dict, labels: list[str], filename: str) -> dict:
    """Record each name in `options["names"]`; a dict is recorded as `NAME[key]` entries."""
    values: dict[str, dict] = {}
    for name in options["names"]:
        if name not in ns:
            values[name] = {"kind": "error", "type_name": "NameError",
                            "error": {"kind": "missing", "message": f"`{name}` is not defined"}}
            continue
        v = ns[name]
        if type(v) is dict:
            values[name] = {"kind": "other", "text": f"dict with {len(v)} keys", "type_name": "dict"}
            for key in list(v)[:_MAX_KEYS]:
                if type(key) is str:
                    values[f"{name}[{key}]"] = encode.value(v[key])
        else:
            values[name] = encode.value(v)
    return {"kind": "answers", "values": values}
