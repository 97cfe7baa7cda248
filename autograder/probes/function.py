"""Probe a function of two density arguments on grader-chosen call sets (tensors, floats, edges)."""
from __future__ import annotations

import torch

from autograder.probes import encode
from autograder.probes.encode import ProbeFailure


def _arg(a: object) -> object:
    return encode.tensor(a) if isinstance(a, torch.Tensor) else float(a)  # type: ignore[arg-type]


def call_sets(seed: int, options: dict) -> dict[str, list[tuple[object, object]]]:
    """The argument pairs of each named call set, from the probe's options and the seed."""
    gen = torch.Generator().manual_seed(seed + 3)
    sets: dict[str, list[tuple[object, object]]] = {}
    if "random" in options:
        spec = options["random"]
        lo, hi, shape = spec["low"], spec["high"], tuple(spec["shape"])
        sets["random"] = [
            (lo + (hi - lo) * torch.rand(shape, generator=gen), lo + (hi - lo) * torch.rand(shape, generator=gen))
            for _ in range(spec.get("repeats", 1))
        ]
    if "floats" in options:
        sets["floats"] = [(float(a), float(b)) for a, b in options["floats"]]
    if "edge" in options:
        sets["edge"] = [(torch.tensor(a, dtype=torch.float32), torch.tensor(b, dtype=torch.float32)) for a, b in options["edge"]]
    if "broadcast" in options:
        lo, hi = 0.05, 5.0
        sets["broadcast"] = [
            (lo + (hi - lo) * torch.rand(tuple(sa), generator=gen), lo + (hi - lo) * torch.rand(tuple(sb), generator=gen))
            for sa, sb in options["broadcast"]
        ]
    return sets


def probe(ns: dict, target: str, seed: int, options: dict, labels: list[str], filename: str) -> dict:
    """Call `ns[target](a, b)` on every call set; each call's error is recorded on its own."""
    fn = ns.get(target)
    if fn is None:
        raise ProbeFailure("missing", f"`{target}` is not defined")
    if not callable(fn):
        raise ProbeFailure("bad_value", f"`{target}` is a {type(fn).__name__}, not a function")
    calls: dict[str, list[dict]] = {}
    for name, pairs in call_sets(seed, options).items():
        calls[name] = []
        for a, b in pairs:
            args = [_arg(a), _arg(b)]
            try:
                result = encode.value(fn(a.clone() if isinstance(a, torch.Tensor) else a, b.clone() if isinstance(b, torch.Tensor) else b))
            except BaseException as exc:  # noqa: BLE001 - the error is the observation
                result = {"kind": "error", "type_name": type(exc).__name__, "error": encode.error(exc, labels, filename)}
            calls[name].append({"args": args, "result": result})
    return {"kind": "function", "calls": calls}
