"""Checks on a model(g, f) probe: shape, gradient flow, where the noise is, fresh draws, pathwise gradients, variance.

The structure is judged from what the model returned with the grader's invertible linear
networks (see `probes.nets.linear`): x̃ determines f's input z = W⁻¹(x̃ - b), and z the noise,
whatever way the model called g and f. Nothing depends on how the code is written.
"""
from __future__ import annotations

import numpy as np

from autograder.checks.messages import error_text, mismatch, observed
from autograder.model import AutoencoderObservation, CheckResult, ModelRun, Outcome, ProbeRecord

# torch and scipy are imported inside the checks that need them: the public checks a student
# runs with `autograder check` then start without them (about 2 s on a cold start).

_RUNS = (("sheet", "with the sheet's networks (MLPs, L < D)"), ("linear", "with linear networks (L = D)"))
_HINTS = {"input": "z = x + torch.randn_like(x)", "latent": "z = h + torch.randn_like(h)",
          "scaled": "z = torch.sqrt(variance(h)) * torch.randn_like(h) (the standard deviation is the square root of the variance)"}
_PLACES = {"input": "on the input x", "latent": "in the latent, added to h = g(x)", "scaled": "scaled by sqrt(variance(h))"}


def _observation(record: ProbeRecord, subject: str) -> AutoencoderObservation | CheckResult:
    return observed(record, subject, AutoencoderObservation)


def _forward_problem(obs: AutoencoderObservation, model: str) -> CheckResult | None:
    """The first call of either run that raised or returned no finite (N, D) tensor."""
    for name, label in _RUNS:
        run: ModelRun = getattr(obs, name)
        if run.build_error is not None:
            return CheckResult.fail(error_text(f"{model}(g, f)", run.build_error), outcome=Outcome.ERROR)
        for k, call in enumerate(run.calls):
            where = f"{model}.forward {label}, call {k + 1}"
            if call.error is not None:
                return CheckResult.fail(error_text(where, call.error), outcome=Outcome.ERROR)
            shape = tuple(obs.batches[call.batch].shape)
            if call.output is None:
                return CheckResult.fail(f"{where} returned {call.output_type}, expected a Tensor of shape {shape}")
            out = call.output.array()
            if out.shape != shape:
                return CheckResult.fail(f"{where} returned shape {out.shape}, expected {shape} (N, D): the reconstruction x~ = f(.)")
            if not np.all(np.isfinite(out)):
                return CheckResult.fail(f"{where} returned {int(np.sum(~np.isfinite(out)))} non-finite values (nan or inf)")
    return None


def forward_shape(record: ProbeRecord, *, model: str) -> CheckResult:
    """Every call returns a finite tensor shaped like x, with the sheet's and with linear networks."""
    obs = _observation(record, model)
    if isinstance(obs, CheckResult):
        return obs
    problem = _forward_problem(obs, model)
    return problem or CheckResult.ok(f"{model}.forward returned finite (N, D) tensors on every call")


def _ready(record: ProbeRecord, model: str) -> AutoencoderObservation | CheckResult:
    obs = _observation(record, model)
    if isinstance(obs, CheckResult):
        return obs
    problem = _forward_problem(obs, model)
    if problem:
        return problem.model_copy(update={"message": problem.message + " — fix the forward pass first"})
    for name, label in _RUNS:
        err = getattr(obs, name).calls[0].grad_error
        if err is not None:
            return CheckResult.fail(error_text(f"{model} {label}: computing the gradient of the loss", err), outcome=Outcome.ERROR)
    return obs


def _listing(names: list[str], limit: int = 3) -> str:
    return ", ".join(names[:limit]) + (", …" if len(names) > limit else "")


