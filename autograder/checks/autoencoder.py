"""Checks on a model(g, f) run: shape, gradient flow, where the noise is, pathwise gradients, variance."""
from __future__ import annotations

import numpy as np

from autograder.checks.messages import error_text, mismatch, observed
from autograder.model import AutoencoderObservation, CheckResult, Outcome, ProbeRecord

# torch and scipy are imported inside the two checks that need them: the public checks a student
# runs with `autograder check` then start without them (about 2 s on a cold start).

_EXACT = dict(rtol=1e-5, atol=1e-5)


def _observation(record: ProbeRecord, subject: str) -> AutoencoderObservation | CheckResult:
    return observed(record, subject, AutoencoderObservation)


def _forward_problem(obs: AutoencoderObservation, model: str) -> str | None:
    if obs.output is None:
        return f"{model}.forward returned {obs.output_type}, expected a Tensor of shape {tuple(obs.x.shape)}"
    out = obs.output.array()
    if out.shape != obs.x.shape:
        return f"{model}.forward returned shape {out.shape}, expected {tuple(obs.x.shape)} (N, D): the reconstruction x~ = f(.)"
    if not np.all(np.isfinite(out)):
        return f"{model}.forward returned {int(np.sum(~np.isfinite(out)))} non-finite values (nan or inf)"
    return None


def forward_shape(record: ProbeRecord, *, model: str) -> CheckResult:
    """The forward pass returns a finite tensor shaped like x."""
    obs = _observation(record, model)
    if isinstance(obs, CheckResult):
        return obs
    problem = _forward_problem(obs, model)
    return CheckResult.fail(problem) if problem else CheckResult.ok(f"{model}.forward returned a finite {tuple(obs.x.shape)} tensor")


def _ready(record: ProbeRecord, model: str) -> AutoencoderObservation | CheckResult:
    obs = _observation(record, model)
    if isinstance(obs, CheckResult):
        return obs
    problem = _forward_problem(obs, model)
    if problem:
        return CheckResult.fail(problem + " — fix the forward pass first")
    if obs.grad_error is not None:
        return CheckResult.fail(error_text(f"{model}: computing the gradient of the loss", obs.grad_error), outcome=Outcome.ERROR)
    return obs


def _listing(names: list[str], limit: int = 3) -> str:
    return ", ".join(names[:limit]) + (", …" if len(names) > limit else "")


def gradients_reach(record: ProbeRecord, *, model: str) -> CheckResult:
    """Every parameter of g (λ) and of f (ψ) gets a finite, not-all-zero gradient from L."""
    obs = _ready(record, model)
    if isinstance(obs, CheckResult):
        return obs
    problems = []
    for net, role in (("g", "encoder (λ)"), ("f", "decoder (ψ)")):
        names = [n for n in obs.grads if n.startswith(net + ".")]
        none = [n for n in names if obs.grads[n] is None]
        arrays = {n: obs.grads[n].array() for n in names if obs.grads[n] is not None}  # type: ignore[union-attr]
        nonfinite = [n for n, a in arrays.items() if not np.all(np.isfinite(a))]
        zero = [n for n, a in arrays.items() if np.all(a == 0)]
        if none:
            hint = ("sampling with .sample() (or torch.normal, .detach(), torch.no_grad()) cuts the graph; "
                    "h + eps or .rsample() keeps it" if net == "g" else "is the output computed from f's output?")
            problems.append(f"the {role} received no gradient (grad is None for {len(none)}/{len(names)} tensors: {_listing(none)}) — {hint}")
        elif nonfinite:
            problems.append(f"the {role} has non-finite gradients (nan or inf in {_listing(nonfinite)}) — look for a sqrt or log of a value that can be 0 or negative")
        elif len(zero) == len(names):
            hint = ("torch.normal(mean, std) passes no gradient to its mean; write mean + std * torch.randn_like(mean)"
                    if net == "g" else "the output does not depend on f")
            problems.append(f"the {role}'s gradient is exactly zero for {len(zero)}/{len(names)} tensors — {hint}")
    if problems:
        return CheckResult.fail(f"{model}: " + "; ".join(problems) + ".")
    return CheckResult.ok(f"{model}: λ and ψ both receive finite, non-zero gradients")


def _last(calls: list, what: str, model: str) -> tuple[np.ndarray, np.ndarray] | str:
    if not calls:
        return f"{model}.forward never called {what}"
    return calls[-1].input.array(), calls[-1].output.array()


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.all(np.abs(a - b) <= _EXACT["atol"] + _EXACT["rtol"] * np.abs(b)))


