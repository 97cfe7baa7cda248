"""Checks on invertible modules and stacks of them (observations of `probes.module`).

The references are the rubric's own formulas (echoed in the verified observation), evaluated with
numpy in float64 by `probes.expressions`. Mistakes are named by `causes`: rubric entries that
replace some formulas, with the message to give when the submission matches that variant.
"""
from __future__ import annotations

import ast
import math

import numpy as np

from autograder.checks.messages import error_text, mismatch, observed
from autograder.model import CheckResult, LayerStackObservation, LogdetModuleObservation, Outcome, ProbeRecord
from autograder.model_module import ParameterSetCall, StackCall
from autograder.probes.expressions import NUMPY, ExpressionModule, evaluate
from autograder.probes.module import CLASS_NAMES


def _values(call: ParameterSetCall) -> dict[str, np.ndarray]:
    return {n: t.array().astype(np.float64) for n, t in call.params.items()}


def _given(call: ParameterSetCall, given: list[str]) -> dict[str, np.ndarray]:
    """The submission's own values of the named methods (those that failed are computed by the rubric)."""
    return {n: call.methods[n].array().astype(np.float64) for n in given if n in call.methods}


def _reference(formulas: dict[str, str], values: dict, given: dict, override: dict[str, str] | None = None) -> dict:
    steps = {**formulas, **(override or {})}
    return evaluate(steps, values, NUMPY, given={k: v for k, v in given.items() if not override or k not in override})


def _outputs(call: ParameterSetCall, names: list[str]) -> dict[str, np.ndarray]:
    return {n: t.array().astype(np.float64) for n, t in zip(names, call.outputs or [])}


def _shape_problem(got: dict[str, np.ndarray], ref: dict, compare: list[str]) -> str | None:
    for name in compare:
        want = np.shape(ref[name])
        if name not in got:
            return f"returned no `{name}`"
        if got[name].shape != want:
            return f"returned `{name}` of shape {got[name].shape}, expected {want}"
    return None


def _log_valued(formulas: dict[str, str]) -> set[str]:
    """The outputs whose rubric formula is `log(...)` of a quantity."""
    def is_log(text: str) -> bool:
        try:
            node = ast.parse(text, mode="eval").body
        except SyntaxError:
            return False
        return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "log" and len(node.args) == 1

    return {name for name, text in formulas.items() if is_log(text)}


def _forgive_log_noise(got: np.ndarray, ref: np.ndarray, rtol: float, atol: float) -> np.ndarray:
    """`ref` with the rows where a log-valued `got` is right in the quantity's own scale taken as right.

    A row is right there when got is finite and |exp(got) - exp(ref)| <= atol + rtol exp(ref): e.g.
    log(|det| + 1e-7) at a near-singular det = 1e-4 is 1e-3 off in the log, 1e-7 off in the det.
    """
    near = np.isfinite(got) & (np.abs(np.exp(got) - np.exp(ref)) <= atol + rtol * np.exp(ref))
    return np.where(near, got, ref)


def _matches(got: dict[str, np.ndarray], ref: dict, compare: list[str], rtol: float, atol: float,
             logs: set[str] = frozenset()) -> str | None:  # type: ignore[assignment]
    """None if every output in `compare` equals the reference; the outputs in `logs` may instead agree
    after exp (see `_forgive_log_noise`)."""
    for name in compare:
        want = np.broadcast_to(ref[name], got[name].shape)
        if name in logs:
            want = _forgive_log_noise(got[name], want, rtol, atol)
        problem = mismatch(got[name], want, rtol=rtol, atol=atol, where=lambda idx: f"row {idx[0]}" if idx else "")
        if problem:
            return f"`{name}`: {problem}"
    return None


def _cause(got: dict, formulas: dict, values: dict, given: dict, compare: list[str], causes: list[dict],
           rtol: float, atol: float) -> str:
    for cause in causes:
        try:
            ref = _reference(formulas, values, given, cause["formulas"])
        except (ArithmeticError, ValueError):
            continue
        names = [n for n in compare if n in cause.get("compare", compare)]
        logs = _log_valued({**formulas, **cause["formulas"]})
        if _shape_problem(got, ref, names) is None and _matches(got, ref, names, rtol, atol, logs) is None:
            return f" Likely cause: {cause['message']}"
    return ""


