"""Text that came from a submission (its output, exceptions, file name), made safe to show.

A terminal runs control sequences (clear the screen, move the cursor, rewrite a line with `\\r` to
forge a ✓), and a spreadsheet runs a cell that starts with `=` as a formula (OWASP: CSV injection).
"""
from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, C1 controls, and the Unicode bidi overrides/isolates
# (which reorder what is shown)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def printable(text: str) -> str:
    """`text` with every control character except newline and tab shown as an escape (`\\x1b`, `\\u202e`)."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def safe_cell(text: str) -> str:
    """A spreadsheet text cell that is shown as text, never evaluated: a leading `'` where it could start a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text