def _gradient_problems(grads: dict, label: str) -> list[str]:
    problems = []
    for net, role in (("g", "encoder (λ)"), ("f", "decoder (ψ)")):
        names = [n for n in grads if n.startswith(net + ".")]
        none = [n for n in names if grads[n] is None]
        arrays = {n: grads[n].array() for n in names if grads[n] is not None}
        nonfinite = [n for n, a in arrays.items() if not np.all(np.isfinite(a))]
        zero = [n for n, a in arrays.items() if np.all(a == 0)]
        if none:
            hint = ("sampling with .sample() (or torch.normal, .detach(), torch.no_grad(), a checkpoint(..., use_reentrant=True) "
                    "whose inputs need no gradient) cuts the graph; h + eps or .rsample() keeps it" if net == "g"
                    else "is the output computed from f's output?")
            problems.append(f"{label}the {role} received no gradient (grad is None for {len(none)}/{len(names)} tensors: {_listing(none)}) — {hint}")
        elif nonfinite:
            problems.append(f"{label}the {role} has non-finite gradients (nan or inf in {_listing(nonfinite)}) — look for a sqrt or log of a value that can be 0 or negative")
        elif len(zero) == len(names):
            hint = ("torch.normal(mean, std) passes no gradient to its mean; write mean + std * torch.randn_like(mean)"
                    if net == "g" else "the output does not depend on f")
            problems.append(f"{label}the {role}'s gradient is exactly zero for {len(zero)}/{len(names)} tensors — {hint}")
    return problems


def gradients_reach(record: ProbeRecord, *, model: str) -> CheckResult:
    """Every parameter of g (λ) and of f (ψ) gets a finite, not-all-zero gradient from L, in both runs."""
    obs = _ready(record, model)
    if isinstance(obs, CheckResult):
        return obs
    problems: list[str] = []
    for name, label in _RUNS:
        problems += _gradient_problems(getattr(obs, name).calls[0].grads or {}, "" if name == "sheet" else f"{label}, ")
        if problems:  # the same cause shows in both runs: name it once
            break
    if problems:
        return CheckResult.fail(f"{model}: " + "; ".join(problems) + ".")
    return CheckResult.ok(f"{model}: λ and ψ both receive finite, non-zero gradients")


# ---------------------------------------------------------------- the noise, recovered from x̃


def _linear_params(obs: AutoencoderObservation) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    p = {k: v.array().astype(np.float64) for k, v in obs.linear.params.items()}
    return p["g.0.weight"], p["g.0.bias"], p["f.0.weight"], p["f.0.bias"]


def _offsets(obs: AutoencoderObservation) -> list[tuple[np.ndarray, np.ndarray]]:
    """For each call of the linear run: (h = g(x), f's input z recovered from x̃)."""
    a, c, w, b = _linear_params(obs)
    found = []
    for call in obs.linear.calls:
        x = obs.batches[call.batch].array().astype(np.float64)
        z = np.linalg.solve(w, (call.output.array().astype(np.float64) - b).T).T  # type: ignore[union-attr]
        found.append((x @ a.T + c, z))
    return found


def _noise(obs: AutoencoderObservation, place: str, offsets: list[tuple[np.ndarray, np.ndarray]]) -> tuple[list[np.ndarray], list[np.ndarray] | None] | str:
    """The standardised noise of every call (its `_offsets`) if it was drawn at `place`, with the variances (scaled)."""
    a = _linear_params(obs)[0]
    us, variances = [], []
    for call, (h, z) in zip(obs.linear.calls, offsets):
        if place == "input":
            us.append(np.linalg.solve(a, (z - h).T).T)
        elif place == "latent":
            us.append(z - h)
        else:
            var = obs.variance
            v = var.at_h[call.batch].array().astype(np.float64) if var is not None and len(var.at_h) > call.batch else None
            if v is None or v.shape != h.shape:
                err = var.at_h_error if var is not None else None
                return error_text("variance(h)", err) if err else "variance(h) gave no variance shaped like h at the encoder's outputs"
            if not np.all(v > 0) or not np.all(np.isfinite(v)):
                return f"variance(h) is <= 0 or not finite at {int(np.sum(~(v > 0) | ~np.isfinite(v)))} of the encoder's outputs, so z ~ N(0, diag(variance(h))) is undefined there"
            us.append(z / np.sqrt(v))
            variances.append(v)
    return us, (variances if place == "scaled" else None)


