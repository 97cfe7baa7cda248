"""Landlock as the child applies it: read only the allowed roots, write only the private directory, no TCP, no signals out."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from autograder.sandbox import landlock
from autograder.sandbox.isolation import readable_roots
from conftest import ROOT

pytestmark = pytest.mark.skipif(landlock.abi() < 6, reason="needs Landlock ABI >= 6 (Linux >= 6.12)")

SCRIPT = textwrap.dedent('''
    import json, os, socket, sys
    from autograder.sandbox import landlock, limits
    read, private, outside, parent = json.loads(sys.argv[1])
    limits.no_new_privs()
    version = landlock.restrict(read, [private])
    seen = {"version": version}

    def attempt(name, fn):
        try:
            fn()
            seen[name] = "allowed"
        except OSError as exc:
            seen[name] = type(exc).__name__

    attempt("read_solution", lambda: open(os.path.join(outside, "solutions", "sheet03.py")).read())
    attempt("read_checks", lambda: open(os.path.join(outside, "autograder", "checks", "__init__.py")).read())
    attempt("read_probes", lambda: open(os.path.join(outside, "autograder", "probes", "nets.py")).read())
    attempt("write_private", lambda: open(os.path.join(private, "ok.txt"), "w").write("x"))
    attempt("write_outside", lambda: open(os.path.join(outside, "tests", "zz_landlock_probe.txt"), "w").write("x"))
    attempt("tcp_connect", lambda: socket.create_connection(("127.0.0.1", 9), timeout=1))
    attempt("signal_parent", lambda: os.kill(parent, 0))
    print(json.dumps(seen))
''')


def test_landlock_confines_a_process(tmp_path):
    private = tmp_path / "private"
    private.mkdir()
    args = json.dumps([readable_roots(), str(private), str(ROOT), os.getpid()])
    r = subprocess.run([sys.executable, "-c", SCRIPT, args], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    seen = json.loads(r.stdout)
    assert seen["version"] >= 6
    assert seen["read_probes"] == "allowed" and seen["write_private"] == "allowed"
    assert seen["read_solution"] == seen["read_checks"] == seen["write_outside"] == "PermissionError"
    assert seen["tcp_connect"] == "PermissionError"
    assert seen["signal_parent"] == "PermissionError"
    assert not (ROOT / "tests" / "zz_landlock_probe.txt").exists()
