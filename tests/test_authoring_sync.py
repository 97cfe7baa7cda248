"""The committed generated files equal a fresh build of assignments/sheet03, and are what they claim."""
from __future__ import annotations

import ast
import difflib
import json
import runpy

import pytest

from autograder.authoring import render_committed
from conftest import ROOT, failing

CONTRACT = ["Model1", "Model2", "Model3", "Problem2Model", "REPARAM_NEEDED", "JUSTIFICATIONS", "PROBLEM2_ISSUE",
            "optimal_discriminator", "D_STAR_CASES", "PROOF_3A"]
FIX = "python -m autograder.authoring sync"


@pytest.fixture(scope="module")
def built() -> dict[str, str]:
    return render_committed("sheet03")


@pytest.mark.parametrize("rel", ["solutions/sheet03.py", "student_templates/sheet03.py", "student_templates/sheet03.ipynb",
                                 "assignments/sheet03/public.json"])
def test_committed_file_equals_a_fresh_build(built, rel):
    path = ROOT / rel
    assert path.is_file(), f"{rel} is missing: run `{FIX}`"
    assert path.read_text(encoding="utf-8") == built[rel], f"{rel} is stale or edited by hand: edit assignments/sheet03/source.py, then run `{FIX}`"


def test_template_imports_and_defines_every_contract_name_without_answers(built):
    ns = runpy.run_path(str(ROOT / "student_templates" / "sheet03.py"))
    missing = [n for n in CONTRACT if n not in ns]
    assert not missing
    for name in ("REPARAM_NEEDED", "JUSTIFICATIONS", "D_STAR_CASES"):
        assert ns[name] and all(v is None for v in ns[name].values()), name
    assert ns["PROBLEM2_ISSUE"] is None and ns["PROOF_3A"] is None
    assert set(ns["REPARAM_NEEDED"]) == set(ns["JUSTIFICATIONS"]) == {"model1", "model2", "model3", "problem2"}
    assert set(ns["D_STAR_CASES"]) == {"optimal_generator", "generator_misses", "generator_hallucinates"}


def test_template_bodies_raise_not_implemented_with_a_hint_and_docstrings_carry_the_maths(built):
    tree = ast.parse(built["student_templates/sheet03.py"])
    bodies = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name != "__init__":
            bodies[node.name] = node
    for name in ("forward", "variance", "optimal_discriminator"):
        raises = [n for n in ast.walk(bodies[name]) if isinstance(n, ast.Raise)]
        assert raises and "NotImplementedError" in ast.unparse(raises[0]), name
        assert len(ast.unparse(raises[0])) > 40, f"{name}: the hint is missing"
    docs = {n.name: ast.get_docstring(n) for n in tree.body if isinstance(n, (ast.ClassDef, ast.FunctionDef))}
    assert "z_i ~ N(x_i, I_D)" in docs["Model1"] and "z_i ~ N(h_i, I_L)" in docs["Model2"]
    assert "f_psi(h_i + z_i)" in docs["Model3"] and "diag(variance(h_i))" in docs["Problem2Model"]
    assert "p*(x) / (p*(x) + p_theta(x))" in docs["optimal_discriminator"]


def test_solution_and_template_differ_only_inside_solution_blocks(built):
    sol, tmpl = built["solutions/sheet03.py"].splitlines(), built["student_templates/sheet03.py"].splitlines()
    same = sum(b.size for b in difflib.SequenceMatcher(a=sol, b=tmpl, autojunk=False).get_matching_blocks())
    assert same > 0.9 * len(tmpl)  # the problem text, docstrings and scaffolding are common
    for leaked in ("z = x + torch.randn_like(x)", "return F.softplus(h)", "return p_star / (p_star + p_theta)",
                   '"model2": True', "whose maximiser is a / (a + b)"):
        assert leaked not in built["student_templates/sheet03.py"]
        assert leaked not in built["student_templates/sheet03.ipynb"]


def test_notebook_holds_the_templates_cells(built):
    nb = json.loads(built["student_templates/sheet03.ipynb"])
    nb_code = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code" and c["metadata"].get("editable") is not False]
    nb_text = ["".join(c["source"]).replace("<!-- BEGIN QUESTION -->\n\n", "") for c in nb["cells"] if c["cell_type"] == "markdown"]
    cells = built["student_templates/sheet03.py"].split("\n\n\n# %%")[1:]
    py_code = [c.removeprefix("\n").rstrip("\n") for c in cells if not c.startswith(" [markdown]")]
    py_text = ["\n".join(line[2:] for line in c.split("\n")[1:]).strip("\n") for c in cells if c.startswith(" [markdown]")]
    assert nb_code == py_code
    assert [t for t in nb_text if not t.startswith(("<!-- END", "## Submission"))] == py_text


def test_reference_solution_gets_full_marks_and_template_none_without_crashing(grade):
    sol = grade(ROOT / "solutions" / "sheet03.py")
    assert sol.score == sol.max_score == 42 and failing(sol) == []
    tmpl = grade(ROOT / "student_templates" / "sheet03.py")
    assert tmpl.score == 0
    assert "could not be" not in tmpl.output  # it imports: every test fails on its own NotImplementedError
