"""A choice answer is read as the sheet and Python write it, and nothing more generous."""
from __future__ import annotations

import pytest

from autograder.checks.answer_choice import _norm


@pytest.mark.parametrize("typed", ["O(D^3)", "O(D³)", "O(D**3)", "o(d ^ 3)", " O( D³ ) "])
def test_a_power_in_the_sheets_or_pythons_notation_is_the_contracts(typed):
    assert _norm(typed) == _norm("O(D^3)")


@pytest.mark.parametrize("typed", ["O(D^2)", "O(D²)", "O(D)", "cubic", "O(D^32)", "O(D³²)", "O(3D)"])
def test_another_power_or_words_stay_another_answer(typed):
    assert _norm(typed) != _norm("O(D^3)")


def test_case_spaces_underscores_and_hyphens_do_not_count():
    assert _norm("Variational-Inference") == _norm("variational_inference") == _norm("variational inference")
