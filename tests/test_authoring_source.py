"""The single-source format: cells, solution markers, and the errors that name the line."""
from __future__ import annotations

from pathlib import Path

import pytest

from autograder.authoring.source import Kind, SourceError, parse, solution, template

FUNC = '''def f(x):
    """Doc."""
    # BEGIN SOLUTION (hint: return "twice" x)
    y = 2 * x
    return y
    # END SOLUTION
'''

DICT = '''ANSWERS = {
    # BEGIN SOLUTION
    "a": True,
    # END SOLUTION
    # BEGIN TEMPLATE
    # "a": None,  # True or False
    # END TEMPLATE
}
VALUE = 0.5  # SOLUTION
'''


def test_solution_keeps_the_code_and_drops_every_marker():
    assert solution(FUNC) == 'def f(x):\n    """Doc."""\n    y = 2 * x\n    return y\n'
    assert solution(DICT) == 'ANSWERS = {\n    "a": True,\n}\nVALUE = 0.5\n'


def test_template_raises_with_the_hint_or_uses_the_template_block():
    assert template(FUNC) == 'def f(x):\n    """Doc."""\n    raise NotImplementedError("return \\"twice\\" x")\n'
    assert template(DICT) == 'ANSWERS = {\n    "a": None,  # True or False\n}\nVALUE = None\n'
    exec(compile(template(FUNC) + template(DICT), "<template>", "exec"), {})  # both stay valid Python


@pytest.mark.parametrize("code, message", [
    ("# BEGIN SOLUTION\nx = 1\n", "missing '# END SOLUTION'"),
    ("# BEGIN SOLUTION\nx = 1\n# END SOLUTION\n", "needs a hint or a TEMPLATE block"),
    ("x = 1\n# END SOLUTION\n", "without its BEGIN SOLUTION"),
    ("# BEGIN SOLUTION (hint: h)\nx = 1\n# END SOLUTION\n# BEGIN TEMPLATE\nx = None\n# END TEMPLATE\n",
     "a TEMPLATE line must start with '# '"),
])
def test_malformed_markers_are_errors_that_name_the_cell(code, message):
    with pytest.raises(SourceError, match=message) as info:
        template(code, line=42)
    assert "line 42" in str(info.value)


def test_cells_kinds_options_and_otter_directives(tmp_path: Path):
    src = tmp_path / "source.py"
    src.write_text("# authors only\n"
                   "# %% [markdown]\n# # Title\n#\n# text $x$\n\n"
                   "# %% [otter] init\n\n"
                   "# %% manual=q1.why\nWHY = 'x'  # SOLUTION\n\n"
                   "# %% [otter] check q1\n")
    cells = parse(src)
    assert [c.kind for c in cells] == [Kind.MARKDOWN, Kind.OTTER, Kind.CODE, Kind.OTTER]
    assert cells[0].text == "# Title\n\ntext $x$"
    assert cells[1].directive == ("init", None) and cells[3].directive == ("check", "q1")
    assert cells[2].manual == "q1.why" and cells[2].has_solution and not cells[0].has_solution
    assert cells[2].line == 9


@pytest.mark.parametrize("header, message", [
    ("# %% [latex]", "unknown cell kind"),
    ("# %% colour=red", "unknown cell option"),
    ("# %% [otter] grade", "takes one of"),
])
def test_bad_headers(tmp_path: Path, header, message):
    src = tmp_path / "source.py"
    src.write_text(f"{header}\nx = 1\n")
    with pytest.raises(SourceError, match=message):
        parse(src)


def test_markdown_lines_must_be_comments(tmp_path: Path):
    src = tmp_path / "source.py"
    src.write_text("# %% [markdown]\n# fine\nnot a comment\n")
    with pytest.raises(SourceError, match="line 3: a markdown line must start with '# '"):
        parse(src)