def _nan_hint(got: dict[str, np.ndarray], names: list[str]) -> str:
    bad = [n for n in names if n in got and np.isnan(got[n]).any()]
    return (f" `{bad[0]}` holds NaN: a log (or sqrt) of a negative number — with parameters the grader set, "
            "is the quantity inside negative because the fix is not applied, or abs left out?") if bad else ""


def _per_set(record: ProbeRecord, subject: str, judge) -> CheckResult:
    obs = observed(record, subject, LogdetModuleObservation)
    if isinstance(obs, CheckResult):
        return obs
    if not obs.sets:
        return CheckResult.fail(f"{subject}: no parameter set was observed", outcome=Outcome.GRADER_ERROR)
    for call in obs.sets:
        if call.error is not None:
            return CheckResult.fail(error_text(f"{subject}.forward(z) with {call.name}", call.error), outcome=Outcome.ERROR)
        with np.errstate(all="ignore"):
            try:
                problem = judge(obs, call)
            except (ValueError, TypeError, ArithmeticError) as exc:  # the submission's values do not fit the formulas
                given = {n: tuple(t.shape) for n, t in call.methods.items()}
                problem = (f"the rubric's formulas cannot be evaluated with the values your code returned "
                           f"(shapes of its methods: {given}): {exc}")
        if problem:
            return CheckResult.fail(f"{subject}, {call.name}: {problem}")
    return CheckResult.ok(f"{subject}: right on all {len(obs.sets)} parameter sets")


def module_matches(record: ProbeRecord, *, subject: str, compare: list[str], given: list[str] = (),  # type: ignore[assignment]
                   alternatives: list[dict[str, str]] = (), causes: list[dict] = (),  # type: ignore[assignment]
                   rtol: float = 1e-5, atol: float = 1e-6) -> CheckResult:
    """forward(z)'s outputs `compare` equal the rubric's formulas on every parameter set.

    `given`: steps taken from the submission's own methods (e.g. its corrected vector), else the
    rubric's own formulas; `alternatives`: formula replacements that are also right for this test.
    An output whose formula is `log(q)` is also right where exp of it agrees with q (`_forgive_log_noise`).
    """
    def judge(obs: LogdetModuleObservation, call: ParameterSetCall) -> str | None:
        got, values, mine = _outputs(call, obs.outputs), {**_values(call), "z": obs.z.array().astype(np.float64)}, _given(call, given)
        first = None
        for own, override in [(mine, None), ({}, None), *((mine, alt) for alt in alternatives)]:
            try:
                ref = _reference(obs.formulas, values, own, override)
            except (ValueError, TypeError, ArithmeticError):  # e.g. a method's value of another shape
                continue
            logs = _log_valued({**obs.formulas, **(override or {})})
            problem = _shape_problem(got, ref, compare) or _matches(got, ref, compare, rtol, atol, logs)
            if problem is None:
                return None
            first = first or problem
        return first + _nan_hint(got, compare) + _cause(got, obs.formulas, values, mine, compare, list(causes), rtol, atol)  # type: ignore[operator]

    return _per_set(record, subject, judge)


def logdet_matches_jacobian(record: ProbeRecord, *, subject: str, output: str, given: list[str] = (),  # type: ignore[assignment]
                            causes: list[dict] = (), rtol: float = 1e-5, atol: float = 1e-6) -> CheckResult:  # type: ignore[assignment]
    """The returned `output` equals log |det J| of forward itself (autograd jacobian + slogdet), row by row,
    in the log or, where |det J| is near 0, in |det J| itself (`_forgive_log_noise`)."""
    def judge(obs: LogdetModuleObservation, call: ParameterSetCall) -> str | None:
        if call.jacobian_error is not None:
            return error_text("the jacobian of forward (torch.autograd.functional.jacobian)", call.jacobian_error)
        if call.jacobian_logabsdet is None:
            return "the jacobian of forward was not observed"
        got = _outputs(call, obs.outputs)
        jac = call.jacobian_logabsdet.array().astype(np.float64)
        if output not in got or got[output].ndim != 1 or len(got[output]) < len(jac):
            return f"`{output}` has shape {got[output].shape if output in got else None}, expected one value per row"
        mine = got[output][:len(jac)]
        problem = mismatch(mine, _forgive_log_noise(mine, jac, rtol, atol), rtol=rtol, atol=atol, where=lambda idx: f"row {idx[0]}")
        if problem is None:
            return None
        values = {**_values(call), "z": obs.z.array().astype(np.float64)}
        cause = _cause(got, obs.formulas, values, _given(call, given), [output], list(causes), rtol, atol)
        return f"`{output}` is not log |det| of forward's own jacobian: {problem}.{_nan_hint(got, [output])}{cause}"

    return _per_set(record, subject, judge)


