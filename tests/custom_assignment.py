"""A throwaway assignment with a check kind of its own: sheet 04 copied, plus a `checks.py` and tests using it.

The kind, `step_bounded`, is what a TA would add for a planar layer f(z) = z + v h(w^T z + b) with
|h| <= 1: no row moves further than ||v||. It reads the existing `logdet_module` probe's record.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from autograder import assignment as assignments
from conftest import ROOT

NAME = "sheet04"
SOURCE = ROOT / "assignments" / NAME

CHECKS_PY = '''\
"""A check kind of this assignment's own: a planar layer moves no point further than its vector's length."""
from __future__ import annotations

import numpy as np

from autograder.checks.messages import error_text, observed
from autograder.model import CheckResult, LogdetModuleObservation, Outcome, ProbeRecord
from autograder.probes.expressions import NUMPY, evaluate


def step_bounded(record: ProbeRecord, *, subject: str, vectors: list[str], output: str = "y",
                 rtol: float = 1e-5, atol: float = 1e-5) -> CheckResult:
    """Every row moves by at most max ||v|| over `vectors`: ||f(z) - z|| <= ||v|| when f(z) = z + v h(.), |h| <= 1.

    `vectors` name parameters or the rubric's steps (evaluated in float64 on the grader's parameters).
    Deterministic (no false failure by chance): `rtol`, `atol` absorb float32 rounding of z + v h(.), about 1e-7 |z|.
    """
    obs = observed(record, subject, LogdetModuleObservation)
    if isinstance(obs, CheckResult):
        return obs
    z = obs.z.array().astype(np.float64)
    for call in obs.sets:
        if call.error is not None:
            return CheckResult.fail(error_text(f"{subject}.forward(z) with {call.name}", call.error), outcome=Outcome.ERROR)
        values = {n: t.array().astype(np.float64) for n, t in call.params.items()}
        with np.errstate(all="ignore"):
            scope = evaluate(obs.formulas, {**values, "z": z}, NUMPY)
        bound = max(float(np.linalg.norm(scope[v])) for v in vectors)
        got = dict(zip(obs.outputs, call.outputs or []))
        if output not in got:
            return CheckResult.fail(f"{subject}, {call.name}: forward returned no `{output}`")
        y = got[output].array().astype(np.float64)
        if y.shape != z.shape:
            return CheckResult.fail(f"{subject}, {call.name}: `{output}` has shape {y.shape}, z has {z.shape}")
        step = np.linalg.norm(y - z, axis=1)
        bad = ~(step <= bound * (1 + rtol) + atol)  # NaN is bad too
        if bad.any():
            row = int(np.argmax(bad))
            return CheckResult.fail(
                f"{subject}, {call.name}: f(z) moves row {row} by {step[row]:.4g}, more than "
                f"||{' or '.join(vectors)}|| = {bound:.4g} allows. With |h| <= 1 it cannot: is h left out of f(z), "
                f"or does forward use another vector than {vectors[-1]}?")
    return CheckResult.ok(f"{subject}: no row moves further than ||{' or '.join(vectors)}|| on {len(obs.sets)} parameter sets")


CHECKS = {"step_bounded": step_bounded}
'''

PUBLIC_TEST = '''
[[tests]]
key = "q1a.bounded"
name = "q1a: the layer moves no point further than max(||u||, ||u_hat||)"
points = 1
visibility = "public"
probe = "layer"
check = "step_bounded"
args = { subject = "PlanarFlow", vectors = ["u", "u_hat"] }
'''

HIDDEN_TEST = '''
[[tests]]
key = "q1b.bounded"
name = "q1b: forward moves no point further than ||u_hat||"
points = 1
visibility = "hidden"
probe = "layer"
check = "step_bounded"
args = { subject = "PlanarFlow", vectors = ["u_hat"] }
'''


def make(root: Path, *, tests: str = PUBLIC_TEST + HIDDEN_TEST, checks: str | None = CHECKS_PY) -> Path:
    """An assignments folder at `root` holding sheet 04 with `tests` added and `checks` as its checks.py; the rubric's path."""
    folder = root / NAME
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("source.py", "audit.toml"):
        shutil.copy(SOURCE / name, folder / name)
    (root / assignments.CONFIG).write_text(f'default = "{NAME}"\n')
    rubric = folder / assignments.RUBRIC
    rubric.write_text((SOURCE / assignments.RUBRIC).read_text(encoding="utf-8") + tests, encoding="utf-8")
    if checks is not None:
        (folder / "checks.py").write_text(checks, encoding="utf-8")
    return rubric