def noise_structure(record: ProbeRecord, *, model: str, noise: str, alpha: float) -> CheckResult:
    """Noise where the sheet puts it, none elsewhere, and iid N(0, 1) once standardised.

    `noise`: "input" (g gets x + eps), "latent" (f gets g(x) + eps) or "scaled"
    (f gets sqrt(variance(h)) * eps). False failure <= alpha (see `stats.standard_normal`).
    """
    obs = _ready(record, model)
    if isinstance(obs, CheckResult):
        return obs
    g_call, f_call = _last(obs.g_calls, "g", model), _last(obs.f_calls, "f", model)
    for call in (g_call, f_call):
        if isinstance(call, str):
            return CheckResult.fail(call)
    (g_in, g_out), (f_in, f_out) = g_call, f_call  # type: ignore[misc]
    x, out = obs.x.array(), obs.output.array()  # type: ignore[union-attr]
    if not _close(out, f_out):
        return CheckResult.fail(f"{model}: the returned x~ is not f's output — return f(...) itself")
    if g_in.shape != x.shape or f_in.shape != g_out.shape:
        return CheckResult.fail(f"{model}: g received shape {g_in.shape} and f received {f_in.shape}; expected {x.shape} and {g_out.shape}")
    if noise == "input":
        if not _close(f_in, g_out):
            return CheckResult.fail(f"{model}: f received g's output plus something (mean |difference| {np.mean(np.abs(f_in - g_out)):.3f}) — in this model the noise is on the input only: z ~ N(x, I), h = g(z), x~ = f(h)")
        u, strata, where = g_in.astype(np.float64) - x, None, "the noise on the input, z - x,"
        if np.all(np.abs(u) < 1e-6):
            return CheckResult.fail(f"{model}: g received x unchanged — no noise was drawn: z ~ N(x, I_D) means z = x + eps with eps ~ N(0, I)")
    else:
        if not _close(g_in, x):
            return CheckResult.fail(f"{model}: g received x plus noise (mean |difference| {np.mean(np.abs(g_in - x)):.3f}) — here h = g(x) and the noise belongs in the latent")
        if noise == "latent":
            u, strata, where = f_in.astype(np.float64) - g_out, None, "the noise in the latent, f's input - h,"
        else:
            v = obs.variance.at_h.array() if obs.variance and obs.variance.at_h else None
            if v is None or v.shape != g_out.shape:
                err = obs.variance.at_h_error if obs.variance else None
                return CheckResult.fail(error_text(f"{model}.variance(h)", err) if err else f"{model}.variance(h) gave no variance shaped like h")
            if not np.all(v > 0):
                return CheckResult.fail(f"{model}: variance(h) is <= 0 at {int(np.sum(~(v > 0)))} of the encoder's outputs, so z ~ N(0, diag(variance(h))) is undefined there")
            u, strata, where = f_in.astype(np.float64) / np.sqrt(v.astype(np.float64)), v, "z / sqrt(variance(h))"
        if np.all(np.abs(u if noise == "latent" else f_in) < 1e-6) or (noise == "latent" and _close(f_in, g_out)):
            return CheckResult.fail(f"{model}: f received g's output unchanged — no noise was drawn in the latent")
    from autograder.checks import stats

    problem = stats.standard_normal(u, alpha, strata)
    if problem:
        hint = {"input": "z = x + torch.randn_like(x)", "latent": "z = h + torch.randn_like(h)",
                "scaled": "z = torch.sqrt(variance(h)) * torch.randn_like(h) (the standard deviation is the square root of the variance)"}[noise]
        return CheckResult.fail(f"{model}: {where} should be iid N(0, 1), but {problem} — e.g. {hint}")
    return CheckResult.ok(f"{model}: the noise is where it belongs and is distributed as expected")