def _repeated_rows(u: np.ndarray) -> tuple[int, int] | None:
    """Two rows of one call with the same noise vector (to 1e-5), if any.

    Under H0 two rows agree in all k coordinates to 1e-5 with probability below (1e-5)^k per pair:
    about 1e-15 for a whole batch of 512 rows and k = 4, so this never fails a correct model.
    """
    keys = np.round(u / 1e-5).astype(np.int64)
    _, first, counts = np.unique(keys, axis=0, return_index=True, return_counts=True)
    if not (counts > 1).any():
        return None
    dup = keys[first[np.argmax(counts > 1)]]
    rows = np.flatnonzero((keys == dup).all(axis=1))
    return int(rows[0]), int(rows[1])


def _shared_over_batch(us: list[np.ndarray]) -> str | None:
    """A coordinate whose noise is the same in every row of a call (impossible under H0)."""
    for k, u in enumerate(us):
        flat = np.flatnonzero(np.ptp(u, axis=0) < 1e-4)
        if flat.size:
            return (f"coordinate {int(flat[0])} of the noise takes the same value in every row of call {k + 1}: the noise is shared by the "
                    "whole batch, not drawn per sample")
    return None


def _repeated_noise(us: list[np.ndarray]) -> str | None:
    for k, u in enumerate(us):
        rows = _repeated_rows(u)
        if rows:
            return (f"rows {rows[0]} and {rows[1]} of call {k + 1} drew the same noise, where every row needs its own draw "
                    "(not a smaller draw repeated or expanded over the batch)")
    return None


def _same_noise(us: list[np.ndarray], batches: list[int]) -> str | None:
    for i in range(len(us)):
        for j in range(i + 1, len(us)):
            if np.allclose(us[i], us[j], rtol=1e-4, atol=1e-5):
                on = "the same batch" if batches[i] == batches[j] else "another batch"
                return (f"calls {i + 1} and {j + 1} (on {on}) drew exactly the same noise: draw fresh noise inside forward on every call "
                        "(no torch.manual_seed or reseeded generator in forward, no RNG state restored after the draw as "
                        "torch.random.fork_rng() does, no noise stored on the module and reused)")
    return None


def noise_structure(record: ProbeRecord, *, model: str, noise: str, alpha: float) -> CheckResult:
    """Noise where the sheet puts it, iid N(0, 1) once standardised, fresh and independent on every call.

    `noise`: "input" (z = x + eps), "latent" (z = h + eps) or "scaled" (z = sqrt(variance(h)) * eps).
    False failure <= alpha: alpha/2 for `stats.standard_normal` on the pooled calls, alpha/2 for
    `stats.independent_calls` (both exact under H0, see checks/stats.py).
    """
    obs = _ready(record, model)
    if isinstance(obs, CheckResult):
        return obs
    wrote = [k + 1 for k, c in enumerate(obs.sheet.calls + obs.linear.calls) if c.wrote_input]
    if wrote:
        return CheckResult.fail(f"{model}.forward wrote into the tensor x it was given (in place: x.add_(...), x += ..., x.normal_()): "
                                "the caller's x, and the loss computed against it, change — leave x as it is and write z = x + eps")
    offsets = _offsets(obs)
    if all(np.allclose(z, h, rtol=1e-4, atol=1e-4) for h, z in offsets):
        return CheckResult.fail(f"{model}: x~ = f(g(x)) exactly — no noise was drawn ({_PLACES[noise]}: e.g. {_HINTS[noise]})")
    found = _noise(obs, noise, offsets)
    if isinstance(found, str):
        return CheckResult.fail(f"{model}: {found}")
    us, variances = found
    if all(np.allclose(u, 0.0, atol=1e-4) for u in us):
        return CheckResult.fail(f"{model}: no noise was drawn ({_PLACES[noise]}: e.g. {_HINTS[noise]})")
    same = _same_noise(us, [c.batch for c in obs.linear.calls]) or _shared_over_batch(us)
    if same:
        return CheckResult.fail(f"{model}: {same}")
    from autograder.checks import stats

    kept = _recoverable_rows(obs, variances) if variances else None  # scaled noise: only the rows x~ determines
    fewest = min(int(k.sum()) for k in kept) if kept is not None else None
    if fewest is not None and fewest < _MIN_ROWS:
        return CheckResult.ok(f"{model}: no noise was reused (checked on every row); variance(h) spans so many orders of "
                              "magnitude at the grader's encoder outputs that x~ determines z / sqrt(variance(h)) in only "
                              f"{fewest} rows of a call, too few to test its distribution (not held against you)")
    strata = np.concatenate(variances) if variances else None
    pairs = us  # independent_calls compares calls of one shape row by row
    if kept is not None:
        both = np.logical_and.reduce(kept) if len({k.shape for k in kept}) == 1 else None
        pairs = [u[both] for u in us] if both is not None and int(both.sum()) >= _MIN_ROWS else []
        us, strata = [u[k] for u, k in zip(us, kept)], np.concatenate([v[k] for v, k in zip(variances, kept)])
    problem = stats.standard_normal(np.concatenate(us), alpha / 2, strata) or stats.independent_calls(pairs, alpha / 2) or _repeated_noise(us)
    if problem:
        where = {"input": "the noise on the input", "latent": "the noise in the latent, z - h,", "scaled": "z / sqrt(variance(h))"}[noise]
        return CheckResult.fail(f"{model}: {where} should be iid N(0, 1) and fresh on every call, but {problem} — "
                                f"e.g. {_HINTS[noise]}{_elsewhere(obs, offsets, noise, alpha)}")
    return CheckResult.ok(f"{model}: the noise is where it belongs, distributed as expected and fresh on every call")


