"""`autograder audit`: the syntax-tree edits, sheet03's declared variants, and the audit run end to end."""
from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import api
from autograder import assignment as assignments
from autograder.audit import audit, run, transforms, variants
from autograder.audit.transforms import Edit, TransformError
from autograder.sandbox.runner import Worker

ROOT = Path(__file__).resolve().parent.parent
ENGINE = ROOT / "autograder" / "audit"

SAMPLE = '''
import torch

class M:
    """doc"""

    def __init__(self, g, f):
        self.g, self.f = g, f

    def scale(self, h):
        return h * 2

    def forward(self, x):
        h = self.g(x)
        return self.f(self.scale(h) + torch.randn_like(h))

ANSWER = 1.0
'''


def edited(edit: Edit, code: str = SAMPLE) -> str:
    return ast.unparse(transforms.apply(ast.parse(code), edit))


# ---------------------------------------------------------------- the edit kinds


def test_replace_expr_fills_the_placeholder_with_the_matched_node():
    out = edited(Edit(kind="replace_expr", scope="M.forward", old="torch.randn_like(h)", new="2 * __old__"))
    assert "self.f(self.scale(h) + 2 * torch.randn_like(h))" in out


def test_replace_stmt_wraps_a_statement_and_can_add_more():
    out = edited(Edit(kind="replace_stmt", scope="M.forward", old="h = self.g(x)", new="with torch.no_grad():\n    __old__\nk = 1"))
    assert "with torch.no_grad():\n            h = self.g(x)\n        k = 1" in out


def test_replace_body_keeps_the_docstring_and_insert_goes_after_it():
    out = edited(Edit(kind="replace_body", scope="M.scale", new="return h + h"))
    assert "return h + h" in out and "return h * 2" not in out
    tree = transforms.apply(ast.parse(SAMPLE), Edit(kind="insert", scope="M", at="start", new="x = 1"))
    cls = tree.body[1]
    assert isinstance(cls, ast.ClassDef) and ast.unparse(cls.body[1]) == "x = 1"  # after """doc"""


def test_rename_covers_names_arguments_and_attributes_and_refuses_a_collision():
    out = edited(Edit(kind="rename", scope="M", old="g", new="encoder"))
    assert "def __init__(self, encoder, f)" in out and "self.encoder(x)" in out and "self.g" not in out
    with pytest.raises(TransformError, match="already used"):
        edited(Edit(kind="rename", scope="M.forward", old="h", new="x"))


def test_extract_makes_a_module_function_of_the_free_names():
    out = edited(Edit(kind="extract", scope="M.forward", old="self.scale(h) + torch.randn_like(h)", new="noisy"))
    assert "def noisy(self, h):\n    return self.scale(h) + torch.randn_like(h)" in out
    assert "return self.f(noisy(self, h))" in out
    exec(compile(out, "<extract>", "exec"), {})  # the helper is defined before use at run time


def test_inline_puts_the_method_body_in_place_of_the_call():
    out = edited(Edit(kind="inline", scope="M.forward", old="scale"))
    assert "return self.f(h * 2 + torch.randn_like(h))" in out
    assert "def scale(self, h)" in out  # the method stays (a grader may call it)


@pytest.mark.parametrize("edit", [
    Edit(kind="replace_expr", scope="M.forward", old="torch.rand_like(h)", new="0"),
    Edit(kind="replace_stmt", old="ANSWER = 2.0", new="pass"),
    Edit(kind="rename", scope="M", old="nothing_here", new="other"),
    Edit(kind="inline", scope="M.forward", old="missing"),
    Edit(kind="replace_expr", scope="N.forward", old="x", new="y"),
    Edit(kind="replace_stmt", old="ANSWER = 1.0\nANSWER = 1.0", new="pass"),
    Edit(kind="replace_body", scope="M", new="pass"),
])
def test_an_edit_that_does_not_match_is_an_error_not_a_no_op(edit):
    with pytest.raises(TransformError):
        edited(edit)


# ---------------------------------------------------------------- sheet03's declarations


@pytest.fixture(scope="module")
def generated():
    return variants.variants("sheet03")


def test_sheet03_declares_enough_rewrites_and_mutants(generated):
    _, vs = generated
    assert sum(v.family == "rewrite" for v in vs) >= 30
    assert sum(v.family == "mutant" for v in vs) >= 40
    questions = set(assignments.load("sheet03").questions)
    aimed = {q for v in vs for q in v.loses}
    assert aimed == questions  # every question has mutants aimed at it


def test_every_variant_compiles_and_differs_from_the_reference(generated):
    reference, vs = generated
    ref_tree = ast.dump(ast.parse(reference))
    for v in vs:
        compile(v.source, v.id, "exec")
        assert ast.dump(ast.parse(v.source)) != ref_tree, v.id


def test_every_edit_of_every_variant_changes_the_tree(generated):
    """Each transformation applies on its own: applied to what the earlier edits made, it changes it."""
    reference, _ = generated
    for decl in variants.load("sheet03"):
        tree = ast.parse(reference)
        for edit in decl.edit:
            before = ast.dump(tree)
            transforms.apply(tree, edit)
            assert ast.dump(tree) != before, f"{decl.id}: {edit.kind} changed nothing"


def test_the_engine_names_no_assignment_specific_model():
    for path in ENGINE.glob("*.py"):
        text = path.read_text()
        for name in ("Model1", "Model2", "Model3", "Problem2Model", "optimal_discriminator", "D_STAR_CASES"):
            assert name not in text, f"{path.name} names {name}: declarations belong in assignments/<name>/audit.toml"


