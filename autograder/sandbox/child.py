"""Runs in the child: execute the submission, run the probes it is asked for, stream observations.

Imports only the standard library, torch and the probes: never the checks, the rubric or any
solution. Each message is one JSON line on the result descriptor; the parent validates it.
"""
from __future__ import annotations

import json
import os
import sys
import time
import types

import torch

from autograder.probes import answers, autoencoder, encode, function

PROBES = {"autoencoder": autoencoder.probe, "function": function.probe, "answers": answers.probe}
SUBMISSION_FILENAME = "<submission>"
_write = os.write
_dumps = json.dumps
_monotonic = time.monotonic


class _Channel:
    """Writes JSON lines to the parent on a descriptor captured before student code runs."""

    def __init__(self, fd: int):
        self.fd = fd

    def send(self, **message: object) -> None:
        data = (_dumps(message, allow_nan=False, default=str) + "\n").encode()
        view = memoryview(data)
        while view:
            view = view[_write(self.fd, view):]


def _otter_stub() -> types.ModuleType:
    """A stand-in for otter inside the sandbox: `grader.check(...)` cells do nothing here."""
    mod = types.ModuleType("otter")

    class Notebook:  # noqa: D401 - a stub
        def __init__(self, *args, **kwargs):
            pass

        def __getattr__(self, name):
            return lambda *args, **kwargs: None

    mod.Notebook = Notebook  # type: ignore[attr-defined]
    return mod


def _load(source: str, labels: list[str]) -> dict:
    sys.modules.setdefault("otter", _otter_stub())
    module = types.ModuleType("submission")
    module.__file__ = SUBMISSION_FILENAME
    sys.modules["submission"] = module
    code = compile(source, SUBMISSION_FILENAME, "exec", dont_inherit=True)
    exec(code, module.__dict__)  # noqa: S102 - this is the point: run the submission, sandboxed
    return module.__dict__


def run_job(spec: dict, out_fd: int) -> None:
    """Load the submission in `spec`, then run each probe in order, reporting on `out_fd`."""
    channel = _Channel(out_fd)
    labels: list[str] = spec["line_labels"]
    torch.set_num_threads(1)
    torch.manual_seed(spec["seed"])
    channel.send(type="hello", pid=os.getpid())
    try:
        ns = _load(spec["source"], labels)
    except SyntaxError as exc:
        line = labels[exc.lineno - 1] if exc.lineno and 0 < exc.lineno <= len(labels) else f"line {exc.lineno}"
        channel.send(type="load_error", error={"kind": "load", "exc_type": "SyntaxError", "message": str(exc.msg), "where": line})
        return
    except SystemExit as exc:
        channel.send(type="load_error", error={"kind": "exception", "exc_type": "SystemExit",
                                               "message": f"the submission called sys.exit({exc.code!r}) while it was imported"})
        return
    except BaseException as exc:  # noqa: BLE001 - every failure at import is that submission's load error
        channel.send(type="load_error", error=encode.error(exc, labels, SUBMISSION_FILENAME))
        return
    channel.send(type="loaded")
    for p in spec["probes"]:
        channel.send(type="probe_start", probe=p["id"])
        start = _monotonic()
        try:
            obs = PROBES[p["kind"]](ns, p.get("target"), spec["seed"], p.get("options", {}), labels, SUBMISSION_FILENAME)
            channel.send(type="observation", probe=p["id"], observation=obs, seconds=_monotonic() - start)
        except SystemExit as exc:
            channel.send(type="probe_error", probe=p["id"], seconds=_monotonic() - start, error={
                "kind": "exception", "exc_type": "SystemExit", "message": f"the submission called sys.exit({exc.code!r})"})
        except BaseException as exc:  # noqa: BLE001
            channel.send(type="probe_error", probe=p["id"], error=encode.error(exc, labels, SUBMISSION_FILENAME),
                         seconds=_monotonic() - start)
    channel.send(type="done")