# A recovered, standardised noise value is tested when x~'s rounding moves it by at most _RECOVERY_TOLERANCE (given every
# |eps| <= _NOISE_BOUND: all 6144 values are, except with probability 7.5e-12). That moves each statistic of
# `stats.standard_normal` and `stats.independent_calls` by at most 0.11 of its standard deviation (the KS distance; the
# chi2 sums 0.044, the means 0.04, the correlations 0.08), which at their critical values (5.8 standard deviations for
# alpha / m ~ 1e-9) at most doubles each tail: the false-failure probability stays below 2 alpha = 2e-7.
_RECOVERY_TOLERANCE = 1e-3
_NOISE_BOUND = 8.0
_MIN_ROWS = 16  # per call: 64 values, the least the tests get


def _recoverable_rows(obs: AutoencoderObservation, variances: list[np.ndarray]) -> list[np.ndarray]:
    """For each call, the rows whose noise z / sqrt(variance(h)) x~ determines to within _RECOVERY_TOLERANCE.

    x~ = W z + b is rounded in the run's arithmetic, and W⁻¹ spreads a row's rounding over all of its coordinates: where
    variance(h) spans many orders of magnitude within a row (exp(2 h) at |h| ~ 10), the small-variance coordinates are
    lost in the rounding of the large ones (`_recovery_error`). The rows are chosen from the variances alone (|z| taken
    as _NOISE_BOUND sqrt(variance)), never from the noise, so the kept rows' noise is still iid N(0, 1) under H0. A run in
    reduced precision (bfloat16 / float16 x~: CPU autocast) is chosen from as a float32 one: its rounding, the same in
    every row, is what its noise was tested with before (honest runs pass); only a row's range of variances is judged."""
    unit = min(_unit_roundoff(obs), float(np.finfo(np.float32).eps) / 2)
    return [(_recovery_error(obs, _NOISE_BOUND * np.sqrt(v), unit) / np.sqrt(v) <= _RECOVERY_TOLERANCE).all(axis=1) for v in variances]


def _elsewhere(obs: AutoencoderObservation, offsets: list[tuple[np.ndarray, np.ndarray]], noise: str, alpha: float) -> str:
    """A hint when the noise fits another place of the sheet's models (a message only: never a verdict)."""
    from autograder.checks import stats

    if noise == "scaled":  # the usual mu + std * eps helper called with mu = h: N(h, diag(variance(h)))
        found = _noise(obs, noise, offsets)
        if not isinstance(found, str) and found[1] is not None:
            centred = [u - h / np.sqrt(v) for u, (h, _), v in zip(found[0], offsets, found[1])]
            if stats.standard_normal(np.concatenate(centred), alpha) is None:
                return ("; it fits z = h + sqrt(variance(h)) * eps instead, i.e. N(h, diag(variance(h))): "
                        "the fixed model's mean is 0, not h")
    for place in ("input", "latent"):
        if place == noise:
            continue
        found = _noise(obs, place, offsets)
        if not isinstance(found, str) and stats.standard_normal(np.concatenate(found[0]), alpha) is None:
            return f"; the noise fits N(0, I) {_PLACES[place]} instead: is it added in the wrong place?"
    return ""


