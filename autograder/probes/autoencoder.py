"""Probe a model class `Model(g, f)`: run it on the grader's batches and record what it returned.

Nothing is read from how the model calls g and f. Two runs, each with a fresh instance:
- `sheet`: the sheet's networks (MLPs, L < D), one call on x, with the gradients of the loss;
- `linear`: invertible linear networks (see `nets.linear`), `calls` calls on x, x and a second
  batch x2, with the gradients of the first: the parent recovers the noise of every call from
  the returned tensors, so chunked, repeated, vmapped or checkpointed calls of g and f all count.
The variance map (option `variance`) is probed on its own, on a grid and at the linear run's
h = g(x), so that its test does not depend on `forward`.
"""
from __future__ import annotations

import torch

from autograder.probes import encode, nets
from autograder.probes.encode import ProbeFailure

_autograd_grad = torch.autograd.grad
_enable_grad = torch.enable_grad
_manual_seed = torch.manual_seed
_equal = torch.equal
_SECOND_BATCH = 50  # x2 = nets.inputs(seed + _SECOND_BATCH)


def batches(seed: int, n: int) -> list[torch.Tensor]:
    """The grader's batches: x for the first calls, x2 for the last."""
    return [nets.inputs(seed, n), nets.inputs(seed + _SECOND_BATCH, n)]


def call_batches(calls: int) -> list[int]:
    """Which batch each call of the linear run gets: x, x, ..., then x2."""
    return [0] * (calls - 1) + [1]


def variance_grid() -> torch.Tensor:
    """h over [-30, 30] in steps of 0.1, with exact zeros, shaped like an encoder output (., D)."""
    grid = torch.cat([torch.linspace(-30.0, 30.0, 601), torch.tensor([0.0, -1e-3, 1e-3])])
    return grid.reshape(-1, nets.D)


def _observed(exc: BaseException, labels: list[str], filename: str) -> dict:
    """An exception of student code as an observation; sys.exit and running out of memory end the
    probe instead, so that the child reports them with the limit that was reached."""
    err = encode.error(exc, labels, filename)
    if isinstance(exc, (SystemExit, KeyboardInterrupt)) or err["kind"] == "memory":
        raise exc
    return err


def _build(cls: type, g: torch.nn.Module, f: torch.nn.Module, labels: list[str], filename: str) -> tuple[object, dict | None]:
    try:
        return cls(g, f), None
    except BaseException as exc:  # noqa: BLE001 - anything student code raises is an observation
        return None, _observed(exc, labels, filename)


def _held(model: object, named: list) -> list[list[torch.Tensor]]:
    """The tensors that stand for each of g's and f's parameters: the parameter itself and, if the model
    holds a parameter of its own with the same shape and value instead of it (`copy.deepcopy(g)` in
    `__init__`), that copy too: the model computes with λ and ψ through it, so the gradient w.r.t. λ is
    the sum over both. Read right after the model is built, before any call."""
    params = [p for _, p in named]
    if not isinstance(model, torch.nn.Module):
        return [[p] for p in params]
    try:
        own = list(model.parameters())
        copies = [q for q in own if isinstance(q, torch.Tensor) and all(q is not p for p in params)]
        held = []
        for p in params:
            match = None
            if all(q is not p for q in own):
                match = next((q for q in copies if q.shape == p.shape and q.is_floating_point()
                              and _equal(q.detach().to(p.dtype), p.detach())), None)
            if match is not None:
                copies = [q for q in copies if q is not match]
            held.append([p] if match is None else [p, match])
        return held
    except Exception:  # noqa: BLE001 - a model whose parameters() raises is differentiated w.r.t. g and f only
        return [[p] for p in params]


def _restore(named: list, given: list[torch.Tensor]) -> None:
    """Put back the grader's values of g's and f's parameters that `__init__` re-initialised in place
    (`self.apply(init_weights)`, a habit that changes nothing the sheet asks): the calls then run on the
    grader's weights, which the parent verifies. A change of dtype stays (`g.double()`); weights changed
    during the calls are still reported as they are."""
    with torch.no_grad():
        for (_, p), value in zip(named, given):
            if p.shape == value.shape and p.is_floating_point() and not _equal(p.detach().to(value.dtype), value):
                p.copy_(value)