def _reference_grads(obs: AutoencoderObservation, scaled: bool) -> dict[str, np.ndarray] | str:
    import torch

    from autograder.probes import nets

    # These tensors are tiny: torch's intra-op threads only add contention (10x slower under load).
    torch.set_num_threads(1)
    params = {k: torch.from_numpy(v.array().copy()).requires_grad_(True) for k, v in obs.params.items()}
    x = torch.from_numpy(obs.x.array().copy())
    g_in, g_out = (torch.from_numpy(a.copy()) for a in (obs.g_calls[-1].input.array(), obs.g_calls[-1].output.array()))
    f_in = torch.from_numpy(obs.f_calls[-1].input.array().copy())
    h = nets.mlp_apply(params, "g", g_in)
    if scaled:
        var = obs.variance
        if var is None or var.at_h is None or var.slope_at_h is None:
            return "variance(h) passes no gradient to h, so λ cannot learn the variance — compute it with torch operations on h"
        v0 = torch.from_numpy(var.at_h.array().copy()).to(h.dtype)
        if v0.shape != h.shape or not bool((v0 > 0).all()):
            return "variance(h) is not a positive tensor shaped like h at the encoder's outputs, so the sample and its gradient are undefined"
        slope = torch.from_numpy(var.slope_at_h.array().copy()).to(h.dtype)
        eps = f_in / torch.sqrt(v0)
        # the variance map linearised at the observed h: exact value and first derivative there
        z = torch.sqrt(v0 + slope * (h - g_out)) * eps
    else:
        z = h + (f_in - g_out)
    loss = ((x - nets.mlp_apply(params, "f", z)) ** 2).sum(dim=1).mean()
    names = list(params)
    grads = torch.autograd.grad(loss, [params[n] for n in names], allow_unused=True)
    return {n: (np.zeros(tuple(params[n].shape)) if gr is None else gr.numpy()) for n, gr in zip(names, grads)}


def pathwise_gradient(record: ProbeRecord, *, model: str, rtol: float, atol: float, scaled: bool = False) -> CheckResult:
    """The gradients equal those of L along the sampled path, with the noise the submission drew."""
    obs = _ready(record, model)
    if isinstance(obs, CheckResult):
        return obs
    if not obs.g_calls or not obs.f_calls:
        return CheckResult.fail(f"{model}.forward must call both g and f")
    ref = _reference_grads(obs, scaled)
    if isinstance(ref, str):
        return CheckResult.fail(f"{model}: {ref}")
    missing = [n for n, gr in obs.grads.items() if gr is None]
    if missing:
        return CheckResult.fail(f"{model}: no gradient reached {_listing(missing)} ({len(missing)}/{len(obs.grads)} tensors), "
                                "while the reparametrized path x~ = f(h + eps) would pass one — make the sample a differentiable function of h")
    names = list(ref)
    got = np.concatenate([obs.grads[n].array().ravel() for n in names])  # type: ignore[union-attr]
    exp = np.concatenate([ref[n].ravel() for n in names])
    offsets = np.cumsum([0] + [ref[n].size for n in names])

    def where(idx: tuple[int, ...]) -> str:
        i = idx[0]
        k = int(np.searchsorted(offsets, i, side="right") - 1)
        local = np.unravel_index(i - offsets[k], ref[names[k]].shape)
        return f"{names[k]}[{', '.join(str(int(j)) for j in local)}]"

    problem = mismatch(got, exp, rtol=rtol, atol=atol, where=where)
    if problem:
        return CheckResult.fail(f"{model}: the gradients differ from the pathwise gradient under the noise you drew: {problem} — "
                                "the sample must be a differentiable function of h (h + eps, mu + std * eps, .rsample())")
    return CheckResult.ok(f"{model}: gradients equal the reparametrized pathwise gradient")


def variance_positive(record: ProbeRecord) -> CheckResult:
    """variance(h) is finite and > 0 everywhere on the grid, h = 0 and negative h included."""
    obs = _observation(record, "Problem2Model.variance")
    if isinstance(obs, CheckResult):
        return obs
    var = obs.variance
    if var is None or var.on_grid is None:
        err = var.grid_error if var else None
        return CheckResult.fail(error_text("Problem2Model.variance(h)", err) if err else "Problem2Model.variance(h) returned nothing")
    h, v = var.grid.array(), var.on_grid.array()
    if v.shape != h.shape:
        return CheckResult.fail(f"Problem2Model.variance(h) returned shape {v.shape} for h of shape {h.shape}: it must map h elementwise")
    bad_finite = ~np.isfinite(v)
    if bad_finite.any():
        i = np.flatnonzero(bad_finite)[0]
        return CheckResult.fail(f"Problem2Model.variance(h) is not finite at h = {h.flat[i]:g} ({v.flat[i]}) and {int(bad_finite.sum()) - 1} other points in [-30, 30]")
    bad = ~(v > 0)
    if bad.any():
        i = np.flatnonzero(bad)[np.argmin(np.abs(h.flat[np.flatnonzero(bad)]))]
        return CheckResult.fail(f"Problem2Model.variance(h) is {v.flat[i]:g} at h = {h.flat[i]:g} ({int(bad.sum())}/{v.size} grid points are <= 0) — "
                                "a variance must be strictly positive for every h the encoder can output: use softplus(h) or exp(h)")
    return CheckResult.ok(f"variance(h) is positive and finite on [-30, 30] (min {float(v.min()):.3g})")