# ---------------------------------------------------------------- pathwise gradients


def _format_unit(values: np.ndarray) -> float:
    """The unit roundoff of the coarsest floating-point format that holds every value of `values` exactly: bfloat16
    (2^-8) or float16 (2^-11) for float32 values computed in those formats, else the dtype's own. Fewer than 4
    nonzero values (a zero gradient) say nothing; an honest float32 result of k values is a bfloat16 one with
    probability 2^-16k."""
    if not np.issubdtype(values.dtype, np.floating):
        return 0.0
    own = float(np.finfo(values.dtype).eps) / 2
    finite = values[np.isfinite(values) & (values != 0)]
    if values.dtype != np.float32 or finite.size < 4:
        return own
    if np.all(finite.view(np.uint32) & 0xFFFF == 0):
        return 2.0 ** -8
    with np.errstate(over="ignore"):
        if np.array_equal(finite.astype(np.float16).astype(np.float32), finite):
            return 2.0 ** -11
    return own


def _unit_roundoff(obs: AutoencoderObservation) -> float:
    """The unit roundoff of the arithmetic the linear run was computed in, read from the values it returned: the
    coarsest format of x̃ (every call) and of each gradient (`_format_unit`). Mixed precision (`torch.autocast` on
    the CPU, around the whole forward or a part of it) leaves bfloat16 / float16 values there."""
    arrays = [c.output.array() for c in obs.linear.calls if c.output is not None]
    arrays += [gr.array() for gr in (obs.linear.calls[0].grads or {}).values() if gr is not None]
    return max((_format_unit(a) for a in arrays), default=0.0)


def _recovery_error(obs: AutoencoderObservation, z0: np.ndarray, unit: float | None = None) -> np.ndarray:
    """A bound on the error of f's input z recovered from x̃ = W z + b, elementwise: x̃ holds W z + b rounded in
    the arithmetic the run used (`_unit_roundoff`; a dot product of D terms and a bias: at most (D + 1) roundings,
    doubled for chunked or reassociated calls), and W⁻¹ carries that error to z. In reduced precision the same
    bound, propagated to the gradients, also stands for the submission's own rounding of them (not derived:
    measured, honest bfloat16 / float16 runs stay within 0.055 of the allowed difference over 12 seeds). `unit`: another
    unit roundoff than the run's."""
    w, b = _linear_params(obs)[2:]
    dx = 2 * (w.shape[1] + 1) * (_unit_roundoff(obs) if unit is None else unit) * (np.abs(z0) @ np.abs(w).T + np.abs(b))
    return dx @ np.abs(np.linalg.inv(w)).T


def _reference_grads(obs: AutoencoderObservation, place: str,
                     bounds: bool = False) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]] | str:
    """The gradients of L along the sampled path, the recovered noise held fixed at `place`, and for each (with
    `bounds`, else zeros) a bound on how much the error of the recovered noise (`_recovery_error`) moves it (first
    order: one batched double backward, the costlier part, so computed only when needed)."""
    import torch

    torch.set_num_threads(1)  # tiny tensors: intra-op threads only add contention
    with torch.enable_grad(), torch.inference_mode(False), torch.autograd.set_detect_anomaly(False):  # its own autograd state
        return _reference_grads_here(obs, place, bounds)