def _summed(grads: tuple, held: list[list[torch.Tensor]]) -> list[torch.Tensor | None]:
    """autograd.grad's results over the flattened `held`, summed back per parameter (None where none flowed)."""
    out, k = [], 0
    for tensors in held:
        parts = [gr for gr in grads[k:k + len(tensors)] if gr is not None]
        k += len(tensors)
        out.append(sum(parts[1:], parts[0]) if parts else None)
    return out


def _call(model: object, x: torch.Tensor, named: list, held: list[list[torch.Tensor]], with_grads: bool,
          labels: list[str], filename: str) -> dict:
    """One forward call on a copy of x; the loss is computed against the grader's own x and
    differentiated w.r.t. what stands for each parameter (`_held`), recorded under g's and f's names."""
    given = x.clone()
    record: dict = {"output_type": "None"}
    try:
        with _enable_grad():
            out = model(given)  # type: ignore[operator]
    except BaseException as exc:  # noqa: BLE001
        record["error"] = _observed(exc, labels, filename)
        return record
    record["output_type"] = type(out).__name__
    record["wrote_input"] = not _equal(given, x)
    if not isinstance(out, torch.Tensor):
        return record
    record["output"] = encode.tensor(out)
    if with_grads:
        record["grads"] = {n: None for n, _ in named}
        if tuple(out.shape) != tuple(x.shape):
            record["grad_error"] = {"kind": "bad_value", "message": f"output shape {tuple(out.shape)} is not {tuple(x.shape)}"}
        elif out.requires_grad:
            try:
                with _enable_grad():  # grad mode is the grader's, even if forward switched it off
                    loss = ((x - out) ** 2).sum(dim=1).mean()
                grads = _summed(_autograd_grad(loss, [t for ts in held for t in ts], allow_unused=True), held)
                record["grads"] = {n: None if gr is None else encode.tensor(gr) for (n, _), gr in zip(named, grads)}
            except BaseException as exc:  # noqa: BLE001
                record["grad_error"] = _observed(exc, labels, filename)
    return record


def _run(cls: type, nets_pair: tuple, xs: list[torch.Tensor], order: list[int], seed: int,
         labels: list[str], filename: str) -> tuple[dict, object]:
    g, f = nets_pair
    named = nets.named_parameters(g, f)
    run: dict = {"calls": []}
    given = [p.detach().clone() for _, p in named]
    model, err = _build(cls, g, f, labels, filename)
    if err is not None:
        run["build_error"] = err
    else:
        _restore(named, given)
        held = _held(model, named)
        _manual_seed(seed + 2)  # the student's own draws are reproducible too
        for k, b in enumerate(order):
            record = _call(model, xs[b], named, held, k == 0, labels, filename)
            run["calls"].append({"batch": b, **record})
            if "error" in record:
                break
    run["params"] = {n: encode.tensor(p) for n, p in named}  # as they are after the calls
    return run, model


def _variance(model: object, build_error: dict | None, h: list[torch.Tensor], labels: list[str], filename: str) -> dict:
    grid = variance_grid()
    out: dict = {"grid": encode.tensor(grid), "at_h": []}
    fn = getattr(model, "variance", None)
    if build_error is not None or not callable(fn):
        err = build_error or {"kind": "missing", "message": "the model has no method `variance(h)`"}
        return {**out, "grid_error": err, "at_h_error": err}
    try:
        v = fn(grid.clone())
        if not isinstance(v, torch.Tensor):
            raise ProbeFailure("bad_value", f"variance(h) returned {type(v).__name__}, expected a Tensor")
        out["on_grid"] = encode.tensor(v)
    except BaseException as exc:  # noqa: BLE001
        out["grid_error"] = _observed(exc, labels, filename)
    try:
        for k, hk in enumerate(h):
            leaf = hk.detach().clone().requires_grad_(True)
            with _enable_grad():
                hh = leaf.clone()  # not a leaf, as g's output in forward: variance may work in place (h.clamp_)
                v = fn(hh)
            if not isinstance(v, torch.Tensor):
                raise ProbeFailure("bad_value", f"variance(h) returned {type(v).__name__}, expected a Tensor")
            out["at_h"].append(encode.tensor(v))
            if k == 0 and v.shape == leaf.shape:
                out.update(_slope(fn, leaf, hk, v))
    except BaseException as exc:  # noqa: BLE001
        out["at_h_error"] = _observed(exc, labels, filename)
    return out


