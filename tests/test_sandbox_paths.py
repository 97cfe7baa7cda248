"""The sandbox's mount order: a project checked out under /tmp stays visible inside it."""
from __future__ import annotations

import sys

from autograder.sandbox.isolation import Level, worker_command


def test_private_tmp_is_mounted_before_the_read_only_binds():
    cmd = worker_command(Level.BWRAP, ["-c", "pass"])
    tmpfs = cmd.index("/tmp", cmd.index("--tmpfs"))
    first_bind = cmd.index("--ro-bind")
    assert tmpfs < first_bind, "a --tmpfs /tmp after the binds would hide a checkout under /tmp"
    assert cmd[-3:] == [sys.executable, "-c", "pass"]