def constraint_holds(record: ProbeRecord, *, subject: str, constraint: str, given: list[str] = (),  # type: ignore[assignment]
                     finite: list[str] = (), message: str = "") -> CheckResult:  # type: ignore[assignment]
    """`constraint` (a formula over the parameters and the submission's `given` methods) holds for every set,
    and the outputs `finite` are finite."""
    def judge(obs: LogdetModuleObservation, call: ParameterSetCall) -> str | None:
        missing = [n for n in given if n not in call.methods]
        if missing:
            err = call.method_errors.get(missing[0])
            return error_text(f"{subject}.{missing[0]}()", err) if err else f"{subject}.{missing[0]}() was not observed"
        got = _outputs(call, obs.outputs)
        for name in finite:
            if name in got and not np.all(np.isfinite(got[name])):
                return f"forward returned a non-finite `{name}` ({int((~np.isfinite(got[name])).sum())} values)"
        scope = evaluate({"constraint": constraint}, {**_values(call), **_given(call, given)}, NUMPY)
        value = np.asarray(scope["constraint"])
        if not bool(np.all(value)):
            shown = {n: np.round(v, 4).tolist() for n, v in {**_values(call), **_given(call, given)}.items()}
            return f"`{constraint}` does not hold ({shown}). {message}".rstrip()
        return None

    return _per_set(record, subject, judge)


# ---------------------------------------------------------------- stacks of layers


def _log_normal(z: np.ndarray) -> np.ndarray:
    return -0.5 * (z ** 2).sum(axis=1) - 0.5 * z.shape[1] * math.log(2 * math.pi)


def _layers(obs: LayerStackObservation) -> list[dict[str, np.ndarray]]:
    count = 1 + max(int(k.split(".", 1)[0]) for k in obs.params)
    out: list[dict[str, np.ndarray]] = [{} for _ in range(count)]
    for key, t in obs.params.items():
        k, name = key.split(".", 1)
        out[int(k)][name] = t.array().astype(np.float64)
    return out


