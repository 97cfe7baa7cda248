"""Landlock (Linux >= 5.13): a process restricts itself and its descendants, no privilege needed (stdlib only).

Applied by the child after its uid drop, at every isolation level: the filesystem becomes readable only
under the given roots and writable only in the private directory; with ABI >= 4 no TCP connect or
bind; with ABI >= 6 no signal to, and no abstract socket of, a process outside the child's domain.
Landlock also forbids ptrace of processes outside the domain.
"""
from __future__ import annotations

import ctypes
import os
from collections.abc import Callable

_Syscall = Callable[..., int]

_CREATE, _ADD_RULE, _RESTRICT = 444, 445, 446  # the generic syscall table: x86-64, arm64, riscv, ...
_VERSION_FLAG = 1
_RULE_PATH_BENEATH = 1
_EXECUTE, _WRITE_FILE, _READ_FILE, _READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
_ABI1_ALL = (1 << 13) - 1  # execute .. make_sym
_FS_BY_ABI = {1: _ABI1_ALL, 2: (1 << 14) - 1, 3: (1 << 15) - 1, 4: (1 << 15) - 1}  # + refer, + truncate
_FS_LATEST = (1 << 16) - 1  # ABI >= 5: + ioctl_dev
_NET_TCP = (1 << 0) | (1 << 1)  # bind, connect (ABI >= 4)
_SCOPE_ALL = (1 << 0) | (1 << 1)  # abstract unix sockets, signals (ABI >= 6)
_READ = _EXECUTE | _READ_FILE | _READ_DIR
_FILE_RIGHTS = _EXECUTE | _WRITE_FILE | _READ_FILE | (1 << 14) | (1 << 15)  # + truncate, ioctl_dev
_DEVICES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom")


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


class _Ruleset(ctypes.Structure):
    _fields_ = [("fs", ctypes.c_uint64), ("net", ctypes.c_uint64), ("scoped", ctypes.c_uint64)]


def _syscall() -> _Syscall | None:
    try:
        fn = ctypes.CDLL(None, use_errno=True).syscall
    except (OSError, AttributeError):
        return None
    fn.restype = ctypes.c_long
    return fn


def abi() -> int:
    """The Landlock ABI version this kernel offers, 0 when Landlock is unavailable or disabled."""
    fn = _syscall()
    if fn is None:
        return 0
    version = fn(_CREATE, None, ctypes.c_size_t(0), ctypes.c_uint32(_VERSION_FLAG))
    return max(0, int(version))


def _ruleset(version: int) -> tuple[_Ruleset, int]:
    fs = _FS_BY_ABI.get(version, _FS_LATEST)
    attr = _Ruleset(fs=fs, net=_NET_TCP if version >= 4 else 0, scoped=_SCOPE_ALL if version >= 6 else 0)
    size = 8 if version < 4 else 16 if version < 6 else 24
    return attr, size


def restrict(read: list[str], write: list[str]) -> int:
    """Allow reading under `read` and everything under `write`; deny the rest. Returns the ABI used (0: none)."""
    fn = _syscall()
    version = abi()
    if fn is None or version <= 0:
        return 0
    attr, size = _ruleset(version)
    ruleset = int(fn(_CREATE, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0)))
    if ruleset < 0:
        raise OSError(ctypes.get_errno(), "landlock_create_ruleset failed")
    try:
        grants = [(p, _READ) for p in read] + [(p, attr.fs) for p in write]
        grants += [(d, _READ_FILE | _WRITE_FILE) for d in _DEVICES]
        for path, access in grants:
            _allow(fn, ruleset, path, access & attr.fs)
        if fn(_RESTRICT, ctypes.c_int(ruleset), ctypes.c_uint32(0)) != 0:
            raise OSError(ctypes.get_errno(), "landlock_restrict_self failed (is no_new_privs set?)")
    finally:
        os.close(ruleset)
    return version


def _allow(fn: _Syscall, ruleset: int, path: str, access: int) -> None:
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return  # a root that does not exist here grants nothing
    try:
        if not os.path.isdir(path):
            access &= _FILE_RIGHTS
        rule = _PathBeneath(allowed_access=access, parent_fd=fd)
        if fn(_ADD_RULE, ctypes.c_int(ruleset), ctypes.c_int(_RULE_PATH_BENEATH), ctypes.byref(rule), ctypes.c_uint32(0)) != 0:
            raise OSError(ctypes.get_errno(), f"landlock_add_rule failed for {path}")
    finally:
        os.close(fd)
