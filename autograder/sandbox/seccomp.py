"""A seccomp filter that denies System V IPC and kernel keyrings to a job (stdlib only).

Both outlive the process that made them: a shared-memory segment or a key stays on the machine
(per IPC namespace, per uid) after the job, where a later job, or another slot's, could read it,
and detached segments hold memory no limit counts. Honest exercise code uses neither (torch's
shared memory is POSIX, in /dev/shm). Syscalls of a foreign ABI (i386 or x32 on x86_64) are denied
altogether, so that the filter cannot be walked round through another syscall table.
"""
from __future__ import annotations

import ctypes
import errno
import platform

_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER = 22, 2
_LD_ABS_W, _JEQ_K, _JGE_K, _RET_K = 0x20, 0x15, 0x35, 0x06
_ALLOW = 0x7FFF0000
_DENY = 0x00050000 | errno.EPERM  # SECCOMP_RET_ERRNO: the call fails with EPERM
_X32_BIT = 0x40000000

# (audit arch, syscall numbers of shmget shmat shmctl shmdt semget semop semctl semtimedop
#  msgget msgsnd msgrcv msgctl add_key request_key keyctl)
_TABLES = {
    "x86_64": (0xC000003E, (29, 30, 31, 67, 64, 65, 66, 220, 68, 69, 70, 71, 248, 249, 250)),
    "aarch64": (0xC00000B7, (194, 196, 195, 197, 190, 193, 191, 192, 186, 189, 188, 187, 217, 218, 219)),
}


class _Insn(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8), ("k", ctypes.c_uint32)]


class _Prog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_Insn))]


def program(machine: str | None = None) -> list[tuple[int, int, int, int]] | None:
    """The BPF program for this machine's ABI as (code, jt, jf, k) rows; None on an unknown ABI."""
    table = _TABLES.get(machine or platform.machine())
    if table is None:
        return None
    arch, numbers = table
    n = len(numbers)
    allow, deny = 4 + n, 5 + n  # indexes of the two return instructions
    rows = [(_LD_ABS_W, 0, 0, 4),  # seccomp_data.arch
            (_JEQ_K, 0, deny - 2, arch),
            (_LD_ABS_W, 0, 0, 0),  # seccomp_data.nr
            (_JGE_K, deny - 4, 0, _X32_BIT)]
    rows += [(_JEQ_K, deny - (4 + i + 1), 0, nr) for i, nr in enumerate(numbers)]
    rows += [(_RET_K, 0, 0, _ALLOW), (_RET_K, 0, 0, _DENY)]
    assert len(rows) == deny + 1
    return rows


def deny_ipc() -> bool:
    """Install the filter on this thread's process (needs no_new_privs first); False if it cannot be here."""
    rows = program()
    if rows is None:
        return False
    insns = (_Insn * len(rows))(*[_Insn(*r) for r in rows])
    prog = _Prog(len(rows), insns)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "seccomp filter refused")
    return True
