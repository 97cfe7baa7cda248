"""The otter adapter without otter run: verdicts, the rebuilt otter results, the plugin's first step."""
from __future__ import annotations

import stat
from pathlib import Path

import pytest
from otter.run import AutograderConfig
from otter.run.run_autograder.utils import OtterRuntimeError

from autograder import assignment as assignments
from autograder.authoring.testfiles import question_files
from autograder.otter.plugin import NativeGrader, make_private
from autograder.otter.results import otter_test_files, summary
from autograder.model import Outcome
from autograder.otter.verdicts import FAILED, PASSED, VERDICTS, Verdicts, require_passed
from autograder.report.results import GradescopeResults
from conftest import CORPUS, SOLUTION, failing


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    a = assignments.load("sheet03")
    return {f"tests/{q}.py": t for q, t in question_files(a, public_only=False).items()}


@pytest.fixture(scope="module")
def wrong(grade) -> GradescopeResults:
    return grade(CORPUS / "wrong" / "model2_detach_h.py")


def test_require_passed_passes_or_raises_the_native_message(wrong):
    v = Verdicts.from_results(wrong.model_dump(mode="json"))
    bad = failing(wrong)
    assert bad
    with pytest.raises(AssertionError) as info:
        require_passed({VERDICTS: v}, bad[0])
    message = next(t.output for t in wrong.tests if t.extra_data["key"] == bad[0])
    assert str(info.value) == message
    require_passed({VERDICTS: v}, "q3a.values")
    with pytest.raises(AssertionError, match="reported no result"):
        require_passed({VERDICTS: v}, "q9.nothing")


@pytest.mark.parametrize("path", [SOLUTION, CORPUS / "wrong" / "model2_detach_h.py", CORPUS / "wrong" / "dstar_swapped.py"])
def test_otter_question_scores_equal_the_native_ones(grade, texts, path):
    native = grade(path)
    files = otter_test_files(texts, Verdicts.from_results(native.model_dump(mode="json")), native)
    otter_scores = {tf.name: tf.score for tf in files}
    native_scores = native.question_scores()
    assert otter_scores == {q: native_scores.get(q, 0.0) for q in otter_scores}
    assert sum(tf.possible for tf in files) == native.max_score


def test_public_cases_report_the_native_messages(grade, texts):
    native = grade(CORPUS / "wrong" / "model2_detach_h.py")
    files = otter_test_files(texts, Verdicts.from_results(native.model_dump(mode="json")), native)
    (q1b,) = [tf for tf in files if tf.name == "q1b"]
    public = q1b.summary(public_only=True)
    for t in native.tests:
        if t.extra_data["key"].startswith("q1b.") and t.score < t.max_score and t.visibility == "visible":
            assert t.output in public


def test_a_zip_built_from_another_rubric_is_refused(grade, texts):
    native = grade(SOLUTION)
    fewer = {k: v for k, v in texts.items() if not k.endswith("q3b.py")}
    with pytest.raises(ValueError, match=r"only in the rubric: \['q3b.generator_hallucinates'"):
        otter_test_files(fewer, Verdicts.from_results(native.model_dump(mode="json")), native)


def test_partial_credit_from_the_native_grader_is_kept(grade, texts):
    data = grade(SOLUTION).model_dump(mode="json")
    for t in data["tests"]:
        if t["extra_data"]["key"] == "q2.noise":
            t["score"], t["extra_data"]["outcome"] = 0.5, "failed"
    native = GradescopeResults.model_validate(data)
    files = {tf.name: tf for tf in otter_test_files(texts, Verdicts.from_results(data), native)}
    assert files["q2"].score == 8.5 and files["q2"].possible == 10


def test_summary_lists_the_hand_graded_items(grade):
    text = summary(grade(SOLUTION))
    assert text.count("(graded by hand)") == 6 and "not in this score" in text


def test_make_private_leaves_only_root_access(tmp_path: Path):
    source = tmp_path / "source"
    (source / "tests").mkdir(parents=True)
    (source / "assignments" / "sheet03").mkdir(parents=True)
    (source / "otter_config.json").write_text("{}")
    (source / "autograder").mkdir()
    sub_tests = tmp_path / "submission" / "tests"
    sub_tests.mkdir(parents=True)
    changed = make_private(source, sub_tests)
    assert len(changed) == 4
    for p in changed:
        assert stat.S_IMODE(p.stat().st_mode) & 0o077 == 0, p
    assert stat.S_IMODE((source / "autograder").stat().st_mode) & 0o005  # the package stays importable


def test_before_grading_deletes_otter_logs_turns_off_log_grading_and_reads_tests(tmp_path: Path, monkeypatch):
    (tmp_path / "source" / "tests").mkdir(parents=True)
    (tmp_path / "source" / "tests" / "q1a.py").write_text("OK_FORMAT = False\nname = 'q1a'\n")
    sub = tmp_path / "submission"
    (sub / "tests").mkdir(parents=True)
    (sub / "tests" / "q1a.py").write_text("print('a copy otter made: not what the plugin reads')\n")
    (sub / "nested" / ".OTTER_LOG").mkdir(parents=True)  # a folder of that name goes too
    (sub / ".OTTER_LOG").write_bytes(b"\x80\x04not a pickle")
    nb = sub / "sheet03.ipynb"
    nb.write_text("{}")
    monkeypatch.chdir(sub)
    config = AutograderConfig({"grade_from_log": True})
    plugin = NativeGrader(str(nb), {}, {"assignment": "sheet03", "timeout_seconds": 5})
    plugin.before_grading(config)
    assert not list(sub.rglob(".OTTER_LOG"))
    assert config.grade_from_log is False
    assert plugin._tests == {"tests/q1a.py": "OK_FORMAT = False\nname = 'q1a'\n"}


def test_before_grading_without_test_files_is_a_grader_error(tmp_path: Path, monkeypatch):
    (tmp_path / "submission").mkdir()
    monkeypatch.chdir(tmp_path / "submission")
    with pytest.raises(OtterRuntimeError, match="no test files"):
        NativeGrader(str(tmp_path / "x.ipynb"), {}, {"assignment": "sheet03"}).before_grading(AutograderConfig({}))


def test_a_plugin_config_without_an_assignment_is_refused():
    with pytest.raises(OtterRuntimeError, match="names no assignment"):
        NativeGrader("x.ipynb", {}, {})


def test_verdicts_spell_outcomes_as_the_model_does():
    assert (PASSED, FAILED) == (Outcome.PASSED.value, Outcome.FAILED.value)
