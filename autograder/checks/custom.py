"""Check kinds an assignment defines for itself, in a `checks.py` beside its rubric.

`checks.py` is the instructor's code, trusted like the rubric: it runs in the grading parent only
(the sandboxed child runs probes and never loads an assignment), over the records of the existing
probe kinds. It declares its kinds in a module-level dict, as `checks.registry` does::

    CHECKS = {"kind_name": function}

where a kind is `fn(record: ProbeRecord, *, arg: type = default, ...) -> CheckResult`. The rubric's
`args` are validated against the annotated signature at load time, as for built-in kinds. A name of
a built-in kind is refused. The kinds' version is the SHA-256 of the whole file: any edit (a helper,
a threshold, a comment) makes earlier verdicts non-reusable, and is part of the rubric hash.

Beside `assignment.toml` (and its copies in a grades folder) the file is `checks.py`; beside a
public part (`public.json`) it is `public_checks.py`, a copy made only when a public test uses one
of its kinds, so that it ships with the public part (the whole file: no expected values in it).
"""
from __future__ import annotations

import hashlib
import inspect
import linecache
import sys
import traceback
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from autograder.model import CheckResult

RUBRIC_CHECKS = "checks.py"  # beside assignment.toml
PUBLIC_CHECKS = "public_checks.py"  # beside public.json
_MODULE_PREFIX = "autograder_assignment_checks_"

_LOADED: dict[str, dict[str, Callable[..., CheckResult]]] = {}  # by the file's SHA-256: executed once per process


class CustomChecksError(ValueError):
    """An assignment's checks.py that cannot be used: the instructor's (or the grader setup's) fault."""


def file_beside(rubric: Path) -> Path:
    """Where the check kinds of the rubric file `rubric` live."""
    return rubric.with_name(PUBLIC_CHECKS if rubric.suffix == ".json" else RUBRIC_CHECKS)


def store(rubric_copy: Path, custom: CustomChecks | None) -> None:
    """Put the kinds a rubric was loaded with beside a copy of it (a grades folder's record); none: remove any."""
    from autograder.report.files import write_atomic

    path = file_beside(rubric_copy)
    if custom is None:
        path.unlink(missing_ok=True)
    else:
        write_atomic(path, custom.source.encode("utf-8"))


@dataclass(frozen=True)
class CustomChecks:
    """The text of an assignment's checks file; equal when the text is. Picklable (its kinds are not)."""

    source: str
    origin: str = field(compare=False)  # the file it was read from, for messages and tracebacks

    @classmethod
    def read(cls, path: Path) -> CustomChecks | None:
        """The checks file at `path`, or None if there is none."""
        if not path.is_file():
            return None
        try:
            return cls(source=path.read_text(encoding="utf-8"), origin=str(path))
        except (OSError, UnicodeDecodeError) as exc:
            raise CustomChecksError(f"{path}: cannot read the assignment's own checks ({exc})") from None

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.source.encode("utf-8")).hexdigest()

    @property
    def version(self) -> str:
        return f"file:{self.sha256[:16]}"

    def kinds(self) -> dict[str, Callable[..., CheckResult]]:
        """Name -> function, executing the file in this process the first time (CustomChecksError if it fails)."""
        sha = self.sha256
        if sha not in _LOADED:
            _LOADED[sha] = _execute(self.source, self.origin, sha)
        return _LOADED[sha]


def _execute(source: str, origin: str, sha: str) -> dict[str, Callable[..., CheckResult]]:
    """Run the file as a module of its own and return its validated CHECKS."""
    blame = "an error in the assignment's own checks, not in any submission"
    name = _MODULE_PREFIX + sha[:16]
    module = types.ModuleType(name)
    module.__file__ = origin
    lines = source.splitlines(keepends=True)
    linecache.cache[origin] = (len(source), None, lines, origin)  # tracebacks show this text, even if the file changes
    sys.modules[name] = module  # dataclasses and pickling look classes up there
    try:
        exec(compile(source, origin, "exec"), module.__dict__)  # noqa: S102 - the instructor's trusted file
    except (Exception, SystemExit) as exc:
        del sys.modules[name]
        frames = [f.lineno for f in traceback.extract_tb(exc.__traceback__) if f.filename == origin]
        lineno = exc.lineno if isinstance(exc, SyntaxError) else (frames[-1] if frames else None)
        line = f" (line {lineno})" if lineno else ""
        raise CustomChecksError(f"{origin}: cannot be loaded{line}: {type(exc).__name__}: {exc} — {blame}") from None
    table = module.__dict__.get("CHECKS")
    if not isinstance(table, dict):
        raise CustomChecksError(f"{origin}: defines no CHECKS dict (CHECKS = {{\"kind_name\": function, ...}}) — {blame}")
    from autograder.checks.registry import CHECKS as BUILT_IN
    from autograder.checks.registry import arguments_model

    for kind, fn in table.items():
        where = f"{origin}: CHECKS[{kind!r}]"
        if not isinstance(kind, str) or not kind.isidentifier():
            raise CustomChecksError(f"{where}: a check kind's name must be an identifier — {blame}")
        if kind in BUILT_IN:
            raise CustomChecksError(f"{where}: {kind!r} is a built-in check kind; give yours another name — {blame}")
        if not callable(fn):
            raise CustomChecksError(f"{where}: not a function — {blame}")
        problem = _signature_problem(fn)
        if problem is None:
            try:
                arguments_model(fn)
            except Exception as exc:  # noqa: BLE001 - unresolvable annotations, types pydantic cannot validate
                problem = f"its argument annotations cannot be used to validate the rubric's args ({type(exc).__name__}: {exc})"
        if problem:
            raise CustomChecksError(f"{where}: {problem} — {blame}")
    return dict(table)


def _signature_problem(fn: Callable[..., CheckResult]) -> str | None:
    """Why `fn` cannot be called as `fn(record, **args)`, or None."""
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return "its signature cannot be read"
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    if not params or params[0].kind not in positional:
        return "a check takes the probe record as its first positional parameter: fn(record, *, arg=..., ...)"
    if any(p.kind == p.POSITIONAL_ONLY for p in params[1:]):
        return "the rubric passes arguments by name: no positional-only parameter after the record"
    return None
