"""Probe a model class `Model(g, f)`: run it on the grader's batch and record what g and f saw."""
from __future__ import annotations

import torch

from autograder.probes import encode, nets
from autograder.probes.encode import ProbeFailure

_MAX_CALLS = 4
_autograd_grad = torch.autograd.grad
_randn = torch.randn


def _recorder(calls: list, seen: list) -> object:
    def hook(_module, args, output):
        seen[0] += 1
        if args and isinstance(args[0], torch.Tensor) and isinstance(output, torch.Tensor):
            calls.append({"input": encode.tensor(args[0]), "output": encode.tensor(output)})
            del calls[:-_MAX_CALLS]
        # keep the last output with its graph for the variance probe
        seen[1] = output

    return hook


def variance_grid() -> torch.Tensor:
    """h over [-30, 30] in steps of 0.1, with exact zeros, shaped like an encoder output (., L)."""
    grid = torch.cat([torch.linspace(-30.0, 30.0, 601), torch.tensor([0.0, -1e-3])])
    return grid.reshape(-1, nets.L)


def _variance(model: object, h_last: torch.Tensor | None, labels: list[str], filename: str) -> dict:
    grid = variance_grid()
    out: dict = {"grid": encode.tensor(grid)}
    fn = getattr(model, "variance", None)
    if not callable(fn):
        err = {"kind": "missing", "message": "the model has no method `variance(h)`"}
        return {**out, "grid_error": err, "at_h_error": err}
    try:
        v = fn(grid.clone())
        if not isinstance(v, torch.Tensor):
            raise ProbeFailure("bad_value", f"variance(h) returned {type(v).__name__}, expected a Tensor")
        out["on_grid"] = encode.tensor(v)
    except BaseException as exc:  # noqa: BLE001 - anything student code raises is an observation
        out["grid_error"] = encode.error(exc, labels, filename)
    if h_last is None:
        out["at_h_error"] = {"kind": "bad_value", "message": "g was never called in forward"}
        return out
    try:
        hh = h_last.detach().clone().requires_grad_(True)
        v = fn(hh)
        if not isinstance(v, torch.Tensor):
            raise ProbeFailure("bad_value", f"variance(h) returned {type(v).__name__}, expected a Tensor")
        out["at_h"] = encode.tensor(v)
        if v.requires_grad and v.shape == hh.shape:
            (slope,) = _autograd_grad(v.sum(), hh, allow_unused=True)
            if slope is not None:
                out["slope_at_h"] = encode.tensor(slope)
    except BaseException as exc:  # noqa: BLE001
        out["at_h_error"] = encode.error(exc, labels, filename)
    return out


def probe(ns: dict, target: str, seed: int, options: dict, labels: list[str], filename: str) -> dict:
    """Build g, f and x from the seed, call `ns[target](g, f)(x)`, record calls and gradients."""
    cls = ns.get(target)
    if cls is None:
        raise ProbeFailure("missing", f"`{target}` is not defined")
    g, f = nets.build(seed)
    x = nets.inputs(seed)
    x_data = encode.tensor(x)  # recorded before the model may change its argument in place
    g_calls: list = []
    f_calls: list = []
    g_seen, f_seen = [0, None], [0, None]
    g.register_forward_hook(_recorder(g_calls, g_seen))
    f.register_forward_hook(_recorder(f_calls, f_seen))
    torch.manual_seed(seed + 2)  # the student's own draws are reproducible too
    with torch.enable_grad():
        model = cls(g, f)
        out = model(x.clone())  # the loss below uses the grader's own, untouched x
    named = nets.named_parameters(g, f)
    obs: dict = {
        "kind": "autoencoder",
        "x": x_data,
        "output_type": type(out).__name__,
        "g_calls": g_calls,
        "f_calls": f_calls,
        "calls_seen": [g_seen[0], f_seen[0]],
        "params": {n: encode.tensor(p) for n, p in named},
        "grads": {n: None for n, _ in named},
    }
    if isinstance(out, torch.Tensor):
        obs["output"] = encode.tensor(out)
        if tuple(out.shape) != tuple(x.shape):
            obs["grad_error"] = {"kind": "bad_value", "message": f"output shape {tuple(out.shape)} is not {tuple(x.shape)}"}
        elif out.requires_grad:
            loss = ((x - out) ** 2).sum(dim=1).mean()
            try:
                grads = _autograd_grad(loss, [p for _, p in named], allow_unused=True)
                obs["grads"] = {n: None if gr is None else encode.tensor(gr) for (n, _), gr in zip(named, grads)}
            except BaseException as exc:  # noqa: BLE001
                obs["grad_error"] = encode.error(exc, labels, filename)
    if options.get("variance"):
        h_last = g_seen[1] if isinstance(g_seen[1], torch.Tensor) else None
        obs["variance"] = _variance(model, h_last, labels, filename)
    return obs
