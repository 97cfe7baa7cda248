"""Text from submissions shown safely: terminals get no control characters, spreadsheets run no formulas."""
from __future__ import annotations

import csv
import io

import pytest

from autograder.report.results import GradebookRow, write_gradebook
from autograder.report.safe_text import printable, safe_cell


def test_printable_escapes_controls_but_keeps_newline_tab_and_text():
    assert printable("a\x1b[2J\rb\tc\nd\x85e\u202ef\x00\x7f ✓ é") == "a\\x1b[2J\\rb\tc\nd\\x85e\\u202ef\\x00\\x7f ✓ é"


@pytest.mark.parametrize("text", ["=1+2", "+1", "-1+cmd", "@SUM(A1)", "\tx", "\rx"])
def test_cells_that_could_start_a_formula_get_a_quote(text):
    assert safe_cell(text) == "'" + text
    assert safe_cell("alice") == "alice" and safe_cell("a=1") == "a=1"


def test_gradebook_text_cells_are_neutralised_numbers_stay_numbers(tmp_path):
    path = tmp_path / "gradebook.csv"
    rows = [GradebookRow(submission="=HYPERLINK(\"x\")", file="@evil.py", score=-1.5, max_score=42,
                         questions={"q1": -1.5}, status="ok")]
    write_gradebook(path, rows, ["q1"])
    (row,) = csv.DictReader(io.StringIO(path.read_text()))
    assert row["submission"] == "'=HYPERLINK(\"x\")" and row["file"] == "'@evil.py"
    assert (row["q1"], row["score"], row["max_score"]) == ("-1.5", "-1.5", "42")  # a negative number is still a number