def stack_reference(obs: LayerStackObservation, z0: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x, log N(z0), and the sum of the layers' log-determinants, in float64."""
    y_name, ld_name = obs.outputs[:2]
    z, total = z0, np.zeros(len(z0))
    for values in _layers(obs):
        scope = evaluate(obs.formulas, {**values, "z": z}, NUMPY)
        z, total = np.asarray(scope[y_name]), total + np.asarray(scope[ld_name])
    return z, _log_normal(z0), total


def stack_inverse(obs: LayerStackObservation, x: np.ndarray) -> np.ndarray:
    """z0 with forward(z0) = x, through the rubric's inverse steps, last layer first."""
    y = x
    for values in reversed(_layers(obs)):
        y = np.asarray(evaluate(obs.inverse, {**values, "y": y}, NUMPY)["z"])
    return y


def _stack_error(subject: str, err) -> str:
    """error_text, and when the error names the grader's own layer class, what that class is."""
    text = error_text(subject, err)
    if err.kind == "exception" and f"'{ExpressionModule.__name__}'" in (err.message or ""):
        text += (f" (`{ExpressionModule.__name__}` is the grader's own layer, put into your container in place of "
                 "yours so that a mistake in the layer is not charged twice: it has the methods the contract names "
                 "and runs your layer class's other methods on its own parameters, but holds none of the tensors, "
                 "cached results or stateful parts your layer object keeps)")
    return text


def _pair(call: StackCall, subject: str, n: int, dim: int) -> tuple[np.ndarray, np.ndarray] | CheckResult:
    if call.error is not None:
        return CheckResult.fail(_stack_error(subject, call.error), outcome=Outcome.ERROR)
    x, lp = (t.array().astype(np.float64) for t in call.outputs or [])
    if x.shape != (n, dim) or lp.shape != (n,):
        return CheckResult.fail(f"{subject} returned shapes {x.shape} and {lp.shape}, expected {(n, dim)} and {(n,)}")
    return x, lp


def _density_problem(x: np.ndarray, lp: np.ndarray, ref: tuple, rtol: float, atol: float, what: str) -> str | None:
    x_ref, base, logdets = ref
    if (p := mismatch(x, x_ref, rtol=rtol, atol=atol, where=lambda i: f"row {i[0]}")) is not None:
        return (f"x is not the grader's layers applied in order to z0 — does it use every layer the grader put "
                f"into its layer list, in order? {p}")
    if (p := mismatch(lp, base - logdets, rtol=rtol, atol=atol, where=lambda i: f"row {i[0]}")) is None:
        return None
    for variant, cause in ((base + logdets, "the log-determinants are added instead of subtracted"),
                           (-logdets, "log N(z0; 0, I) is missing"),
                           (base, "the log-determinants are left out"),
                           (_log_normal(x) - logdets, "the base density is evaluated at x instead of z0"),
                           (base + 0.5 * x.shape[1] * math.log(2 * math.pi) - logdets,
                            "log N(z0; 0, I) lacks its normalising constant -D/2 log(2 pi)")):
        if mismatch(lp, variant, rtol=rtol, atol=atol) is None:
            return f"log p(x) is not log N(z0) - sum of log|det|: {p}. Likely cause: {cause}."
    return f"log p(x) is not log N(z0) - sum of log|det| ({what}): {p}"


def _stack(record: ProbeRecord, subject: str) -> LayerStackObservation | CheckResult:
    return observed(record, subject, LayerStackObservation)


def children_held(record: ProbeRecord, *, subject: str, attribute: str, count: int, child: str) -> CheckResult:
    """The container built by the student holds `count` modules of class `child` in an nn.ModuleList `attribute`.

    A subclass of nn.ModuleList is one; a class counts as `child` when the submission binds that name to
    it (`Child = MyClass` is the same class) or to a class of the submission it derives from
    (`class MyClass(Child)`: its objects are Child objects; the probe records those names)."""
    obs = _stack(record, subject)
    if isinstance(obs, CheckResult):
        return obs
    held = obs.held
    if held.type_name != "ModuleList" and held.count is None:  # the probe counts any nn.ModuleList, a subclass too
        return CheckResult.fail(f"{subject}.{attribute} is a {held.type_name}, expected an nn.ModuleList of {count} {child}")
    if held.count != count or any(child not in c.split(CLASS_NAMES) for c in held.children):
        return CheckResult.fail(f"{subject}.{attribute} holds {held.count} modules ({', '.join(sorted(set(held.children)))}), "
                                f"expected {count} {child}")
    if held.distinct is not None and held.distinct < count:
        return CheckResult.fail(f"{subject}.{attribute} holds {count} entries but only {held.distinct} different {child} "
                                f"object(s): the same layer repeated (e.g. `[{child}(dim)] * K`) shares its parameters — "
                                f"build a new {child} for each entry")
    return CheckResult.ok(f"{subject}.{attribute} holds {count} {child}")


def stack_density(record: ProbeRecord, *, subject: str, rtol: float = 1e-5, atol: float = 1e-6) -> CheckResult:
    """forward(z0), with the grader's layers in place, returns x and log p(x) by the change of variables."""
    obs = _stack(record, subject)
    if isinstance(obs, CheckResult):
        return obs
    z0 = obs.z.array().astype(np.float64)
    pair = _pair(obs.forward, f"{subject}.forward(z0)", *z0.shape)
    if isinstance(pair, CheckResult):
        return pair
    with np.errstate(all="ignore"):
        problem = _density_problem(*pair, stack_reference(obs, z0), rtol, atol, "forward")
    return CheckResult.fail(f"{subject}.forward(z0): {problem}") if problem else CheckResult.ok(
        f"{subject}.forward(z0): x and log p(x) right on {len(z0)} base samples")


def _samples(record: ProbeRecord, subject: str, n: int) -> tuple[LayerStackObservation, list[tuple[np.ndarray, np.ndarray]]] | CheckResult:
    """The stack's observation and the (x, log p) of every sample(n) call, finite; or why not."""
    obs = _stack(record, subject)
    if isinstance(obs, CheckResult):
        return obs
    if not obs.samples:
        return CheckResult.fail(f"{subject}.sample(n) was not observed", outcome=Outcome.GRADER_ERROR)
    out = []
    for call in obs.samples:
        pair = _pair(call, f"{subject}.sample({n})", n, obs.z.array().shape[1])
        if isinstance(pair, CheckResult):
            return pair
        if not np.all(np.isfinite(pair[0])):
            return CheckResult.fail(f"{subject}.sample({n}) returned non-finite x")
        out.append(pair)
    return obs, out


def samples_shaped(record: ProbeRecord, *, subject: str, n: int, fixed_dims: list[int] = (),  # type: ignore[assignment]
                   rtol: float = 1e-5, atol: float = 1e-6) -> CheckResult:
    """Every sample(n) call returns finite x of shape (n, D) and log p of shape (n,): the container works at the
    probe's D (a second probe at another D than the first catches a dimension fixed in the code). And log p is not
    off by exactly the difference of log N's constants, (D - d)/2 log(2 pi), for a d in `fixed_dims` (the dimension
    the rest of the rubric probes, whose tests charge every other log p mistake): the base's normalising constant
    written for that d (`- log(2 pi)` for the plane) is right there and wrong at any other D. No threshold on chance:
    a right log p is off by 0 up to round-off, that mistake by (D - d)/2 log(2 pi) >= 0.9 in every row."""
    sampled = _samples(record, subject, n)
    if isinstance(sampled, CheckResult):
        return sampled
    obs, pairs = sampled
    dim = obs.z.array().shape[1]
    if not all(np.all(np.isfinite(lp)) for _, lp in pairs):
        return CheckResult.fail(f"{subject}.sample({n}) in D = {dim} returned a non-finite log p")
    with np.errstate(all="ignore"):
        for d in (d for d in fixed_dims if d != dim):
            shift = 0.5 * (dim - d) * math.log(2 * math.pi)
            for x, lp in pairs:
                _, base, logdets = stack_reference(obs, stack_inverse(obs, x))
                if mismatch(lp, base - logdets + shift, rtol=rtol, atol=atol) is None:
                    return CheckResult.fail(
                        f"{subject}.sample({n}) in D = {dim}: log p(x) is off by {shift:.4g} = ({dim} - {d})/2 log(2 pi) in "
                        f"every row: log N(z0; 0, I) has the normalising constant of D = {d} (-{d / 2:g} log(2 pi)); "
                        f"it is -D/2 log(2 pi), -{dim / 2:g} log(2 pi) at D = {dim}")
    return CheckResult.ok(f"{subject}.sample({n}) works in D = {dim}")


def samples_consistent(record: ProbeRecord, *, subject: str, n: int, rtol: float = 1e-5, atol: float = 1e-6) -> CheckResult:
    """Every sample's log p equals the change-of-variables density at the z0 recovered from its x."""
    sampled = _samples(record, subject, n)
    if isinstance(sampled, CheckResult):
        return sampled
    obs, pairs = sampled
    with np.errstate(all="ignore"):
        for k, (x, lp) in enumerate(pairs):
            z0 = stack_inverse(obs, x)
            problem = _density_problem(x, lp, stack_reference(obs, z0), rtol, atol, "sample")
            if problem:
                return CheckResult.fail(f"{subject}.sample({n}), call {k + 1}, with z0 recovered from x: {problem}")
    return CheckResult.ok(f"{subject}.sample({n}): log p(x) agrees with forward on the recovered z0")


def samples_fresh(record: ProbeRecord, *, subject: str, n: int, alpha: float = 1e-7) -> CheckResult:
    """The z0 recovered from every sample(n) call are fresh draws of N(0, I): no row repeats within or
    across calls, and all coordinates pass a Kolmogorov-Smirnov test against N(0, 1) at level `alpha`."""
    sampled = _samples(record, subject, n)
    if isinstance(sampled, CheckResult):
        return sampled
    obs, pairs = sampled
    with np.errstate(all="ignore"):
        zs = [stack_inverse(obs, x) for x, _ in pairs]
    rows = np.concatenate(zs)
    unique = _distinct(rows)
    if unique < len(rows):
        across = _distinct(rows) < sum(_distinct(z) for z in zs)
        cause = ("calls return the same base samples — is z0 drawn once (e.g. in __init__) and stored, or the "
                 "random seed reset (torch.manual_seed) on every call?" if across
                 else "rows of one call repeat each other's base sample")
        return CheckResult.fail(f"{subject}.sample({n}): {len(rows) - unique} of {len(rows)} recovered base samples repeat: {cause}")
    from scipy import stats  # here: a student's check of public tests starts without scipy.stats (0.5 s)

    p = stats.kstest(rows.ravel(), "norm").pvalue
    if p < alpha:
        return CheckResult.fail(f"{subject}.sample({n}): the base samples recovered from x are not N(0, I) "
                                f"(Kolmogorov-Smirnov p = {p:.2g} < {alpha:g}; mean {rows.mean():.3g}, std {rows.std():.3g})")
    return CheckResult.ok(f"{subject}.sample({n}): fresh N(0, I) base samples on every call")


def _distinct(rows: np.ndarray) -> int:
    """Distinct rows, up to the inversion's round-off (1e-9)."""
    return len(np.unique(np.round(rows, 9), axis=0))


def gradients_reach_parameters(record: ProbeRecord, *, subject: str, n: int) -> CheckResult:
    """sum(x) and sum(log p) of the first sample(n) call each have a finite, non-zero gradient on every grader
    parameter; and sum(x) has one, through the submission's own layers, on each of those layers' parameters.

    The own layers are judged where their sample(n) and its backward ran (a layer that fails to run costs
    Problem 1's tests, not this one), and on x alone: what log p misses is the log-determinant's formula, which
    Problem 1 judges. A correct layer's gradient is exactly zero on a parameter only on a set of parameter
    values of measure zero; the grader's sets are drawn at random (no false failure to bound).
    """
    obs = _stack(record, subject)
    if isinstance(obs, CheckResult):
        return obs
    first = obs.samples[0] if obs.samples else None
    if first is None or first.error is not None:
        return CheckResult.fail(_stack_error(f"{subject}.sample({n})", first.error) if first and first.error
                                else f"{subject}.sample({n}) was not observed", outcome=Outcome.ERROR)
    if first.grad_error is not None:
        return CheckResult.fail(error_text("the backward pass from sample's outputs", first.grad_error), outcome=Outcome.ERROR)
    hint = ("is sample run under torch.no_grad(), are its outputs detached, does it return stored samples, or does it run "
            "a copy of the flow or its layers (copy.deepcopy), whose parameters get the gradients?")
    if (failed := _unreached(first, f"{subject}.sample({n})", hint)) is not None:
        return failed
    own = obs.own_sample
    if own is not None and own.error is None and own.grad_error is None and own.grads is not None:
        hint = ("the layer's own code cuts it: does it use that parameter through .data, under torch.no_grad(), "
                "or detached?")
        if (failed := _unreached(own, f"{subject}.sample({n}) with its own layers", hint, log_prob=False)) is not None:
            return failed
    return CheckResult.ok(f"{subject}.sample({n}): gradients of x and of log p reach all {len(first.grads or {})} parameters"
                          + (", with the grader's layers and with its own" if own is not None and own.grads else ""))


def _unreached(call: StackCall, what_call: str, hint: str, *, log_prob: bool = True) -> CheckResult | None:
    """A failure naming the parameters that no finite, non-zero gradient of sum(x) (and of sum(log p)) reached, or None."""
    for what, grads in (("x", call.grads), ("log p(x)", call.grads_log_prob))[:2 if log_prob else 1]:
        grads = grads or {}
        missing = sorted(k for k, g in grads.items() if g is None or not np.any(g.array()))
        if missing or not grads:
            shown = ", ".join(f"layers[{m.split('.')[0]}].{m.split('.', 1)[1]}" for m in missing[:6])
            return CheckResult.fail(f"{what_call}: no gradient of sum({what}) reaches {shown}{'…' if len(missing) > 6 else ''} — {hint}")
        bad = sorted(k for k, g in grads.items() if not np.all(np.isfinite(g.array())))  # type: ignore[union-attr]
        if bad:
            return CheckResult.fail(f"{what_call}: non-finite gradients of sum({what}) on {', '.join(bad[:4])}")
    return None
