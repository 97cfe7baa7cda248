"""Class statistics on a hand-built class whose numbers are known: means, medians, pass rates, failures, changes."""
from __future__ import annotations

import pytest

from autograder.model import Visibility
from autograder.report.instructor import (Stage, Submission, common_failures, compare, normalise, released, student_view,
                                          summarise)
from autograder.report.results import GradescopeResults, GradescopeTest, Provenance

LOAD = "The submission could not be imported (line 3): invalid syntax"
NOT_GRADED = "{m}: not graded — the submission could not be imported (SyntaxError in line 3)"
# (key, points, visibility) of the assignment used here: qa = 3 points, qb = 2, one hand-graded item
TESTS = [("qa.one", 1, "visible"), ("qa.two", 2, "after_published"), ("qb.one", 2, "after_due_date"), ("qa.hand", 0, "visible")]


def make_test(key: str, score: float, outcome: str = "passed", output: str = "ok") -> GradescopeTest:
    points, vis = next((p, v) for k, p, v in TESTS if k == key)
    return GradescopeTest(name=f"{key.split('.')[0]}: {key}", score=score, max_score=points, output=output, visibility=vis,
                          extra_data={"key": key, "question": key.split(".")[0], "outcome": outcome})


def results(scores: dict[str, tuple[float, str, str]], *, output: str = "", produced_by: str = "run",
            extra: dict | None = None) -> GradescopeResults:
    """A valid results file: every key of TESTS, passed with full points unless `scores` says otherwise."""
    tests = []
    for key, points, _ in TESTS:
        if key == "qa.hand":
            tests.append(make_test(key, 0, "manual", "Pending manual grading. The answer:\nbecause"))
        else:
            score, outcome, out = scores.get(key, (points, "passed", "ok"))
            tests.append(make_test(key, score, outcome, out))
    prov = Provenance(grader_version="0", assignment="demo", rubric_hash="r", probe_fingerprint="p", check_versions={},
                      produced_by=produced_by, submission="x.py", sha256=None, graded_at="2026-01-02T03:04:05+00:00")
    res = GradescopeResults(score=sum(t.score for t in tests), max_score=sum(t.max_score for t in tests), output=output,
                            tests=tests, extra_data={"provenance": prov.model_dump(), **(extra or {})})
    return GradescopeResults.model_validate_json(res.model_dump_json())  # exactly what a file round-trip gives


def known_class() -> list[Submission]:
    """Five students; totals 5, 2, 2, 3, 0 out of 5."""
    shape = "Model1.forward returned shape ({n}, {k}), expected ({n}, 4)"
    raised = "your code raised ValueError in forward (line {n}): bad"
    return [
        Submission("alice", results({})),
        Submission("bob", results({"qa.one": (0, "failed", shape.format(n=256, k=3)), "qb.one": (0, "error", raised.format(n=14))})),
        Submission("carol", results({"qa.one": (0, "failed", shape.format(n=128, k=2)), "qa.two": (0, "failed", "g.0.weight differs by 0.25")})),
        Submission("dave", results({"qb.one": (0, "error", raised.format(n=99))}, produced_by="rescore",
                                   extra={"rescore": {"previous_score": 1.0, "previous_rubric_hash": "old"}})),
        Submission("erin", results({"qa.one": (0, "error", NOT_GRADED.format(m="Model1")), "qa.two": (0, "error", NOT_GRADED.format(m="Model1")),
                                    "qb.one": (0, "error", NOT_GRADED.format(m="Model2"))}, output=LOAD,
                                   extra={"status": "load_error"})),
    ]


def test_question_numbers_are_exact():
    s = summarise(known_class())
    assert s.questions == ["qa", "qb"]
    qa, qb = s.stats
    # qa scores 3, 2, 0, 3, 0; qb scores 2, 0, 2, 0, 0
    assert (qa.max_score, qa.n, qa.mean, qa.median, qa.passed, qa.pass_rate) == (3, 5, 1.6, 2, 2, 0.4)
    assert (qb.max_score, qb.n, qb.mean, qb.median, qb.passed, qb.pass_rate) == (2, 5, 0.8, 0, 2, 0.4)
    assert s.totals == [5, 2, 2, 3, 0] and s.max_total == 5
    assert s.mean_total == pytest.approx(2.4) and s.median_total == 2
    assert s.status_counts() == {"ok": 4, "load_error": 1}