def _slope(fn: object, leaf: torch.Tensor, h: torch.Tensor, v: torch.Tensor) -> dict:
    """d variance / d h at h, elementwise: by autograd through `leaf`, or, where variance() blocks autograd (no_grad,
    .detach(): an inspection method), by differences with their spread; nothing if neither gives one."""
    if v.requires_grad:
        with _enable_grad():
            total = v.sum()
        (slope,) = _autograd_grad(total, leaf, allow_unused=True)
        if slope is not None:
            return {"slope_at_h": encode.tensor(slope)}
    try:
        slope, spread = _difference_slope(fn, h.detach(), v.detach())
    except Exception:  # noqa: BLE001 - no slope then, as without differences; the values at h stand
        return {}
    return {"slope_at_h": encode.tensor(slope), "slope_spread": encode.tensor(spread)}


def _difference_slope(fn: object, h: torch.Tensor, v: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """d variance / d h at h, elementwise, from one-sided differences (step 2^-10 max(1, |h|)): their mean, and their
    difference plus the rounding of the values as its spread (the slope is known within that: the mean's error on a
    smooth map is far smaller, and at a kink of the map within a step, e.g. a clamp's bound, autograd's choice of
    either side, up to its one-sided quotient's own curvature error, lies inside it)."""
    step = 2.0 ** -10 * torch.clamp(h.abs(), min=1.0)  # h in its own dtype, as variance() sees it in forward
    up, down = h + step, h - step
    with torch.no_grad():
        v_up, v_down = fn(up.clone()), fn(down.clone())  # type: ignore[operator]
    if not (isinstance(v_up, torch.Tensor) and isinstance(v_down, torch.Tensor)) or v_up.shape != h.shape or v_down.shape != h.shape:
        raise ProbeFailure("bad_value", "variance(h) did not return a tensor shaped like h near the encoder's outputs")
    v_up, v_down, mid = (t.detach().to(torch.float64) for t in (v_up, v_down, v))
    hi, lo = (v_up - mid) / (up - h).to(torch.float64), (mid - v_down) / (h - down).to(torch.float64)
    unit = max(float(torch.finfo(t.dtype).eps) if t.is_floating_point() else 0.0 for t in (h, v))
    unit = unit or float(torch.finfo(torch.float32).eps)
    rounding = 2 * unit * torch.maximum(torch.maximum(v_up.abs(), v_down.abs()), mid.abs()) / step.to(torch.float64)
    return (hi + lo) / 2, (hi - lo).abs() + rounding


def probe(ns: dict, target: str, seed: int, options: dict, labels: list[str], filename: str) -> dict:
    """Run `ns[target](g, f)` with the sheet's and with invertible networks; record outputs and gradients.

    Autograd's global state is the grader's: the child runs every probe with grad on and inference mode
    off (`sandbox.child.run_job`), whatever the submission left set at import; forward may still switch
    grad off, so the loss and the slope are taken with grad on here.
    """
    cls = ns.get(target)
    if cls is None:
        raise ProbeFailure("missing", f"`{target}` is not defined")
    xs = batches(seed, int(options.get("batch", 512)))
    obs: dict = {"kind": "autoencoder", "batches": [encode.tensor(x) for x in xs]}
    obs["sheet"], _ = _run(cls, nets.build(seed), xs, [0], seed, labels, filename)
    pair = nets.linear(seed, float(options.get("encoder_scale", 2.0)), float(options.get("decoder_scale", 1.5)))
    obs["linear"], model = _run(cls, pair, xs, call_batches(int(options.get("calls", 3))), seed, labels, filename)
    if options.get("variance"):
        g = pair[0]
        dtype = next(g.parameters()).dtype  # the model may have converted g (g.double()): values are verified
        with torch.no_grad():
            h = [g(x.to(dtype)) for x in xs]
        obs["variance"] = _variance(model, obs["linear"].get("build_error"), h, labels, filename)
    return obs