def test_declarations_are_validated(tmp_path):
    bad = tmp_path / "audit.toml"
    bad.write_text('[[variant]]\nid = "x"\nfamily = "rewrite"\ndoc = "d"\nloses = ["q1a"]\n'
                   '[[variant.edit]]\nkind = "rename"\nold = "a"\nnew = "b"\n')
    with pytest.raises(ValueError, match="a rewrite loses no points"):
        variants.load("sheet03", bad)
    bad.write_text('[[variant]]\nid = "x"\nfamily = "mutant"\ndoc = "d"\nloses = ["q9"]\n'
                   '[[variant.edit]]\nkind = "rename"\nold = "a"\nnew = "b"\n')
    with pytest.raises(ValueError, match="unknown question"):
        variants.load("sheet03", bad)


def test_verdicts():
    def v(family: str, loses: tuple[str, ...] = ()) -> variants.Variant:
        return variants.Variant(id="v", family=family, doc="", loses=loses, blind_spot=None, edits=(), source="")

    lost = [run.Lost(key="q1b.noise", question="q1b", outcome="failed", message="m")]
    assert run.verdict(v("rewrite"), [], []) == "ok"
    assert run.verdict(v("rewrite"), ["q1b"], lost) == "false_failure"
    assert run.verdict(v("mutant", ("q1b",)), ["q1b"], lost) == "ok"
    assert run.verdict(v("mutant", ("q1b",)), [], []) == "missed"
    assert run.verdict(v("mutant", ("q1c",)), ["q1b"], lost) == "missed"
    two = lost + [run.Lost(key="q2.noise", question="q2", outcome="failed", message="m")]
    assert run.verdict(v("mutant", ("q1b",)), ["q1b", "q2"], two) == "misattributed"
    ours = [run.Lost(key="q1b.noise", question="q1b", outcome="grader_error", message="grader error")]
    assert run.verdict(v("mutant", ("q1b",)), ["q1b"], ours) == "misattributed"  # caught by our bug is not caught


# ---------------------------------------------------------------- through the sandbox


def test_a_seed_override_reaches_the_child():
    a = assignments.load("sheet03")
    src = variants.reference_source("sheet03").encode()
    with Worker() as worker:
        one = api.observe(worker, a, "ref.py", src, api.limits_for(a))
        other = api.observe(worker, a.model_copy(update={"seed": a.seed + run.SEED_STEP}), "ref.py", src, api.limits_for(a))
    batches = [s.run.records["q1b"].observation.batches[0].array() for s in (one, other)]  # type: ignore[union-attr]
    assert batches[0].shape == batches[1].shape and not (batches[0] == batches[1]).all()


@pytest.fixture(scope="module")
def report():
    return audit("sheet03", jobs=2)


def test_audit_sheet03_every_rewrite_keeps_full_marks(report):
    assert report.reference.lost == []
    wrong = {g.id: [(t.key, t.message) for t in g.lost] for g in report.false_failures}
    assert wrong == {}, "rewrites that lost points (false failures)"


def test_audit_sheet03_every_mutant_loses_points_on_exactly_its_question(report):
    missed = {g.id: g.expected for g in report.missed}
    wrong = {g.id: (g.expected, g.lost_questions) for g in report.misattributed}
    assert missed == {} and wrong == {}
    caught = [g for g in report.results if g.family == "mutant" and g.blind_spot is None]
    assert caught and all(sorted(g.lost_questions) == sorted(g.expected) for g in caught)


def test_audit_sheet03_declared_blind_spots_are_still_blind(report):
    """A blind spot the grader now catches must lose its declaration (the file stays exact)."""
    assert report.blind_spots, "sheet03 declares its known blind spots"
    assert [g.id for g in report.blind_spots if g.verdict == "ok"] == []
    assert all(g.blind_spot for g in report.blind_spots)


def test_cli_exit_status_and_json_on_a_small_declaration(tmp_path):
    """A misdeclared mutant makes the run fail (exit 1), and the JSON names it with the test and message."""
    root = tmp_path / "assignments"
    shutil.copytree(ROOT / "assignments" / "sheet03", root / "sheet03")
    (root / "sheet03" / "audit.toml").write_text('''
[[variant]]
id = "rename"
family = "rewrite"
doc = "renamed"
[[variant.edit]]
kind = "rename"
scope = "Model2.forward"
old = "h"
new = "mu"

[[variant]]
id = "answer_negated_but_declared_on_q1a"
family = "mutant"
loses = ["q1a"]
doc = "REPARAM_NEEDED model2 negated, declared on the wrong question"
[[variant.edit]]
kind = "replace_stmt"
old = 'REPARAM_NEEDED["model2"] = True'
new = 'REPARAM_NEEDED["model2"] = False'
''')
    out = tmp_path / "audit.json"
    env = {"AUTOGRADER_ASSIGNMENTS": str(root), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-m", "autograder", "audit", "sheet03", "--json", str(out), "--seeds", "1"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "1 mutants: 1 missed" in " ".join(proc.stdout.split())
    data = json.loads(out.read_text())
    assert (data["rewrites"], data["mutants"], data["failed"]) == (1, 1, True)
    assert data["false_failures"] == [] and data["misattributed"] == []
    (missed,) = data["missed"]
    assert missed["edits"][0]["kind"] == "replace_stmt"
    assert missed["lost"][0]["key"] == "q1b.reparam_answer" and "REPARAM_NEEDED['model2']" in missed["lost"][0]["message"]
    seeds = data["seed_report"]
    assert seeds["gradings"] == 2 and seeds["false_failures"] == []  # the reference and the rewrite, one other seed
    noise = next(r for r in seeds["rows"] if r["test"] == "q1b.noise")
    assert noise["alpha"] == 1e-7 and noise["failures"] == 0
