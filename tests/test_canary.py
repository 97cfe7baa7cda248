"""The canary: it reads modules from disk even in a warm server, and its pass is cached only under the same key."""
from __future__ import annotations

import json
import os
import time

import pytest

import autograder
from autograder.sandbox import canary
from autograder.sandbox.isolation import available
from autograder.sandbox.runner import Job, Limits, Worker


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A private cache dir of this test's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "autograder"


def _imported(stdout: str) -> list[str]:
    line = next(x for x in stdout.splitlines() if x.startswith("canary imported:"))
    return line.removeprefix("canary imported:").split()


def test_in_a_warm_server_the_canary_imports_modules_the_server_had_not_loaded():
    with Worker(slot=0, level=available(), preload=True) as w:
        record = w.run(Job(source=canary.source(), line_labels=[], probes=[canary.PROBE], seed=0), Limits())
    assert canary.problem(record) is None, record.stderr
    fresh = _imported(record.stdout)
    assert len([m for m in fresh if m in canary.STDLIB_CANDIDATES]) == 3
    assert [m for m in fresh if m in canary.EXTENSION_CANDIDATES]  # an extension module from lib-dynload
    assert [m for m in fresh if m in canary.SITE_CANDIDATES]  # and one from site-packages
    # the warm server imported sympy (and mpmath with it): the canary must not count on those
    assert not {"sympy", "mpmath"} & set(fresh)


def test_a_passed_canary_is_remembered_and_the_next_worker_skips_it(cache, monkeypatch):
    with Worker(slot=0, level=available(), preload=False) as w:
        key = canary.cache_key(w.level.value, w.uid, w.landlock)
    entry = json.loads((cache / f"canary-{key}").read_text())
    assert entry["key"] == key and time.time() - entry["passed_at"] < 600
    assert (cache.stat().st_mode & 0o777) == 0o700

    def no_job() -> str:
        raise AssertionError("the canary ran again under a key that passed")

    monkeypatch.setattr(canary, "source", no_job)
    with Worker(slot=0, level=available(), preload=False) as w:
        if canary.cache_key(w.level.value, w.uid, w.landlock) == key:  # the same machine-wide slot (uid) as before
            assert w.run(Job(source="x = 1", line_labels=[], probes=[canary.PROBE], seed=0), Limits()).load_error is None


def test_a_failed_canary_refuses_the_level_and_is_not_remembered(cache, monkeypatch):
    monkeypatch.setattr(canary, "source", lambda: "raise RuntimeError('the sandbox cannot read /nowhere')")
    w = Worker(slot=0, level=available(), preload=False)
    with pytest.raises(RuntimeError, match="cannot run honest code: .*the sandbox cannot read /nowhere.*not of any submission"):
        w.start()
    assert not list(cache.glob("canary-*"))


def test_the_key_changes_with_what_the_outcome_depends_on(tmp_path, monkeypatch):
    base = canary.cache_key("bwrap", 61000, 6)
    assert base == canary.cache_key("bwrap", 61000, 6)
    others = {canary.cache_key("uid", 61000, 6), canary.cache_key("bwrap", 61001, 6), canary.cache_key("bwrap", 61000, 0)}
    assert base not in others and len(others) == 3
    monkeypatch.setattr(autograder, "__version__", "0.0.0-another")
    assert canary.cache_key("bwrap", 61000, 6) != base  # another grader
    monkeypatch.undo()
    exe = tmp_path / "python"
    exe.write_text("")
    monkeypatch.setattr("sys.executable", str(exe))
    assert canary.cache_key("bwrap", 61000, 6) != base  # another interpreter
    monkeypatch.undo()
    root = tmp_path / "root"
    root.mkdir(mode=0o755)
    monkeypatch.setattr(canary, "readable_roots", lambda: [str(root)])
    before = canary.cache_key("bwrap", 61000, 6)
    root.chmod(0o700)  # closed to the sandbox uid: the canary must run again
    assert canary.cache_key("bwrap", 61000, 6) != before
    closed = canary.cache_key("bwrap", 61000, 6)
    (root / "pkg").mkdir()  # an entry added (a package installed)
    assert canary.cache_key("bwrap", 61000, 6) != closed
    monkeypatch.setattr(canary, "_grader_files", lambda: [exe])
    changed = canary.cache_key("bwrap", 61000, 6)
    exe.write_text("# the sandbox code changed")
    assert canary.cache_key("bwrap", 61000, 6) != changed


def test_an_entry_counts_only_in_a_private_dir_and_while_fresh(cache):
    canary.remember("k1")
    assert canary.passed_before("k1") and not canary.passed_before("k2")
    entry = cache / "canary-k1"
    entry.write_text(json.dumps({"key": "k1", "passed_at": time.time() - (canary.CACHE_HOURS + 1) * 3600}))
    assert not canary.passed_before("k1")  # stale
    canary.remember("k1")
    assert canary.passed_before("k1")
    cache.chmod(0o777)  # others could forge it
    try:
        assert not canary.passed_before("k1")
        canary.remember("k3")
        assert not (cache / "canary-k3").exists()
    finally:
        cache.chmod(0o700)
    entry.unlink()
    os.symlink(cache / "elsewhere", entry)
    (cache / "elsewhere").write_text(json.dumps({"key": "k1", "passed_at": time.time()}))
    assert not canary.passed_before("k1")  # a link is not followed