def test_failures_group_by_normalised_message_and_count_submissions():
    f = common_failures(known_class())
    assert [(g.message, g.count, g.tests, g.submissions) for g in f["qa"]] == [
        ("Model1.forward returned shape (#, #), expected (#, #)", 2, ("qa.one",), ("bob", "carol")),
        ("g.0.weight differs by #", 1, ("qa.two",), ("carol",)),
    ]  # erin's submission could not be loaded: counted by its status, not here
    assert [(g.message, g.count) for g in f["qb"]] == [("your code raised ValueError in forward (line #): bad", 2)]
    assert [g.count for g in common_failures(known_class(), top=1)["qa"]] == [2]


@pytest.mark.parametrize("raw, expected", [
    ("greatest difference 0.41 at p_star=0.3, p_theta=-1e-07 (up to 1e-6 allowed)", "greatest difference # at p_star=#, p_theta=# (up to # allowed)"),
    ("12/300 values differ (4.0%)", "#/# values differ (#%)"),
    ("Model2 and q1b keep their digits; g.2.weight too", "Model2 and q1b keep their digits; g.2.weight too"),
    ("  spaces\n collapse ", "spaces collapse"),
])
def test_normalise(raw, expected):
    assert normalise(raw) == expected


def test_compare_with_previous_folder_gives_per_question_changes():
    before = known_class()
    before[1] = Submission("bob", results({"qa.one": (0, "failed", "x")}))  # bob had qb right before: 4 -> 2
    before.append(Submission("frank", results({})))
    c = compare(before, known_class())
    assert [(ch.stem, ch.before, ch.after, ch.questions) for ch in c.changes] == [("bob", 4, 2, {"qb": (2, 0)})]
    assert (c.unchanged, c.only_before, c.only_after, c.rescored) == (4, ["frank"], [], 1)


def test_rescore_records_give_total_changes_without_a_previous_folder():
    c = summarise(known_class()).comparison
    assert c is not None
    assert [(ch.stem, ch.before, ch.after, ch.questions) for ch in c.changes] == [("dave", 1.0, 3.0, {})]
    assert (c.unchanged, c.rescored) == (0, 1)
    assert summarise(known_class()[:3]).comparison is None  # nothing rescored: nothing to show


def test_visibility_stages_follow_gradescope():
    order = [Visibility.VISIBLE, Visibility.AFTER_DUE_DATE, Visibility.AFTER_PUBLISHED, Visibility.HIDDEN]
    shown = {stage: [v for v in order if released(v, stage)] for stage in Stage}
    assert shown == {Stage.SUBMISSION: order[:1], Stage.AFTER_DUE_DATE: order[:2], Stage.PUBLISHED: order[:3], Stage.ALL: order}


def test_student_view_withholds_unreleased_tests_and_instructor_data():
    res = known_class()[1].results.model_copy(update={"extra_data": {**known_class()[1].results.extra_data, "grader_errors": {"qa.one": "tb"}}})
    view = student_view(res, Stage.SUBMISSION)
    assert [t.extra_data["key"] for t in view.tests] == ["qa.one", "qa.hand"]
    assert (view.score, view.max_score) == (0, 1)
    assert view.extra_data["withheld"] == {"tests": 2, "max_score": 4}
    assert "grader_errors" not in view.extra_data and "provenance" in view.extra_data
    later = student_view(res, Stage.AFTER_DUE_DATE)
    assert [t.extra_data["key"] for t in later.tests] == ["qa.one", "qb.one", "qa.hand"]
    full = student_view(res, Stage.ALL)
    assert (full.score, full.max_score, len(full.tests)) == (2, 5, 4) and "grader_errors" in full.extra_data


def test_status_is_the_typed_field_judge_records_never_the_message_text():
    worded = Submission("frank", results({}, output=LOAD))  # a summary that reads like a load failure, status ok
    assert worded.status == "ok"
    assert Submission("gina", results({}, extra={"status": "grader_error"})).status == "grader_error"
    with pytest.raises(ValueError):
        Submission("hal", results({}, extra={"status": "loaded-ish"})).status  # noqa: B018 - an unknown status is refused
    shown = student_view(known_class()[4].results, Stage.SUBMISSION)
    assert shown.extra_data["status"] == "load_error"  # the CI script reads it from the student's view too


def test_most_common_failures_show_one_real_message_inline_not_hashes():
    pytest.importorskip("jinja2")
    from autograder.report.html import class_page

    (shape,) = [g for g in common_failures(known_class())["qa"] if g.tests == ("qa.one",)]
    assert shape.example == "Model1.forward returned shape (256, 3), expected (256, 4)"  # bob's, the first one
    page = class_page(summarise(known_class()), histogram=b"", per_question=b"")
    section = page[page.index("Most common failures"):page.index("Could not be loaded")]
    assert '<span class="example">Model1.forward returned shape (256, 3), expected (256, 4)</span>' in section
    assert "(#, #)" not in section and "line #" not in section
