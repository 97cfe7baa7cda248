"""The words a student reads about how the child ended, and the capped capture of its output."""
from __future__ import annotations

import signal

import pytest

from autograder.sandbox.exits import Exit, size_text
from autograder.sandbox.runner import Limits, _Capture


@pytest.mark.parametrize(("mb", "text"), [(2048, "2 GiB"), (1536, "1.5 GiB"), (1024, "1 GiB"), (961, "961 MiB"), (1990, "1.94 GiB")])
def test_size_text(mb, text):
    assert size_text(mb) == text


def test_exit_texts():
    assert Exit(code=0).text() == "exited with status 0"
    assert Exit(signal=signal.SIGSEGV).text() == "was killed by SIGSEGV (segmentation fault)"
    assert Exit(signal=signal.SIGXCPU).text() == "used up its CPU time (SIGXCPU)"
    assert Exit(signal=signal.SIGKILL).text() == "was killed by SIGKILL"
    assert Exit(signal=signal.SIGKILL, worker_died=True).text().startswith("took the grader's sandbox worker down")


def test_a_crash_after_filling_memory_is_named_as_the_memory_limit():
    ex = Exit.of({"signal": int(signal.SIGABRT), "code": None, "peak_mb": 1990}, Limits(memory_mb=2048))
    assert ex.memory
    assert ex.memory_text("q1b") == "killed at the 2 GiB memory limit during q1b: SIGABRT after using 1.94 GiB more than at its start"
    assert ex.text() == "was killed at the 2 GiB memory limit (SIGABRT after using 1.94 GiB more than at its start)"


def test_a_crash_with_little_memory_or_a_clean_exit_is_not_blamed_on_memory():
    assert not Exit.of({"signal": int(signal.SIGSEGV), "peak_mb": 100}, Limits(memory_mb=2048)).memory
    assert not Exit.of({"code": 0, "peak_mb": 2000}, Limits(memory_mb=2048)).memory


def test_capture_keeps_head_and_tail_and_says_how_much_was_cut():
    cap = _Capture(100)
    cap.add(b"H" * 60)
    cap.add(b"m" * 1000)
    cap.add(b"T" * 40)
    text = cap.text()
    assert text.startswith("H" * 50)
    assert text.endswith("m" * 10 + "T" * 40)
    assert "[... 1000 bytes of output cut ...]" in text
    small = _Capture(100)
    small.add(b"hello\n")
    assert small.text() == "hello\n"