def _reference_grads_here(obs: AutoencoderObservation, place: str,
                          bounds: bool) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]] | str:
    import torch

    call = obs.linear.calls[0]
    params = {k: torch.from_numpy(v.array().astype(np.float64)).requires_grad_(True) for k, v in obs.linear.params.items()}
    x = torch.from_numpy(obs.batches[call.batch].array().astype(np.float64))
    h0_np, z0_np = _offsets(obs)[0]
    h0, z0 = torch.from_numpy(h0_np), torch.from_numpy(z0_np).requires_grad_(True)
    h = x @ params["g.0.weight"].T + params["g.0.bias"]
    uncertain = False
    if place == "latent":
        z = h + (z0 - h0)
    elif place == "input":
        eps = torch.linalg.solve(params["g.0.weight"].detach(), (z0 - h0).T).T
        z = (x + eps) @ params["g.0.weight"].T + params["g.0.bias"]
    else:
        var = obs.variance
        if var is None or not var.at_h or var.slope_at_h is None:
            return "variance(h) passes no gradient to h, so λ cannot learn the variance — compute it with torch operations on h"
        v0 = torch.from_numpy(var.at_h[call.batch].array().astype(np.float64))
        if v0.shape != h.shape or not bool((v0 > 0).all()):
            return "variance(h) is not a positive tensor shaped like h at the encoder's outputs, so the sample and its gradient are undefined"
        slope = torch.from_numpy(var.slope_at_h.array().astype(np.float64))
        uncertain = var.slope_spread is not None and var.slope_spread.shape == var.slope_at_h.shape
        if uncertain:  # a slope taken by differences: known within slope_spread (a bound, below)
            spread = torch.from_numpy(var.slope_spread.array().astype(np.float64)).abs()
            slope.requires_grad_(bounds)
        # the variance map linearised at the observed h: exact value and first derivative there
        z = torch.sqrt(v0 + slope * (h - h0)) * (z0 / torch.sqrt(v0))
    out = z @ params["f.0.weight"].T + params["f.0.bias"]
    loss = ((x - out) ** 2).sum(dim=1).mean()
    names = list(params)
    grads = torch.autograd.grad(loss, [params[n] for n in names], allow_unused=True, create_graph=bounds)
    used = [(n, gr) for n, gr in zip(names, grads) if gr is not None]
    refs = {n: np.zeros(tuple(params[n].shape)) for n in names}
    slacks = {n: np.zeros(tuple(params[n].shape)) for n in names}
    for n, gr in used:
        refs[n] = gr.detach().numpy()
    if not used or not bounds:
        return refs, slacks
    dz = torch.from_numpy(_recovery_error(obs, z0_np))
    flat = torch.cat([gr.reshape(-1) for _, gr in used])
    # d(every gradient entry)/d z0 (and / d slope, when the slope is uncertain) in one batched backward (a row per
    # entry), weighted by |recovery error| (and by the slope's spread: the gradients are linear in the slope, so exact)
    inputs, weights = [z0], [dz]
    if place == "scaled" and uncertain:
        inputs.append(slope)
        weights.append(spread)
    jacs = torch.autograd.grad(flat, inputs, grad_outputs=torch.eye(flat.numel(), dtype=flat.dtype), allow_unused=True,
                               is_grads_batched=True)
    slack = np.zeros(flat.numel())
    for jac, weight in zip(jacs, weights):
        if jac is not None:
            slack = slack + (jac.abs() * weight).reshape(flat.numel(), -1).sum(1).detach().numpy()
    start = 0
    for n, gr in used:
        slacks[n] = slack[start:start + gr.numel()].reshape(tuple(gr.shape))
        start += gr.numel()
    return refs, slacks


def _pathwise_mismatch(obs: AutoencoderObservation, grads: dict, place: str, rtol: float, atol: float,
                       bounds: bool) -> str | CheckResult | None:
    """None when the recorded gradients equal the reference with the noise fixed at `place` (within atol +
    rtol |ref|, plus with `bounds` the recovered noise's rounding bound), else the mismatch; a CheckResult
    when no reference exists."""
    found = _reference_grads(obs, place, bounds=bounds)
    if isinstance(found, str):
        return CheckResult.fail(found)
    ref, bound = found
    names = list(ref)
    got = np.concatenate([grads[n].array().ravel() for n in names])
    exp = np.concatenate([ref[n].ravel() for n in names])
    slack = np.concatenate([bound[n].ravel() for n in names])
    offsets = np.cumsum([0] + [ref[n].size for n in names])

    def where(idx: tuple[int, ...]) -> str:
        k = int(np.searchsorted(offsets, idx[0], side="right") - 1)
        local = np.unravel_index(idx[0] - offsets[k], ref[names[k]].shape)
        return f"{names[k]}[{', '.join(str(int(j)) for j in local)}]"

    # the reference is known only up to `slack` (the recovered noise's rounding, propagated): within it, equal
    within = np.abs(got - exp) <= atol + rtol * np.abs(exp) + slack
    if within.all():
        return None
    shown = np.where(within, exp, got)  # only the entries beyond the slack are reported
    return mismatch(shown, exp, rtol=rtol, atol=atol, where=where)


