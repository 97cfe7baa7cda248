"""The job every worker runs first: can honest code work in this sandbox at all?

A sandbox whose uid cannot read the interpreter's tree, or whose cache dir is not writable, would
fail correct submissions one lazy import at a time and blame the students. The canary imports a
lazily loaded stdlib module and a site-packages module the fork server has not loaded, writes to
its cache dir and temp dir, reads its own source back with `inspect`; a failure refuses the level
with the directory that could not be read, as the instructor's problem.
"""
from __future__ import annotations

import importlib.util
import sysconfig
from pathlib import Path

# imported by no one before the fork: each must be read from disk by the sandboxed child
STDLIB_MODULES = ("secrets", "decimal", "fractions")
SITE_CANDIDATES = ("mpmath", "sympy", "typing_extensions", "numpy")
PROBE = {"id": "canary", "kind": "answers", "options": {"names": []}}


def site_module() -> str | None:
    """A site-packages module installed here that the fork server does not import (None: none found)."""
    for name in SITE_CANDIDATES:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.origin and "-packages" in spec.origin:
            return name
    return None


def directories() -> list[str]:
    """The interpreter's directories a job reads lazily: the stdlib, its extension modules, site-packages."""
    paths = sysconfig.get_paths()
    found = [paths["stdlib"], str(Path(paths["platstdlib"]) / "lib-dynload"), paths["purelib"], paths["platlib"]]
    return sorted({p for p in found if Path(p).exists()})


def source() -> str:
    """The canary submission."""
    site = site_module()
    return f'''
import os
def _first_unreadable(path):
    parts = path.split("/")
    for i in range(2, len(parts) + 1):
        p = "/".join(parts[:i])
        if not os.access(p, os.X_OK) or (i == len(parts) and not os.access(p, os.R_OK)):
            return p
    return None
import sys
for _d in [p for p in sys.path if p and os.path.isdir(p)] or {directories()!r}:  # tunnelled at the uid level
    _bad = _first_unreadable(_d)
    if _bad is not None:
        raise RuntimeError(f"the sandbox cannot read {{_bad}} (needed for {{_d}})")
import {", ".join(STDLIB_MODULES)}
{f"import {site}" if site else ""}
for _var in ("XDG_CACHE_HOME", "TMPDIR", "HOME"):
    with open(os.path.join(os.environ[_var], "canary"), "w") as _fh:
        _fh.write("ok")
import inspect
def canary_function():
    return 42
assert "return 42" in inspect.getsource(canary_function)
'''


def problem(record) -> str | None:
    """What the canary's run record says is wrong with the sandbox (None: honest code runs)."""
    if record.load_error is not None:
        return record.load_error.message
    rec = record.records.get(PROBE["id"])
    if rec is None or rec.error is not None:
        return f"the canary's probe failed: {rec.error.message if rec and rec.error else 'no result'}"
    return None
