"""How a child ended, as the fork server reported it, and the words a student reads about it."""
from __future__ import annotations

import signal
from dataclasses import dataclass

_MEMORY_SHARE = 0.5  # a child that dies by a signal after using this share of its memory limit ran out of memory
_SIGNAL_WHY = {signal.SIGSEGV: "segmentation fault", signal.SIGABRT: "abort", signal.SIGBUS: "bus error",
               signal.SIGFPE: "arithmetic error", signal.SIGILL: "illegal instruction"}


def size_text(mb: int) -> str:
    """2048 -> '2 GiB', 1536 -> '1.5 GiB', 961 -> '961 MiB'."""
    return f"{mb / 1024:.3g} GiB" if mb >= 1024 else f"{mb} MiB"


@dataclass(frozen=True)
class Exit:
    """The end of one child: wait status, peak memory growth, and what the fork server had to do."""

    signal: int | None = None
    code: int | None = None
    peak_mb: int = 0  # resident memory above the fork server's when the child started
    processes: int = 0  # > 0: stopped as a fork bomb holding this many processes
    left_behind: int = 0
    worker_died: bool = False
    memory_mb: int = 0  # the limit

    @classmethod
    def of(cls, info: dict, limits: object) -> "Exit":
        """From the fork server's `exited` message (or the runner's stand-in when the worker died)."""
        return cls(signal=info.get("signal"), code=info.get("code"), peak_mb=int(info.get("peak_mb") or 0),
                   processes=int(info.get("processes") or 0), left_behind=int(info.get("left_behind") or 0),
                   worker_died=bool(info.get("worker_died")), memory_mb=int(getattr(limits, "memory_mb", 0)))

    @property
    def memory(self) -> bool:
        """Whether it ended abnormally after filling most of its memory limit."""
        abnormal = self.signal is not None or (self.code or 0) != 0
        return abnormal and not self.worker_died and self.memory_mb > 0 and self.peak_mb >= _MEMORY_SHARE * self.memory_mb

    def _signal_name(self) -> str:
        try:
            return signal.Signals(self.signal).name  # type: ignore[arg-type]
        except ValueError:
            return f"signal {self.signal}"

    def memory_text(self, probe: str) -> str:
        """'killed at the 2 GiB memory limit during <question>: SIGABRT after using 1.9 GiB more than at its start'."""
        how = self._signal_name() if self.signal is not None else f"exit status {self.code}"
        return (f"killed at the {size_text(self.memory_mb)} memory limit during {probe}: {how} after using "
                f"{size_text(self.peak_mb)} more than at its start")

    def text(self) -> str:
        """'exited with status 0', 'was killed by SIGSEGV (segmentation fault)', 'was killed at the 2 GiB memory limit …'."""
        if self.worker_died:
            return "took the grader's sandbox worker down with it (the worker was restarted)"
        if self.memory:
            how = self._signal_name() if self.signal is not None else f"exit status {self.code}"
            return (f"was killed at the {size_text(self.memory_mb)} memory limit ({how} after using "
                    f"{size_text(self.peak_mb)} more than at its start)")
        if self.signal is None:
            return f"exited with status {self.code}"
        if self.signal == signal.SIGXCPU:
            return "used up its CPU time (SIGXCPU)"
        why = _SIGNAL_WHY.get(self.signal)  # type: ignore[call-overload]
        return f"was killed by {self._signal_name()}" + (f" ({why})" if why else "")