def pathwise_gradient(record: ProbeRecord, *, model: str, rtol: float, atol: float, scaled: bool = False) -> CheckResult:
    """The gradients equal those of L along the sampled path, with the noise the submission drew.

    The noise is recovered from x̃ and held fixed where the model drew it: scaled by
    sqrt(variance(h)) (`scaled`), or added to x or to h, whichever matches (a misplaced noise is
    the noise test's finding, not this one's). Equal means within atol + rtol |ref| plus the bound on how far
    the recovered noise's rounding moves the reference (`_reference_grads`): no seed-dependent threshold.
    """
    obs = _ready(record, model)
    if isinstance(obs, CheckResult):
        return obs
    grads = obs.linear.calls[0].grads or {}
    missing = [n for n, gr in grads.items() if gr is None]
    if missing:
        path = "x~ = f(sqrt(variance(h)) * eps)" if scaled else "x~ = f(h + eps)"
        return CheckResult.fail(f"{model}: no gradient reached {_listing(missing)} ({len(missing)}/{len(grads)} tensors), "
                                f"while the reparametrized path {path} would pass one — make the sample a differentiable function of h")
    places = ["scaled"] if scaled else ["latent", "input"]
    first: str | None = None
    # first without the rounding bound (cheap; the slack is >= 0, so a pass stays a pass), then with it
    for bounds in (False, True):
        for place in places:
            found = _pathwise_mismatch(obs, grads, place, rtol, atol, bounds)
            if found is None:
                return CheckResult.ok(f"{model}: gradients equal the reparametrized pathwise gradient")
            if isinstance(found, CheckResult):
                return CheckResult.fail(f"{model}: {found.message}")
            first = found if bounds and first is None else first
    return CheckResult.fail(f"{model}: the gradients differ from the pathwise gradient under the noise you drew: {first} — "
                            "the sample must be a differentiable function of h (h + eps, mu + std * eps, .rsample())")


def variance_positive(record: ProbeRecord, *, model: str) -> CheckResult:
    """variance(h) is finite and > 0 everywhere on the grid, h = 0 and negative h included."""
    obs = _observation(record, f"{model}.variance")
    if isinstance(obs, CheckResult):
        return obs
    var = obs.variance
    if var is None or var.on_grid is None:
        err = var.grid_error if var else None
        return CheckResult.fail(error_text(f"{model}.variance(h)", err) if err else f"{model}.variance(h) returned nothing")
    h, v = var.grid.array(), var.on_grid.array()
    if v.shape != h.shape:
        return CheckResult.fail(f"{model}.variance(h) returned shape {v.shape} for h of shape {h.shape}: it must map h elementwise")
    bad_finite = ~np.isfinite(v)
    if bad_finite.any():
        i = np.flatnonzero(bad_finite)[0]
        return CheckResult.fail(f"{model}.variance(h) is not finite at h = {h.flat[i]:g} ({v.flat[i]}) and {int(bad_finite.sum()) - 1} other points in [-30, 30]")
    bad = ~(v > 0)
    if bad.any():
        i = np.flatnonzero(bad)[np.argmin(np.abs(h.flat[np.flatnonzero(bad)]))]
        return CheckResult.fail(f"{model}.variance(h) is {v.flat[i]:g} at h = {h.flat[i]:g} ({int(bad.sum())}/{v.size} grid points are <= 0) — "
                                "a variance must be strictly positive for every h the encoder can output: use softplus(h) or exp(h)")
    return CheckResult.ok(f"variance(h) is positive and finite on [-30, 30] (min {float(v.min()):.3g})")
