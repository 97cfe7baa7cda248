"""Packages course notebooks import beside torch, imported once by a grading worker's fork server.

A child forked from a server that has imported them does not import them again (matplotlib.pyplot,
with its font list built afresh in every job's private config directory and the Agg backend: 0.6-0.9 s
a job; IPython.display 0.05-0.1 s). The server imports one the first time a job's source names it
(`named_in`, read by the trusted parent), so a worker that never meets one pays nothing; the server
is sent the names only, never a source, and imports nothing that is not listed here (`warm`).

In a job's child, `headless_plots` gives a submission that names matplotlib the headless backend
whatever backend it asks for: the sandbox has no display, and a plotting backend is no answer.
"""
from __future__ import annotations

import functools
import importlib
import io
import os
import re
import sys
import tempfile
from collections.abc import Iterable

from autograder.sandbox import cleanup

COURSE_IMPORTS = ("matplotlib.pyplot", "IPython.display")


def named_in(source: str) -> list[str]:
    """The course packages whose top-level name the source mentions (a comment counts: it only warms the server)."""
    return [name for name in COURSE_IMPORTS if re.search(rf"\b{re.escape(name.split('.')[0])}\b", source)]


def warm(names: Iterable[str]) -> list[str]:
    """Import the listed `names` that are installed (in the fork server); the ones imported.

    matplotlib draws one figure with the headless backend a child would resolve to, and writes its
    font list (and fontconfig its cache) into a throwaway directory, removed at once: what they read
    stays in the server's memory, and no job writes where another reads.
    """
    config = tempfile.mkdtemp(prefix="mpl-")
    cache = {"MPLCONFIGDIR": config, "XDG_CACHE_HOME": config}
    os.environ.update(cache)
    done = []
    try:
        for name in names:
            if name not in COURSE_IMPORTS:
                continue
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 - absent or broken here: each child imports it (or fails) itself
                continue
            done.append(name)
        if "matplotlib.pyplot" in done:
            plt = sys.modules["matplotlib.pyplot"]
            try:
                plt.switch_backend("agg")
                fig = plt.figure()
                fig.gca().plot([0.0, 1.0])
                fig.savefig(io.BytesIO(), format="png")
            finally:
                plt.close("all")
    finally:
        for name in cache:
            del os.environ[name]
        cleanup.remove_tree(config)
    return done


def headless_plots(source: str) -> None:
    """In a job's child, before the submission runs: if its source names matplotlib, import pyplot and make a
    backend that needs a display (`matplotlib.use("TkAgg")`, `plt.switch_backend("Qt5Agg")`, a PyCharm or desktop
    preamble) fall back to Agg instead of raising ImportError: on a desktop such code runs, here it would cost the
    whole file. A job whose server imported pyplot already (`warm`) pays nothing for the import here."""
    if "matplotlib.pyplot" not in named_in(source):
        return
    try:
        plt = importlib.import_module("matplotlib.pyplot")
    except Exception:  # noqa: BLE001 - absent or broken: the submission's own import says so
        return
    switch = plt.switch_backend
    if getattr(switch, "headless", False):  # this process has it already (a trusting benchmark's, not a child)
        return

    @functools.wraps(switch)
    def switch_backend(newbackend: str) -> None:
        try:
            switch(newbackend)
        except ImportError:  # an interactive framework this headless process cannot start
            switch("agg")

    switch_backend.headless = True  # type: ignore[attr-defined]
    plt.switch_backend = switch_backend  # matplotlib.use and pyplot's own resolution call it through the module
