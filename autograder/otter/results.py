"""Native results -> otter's per-question test files, run in the grading process, never in a kernel."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from otter.test_files import ExceptionTestFile

from autograder.model import Outcome
from autograder.otter.verdicts import VERDICTS, Verdicts
from autograder.report.results import GradescopeResults


def otter_test_files(texts: Mapping[str, str], verdicts: Verdicts, native: GradescopeResults) -> list[ExceptionTestFile]:
    """Run each test file (path -> text, read before any student code ran) on the verdicts.

    Raises ValueError when the test files and the native results do not cover the same tests
    (an autograder zip built from another rubric): a score from either would be wrong.
    """
    recording = _Recording(by_key=verdicts.by_key, source=verdicts.source)
    files = []
    for path, text in sorted(texts.items()):
        tf = ExceptionTestFile.from_string(text, path=path)
        tf.run({VERDICTS: recording})
        files.append(tf)
    declared = set(recording.asked)
    automatic = {t.extra_data["key"] for t in native.tests if t.extra_data.get("outcome") != Outcome.MANUAL.value}
    if declared != automatic:
        only_otter, only_native = sorted(declared - automatic), sorted(automatic - declared)
        raise ValueError("the autograder zip does not match the native grader's rubric "
                         f"(only in the zip: {only_otter or 'none'}; only in the rubric: {only_native or 'none'}); "
                         "rebuild it with `autograder assign`")
    for tf in files:
        native_score = sum(v.score for k, v in verdicts.by_key.items() if k.split(".", 1)[0] == tf.name)
        if abs(native_score - tf.score) > 1e-9:  # partial credit, which a pass/fail case cannot carry
            tf.update_score(native_score)
    return files


@dataclass(frozen=True)
class _Recording(Verdicts):
    """Verdicts that remember which keys the test cases asked about."""

    asked: list[str] = field(default_factory=list)

    def require(self, key: str) -> None:
        self.asked.append(key)
        super().require(key)


def summary(native: GradescopeResults) -> str:
    """Gradescope's top-level text: the native summary, and the hand-graded items still to grade."""
    parts = ["Graded by the autograder package in an isolated process (otter reports its verdicts)."]
    if native.output.strip():
        parts.append(native.output.strip())
    manual = [t.name for t in native.tests if t.extra_data.get("outcome") == Outcome.MANUAL.value]
    if manual:
        parts.append("Graded by hand from your PDF (not in this score):\n" + "\n".join(f"- {m}" for m in manual))
    return "\n\n".join(parts)
