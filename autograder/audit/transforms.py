"""Generic syntax-tree edits of a module: the vocabulary in which an assignment declares its variants.

Every edit works in a *scope*: `""` (the module), `"name"` (a module-level function or class) or
`"Class.method"`. Code fragments are Python source; in `new`, the name `__old__` stands for the
matched node (an expression, or a whole statement). An edit that matches nothing raises
`TransformError`: a declaration that no longer fits the reference solution is reported, never
silently skipped.

Kinds (`Edit.kind`):
- `replace_expr`: every expression equal to `old` (same syntax tree) becomes `new`;
- `replace_stmt`: every statement equal to `old` becomes the statements of `new` (`pass` to drop);
- `replace_body`: the scope's body (its docstring kept) becomes `new`;
- `insert`: the statements of `new` go at the start (`at = "start"`, after a docstring) or the end;
- `rename`: the identifier `old` becomes `new` in names, arguments, definitions, attributes, keywords;
- `extract`: the expression `old` becomes a call of a new module-level function `new` whose
  parameters are the expression's free names (module globals excluded);
- `inline`: calls `self.<old>(...)` of a one-`return` method become its returned expression,
  the arguments put in for its parameters.
"""
from __future__ import annotations

import ast
import builtins
import copy
from typing import Literal

from pydantic import BaseModel, ConfigDict

PLACEHOLDER = "__old__"


class TransformError(ValueError):
    """A declared edit does not apply to the source (its scope or its pattern is not there)."""


class Edit(BaseModel):
    """One edit of a variant, as declared by the assignment."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Literal["replace_expr", "replace_stmt", "replace_body", "insert", "rename", "extract", "inline"]
    scope: str = ""
    old: str = ""
    new: str = ""
    at: Literal["start", "end"] = "end"


def apply(tree: ast.Module, edit: Edit) -> ast.Module:
    """Apply `edit` to `tree` in place (and return it); raises TransformError when it does not match."""
    node = _scope(tree, edit.scope)
    {"replace_expr": _replace_expr, "replace_stmt": _replace_stmt, "replace_body": _replace_body,
     "insert": _insert, "rename": _rename, "extract": _extract, "inline": _inline}[edit.kind](tree, node, edit)
    return tree  # no line numbers are fixed: variants are unparsed to source, never compiled from the tree


def _scope(tree: ast.Module, scope: str) -> ast.Module | ast.ClassDef | ast.FunctionDef:
    node: ast.Module | ast.ClassDef | ast.FunctionDef = tree
    for part in filter(None, scope.split(".")):
        found = [n for n in node.body if isinstance(n, (ast.ClassDef, ast.FunctionDef)) and n.name == part]
        if not found:
            raise TransformError(f"scope {scope!r}: no definition {part!r}")
        node = found[-1]  # the last definition is the one in force
    return node


def _expr(code: str) -> ast.expr:
    try:
        return ast.parse(code.strip(), mode="eval").body
    except SyntaxError as exc:
        raise TransformError(f"not an expression: {code!r} ({exc.msg})") from None


def _stmts(code: str) -> list[ast.stmt]:
    try:
        return ast.parse(code.strip() + "\n").body
    except SyntaxError as exc:
        raise TransformError(f"not Python statements: {code!r} ({exc.msg}, line {exc.lineno})") from None


class _Pattern:
    """A code pattern, compared by syntax tree (the node type first: dumping every node is slow)."""

    def __init__(self, node: ast.AST):
        self.type, self.dump = type(node), ast.dump(node)

    def matches(self, node: ast.AST) -> bool:
        return type(node) is self.type and ast.dump(node) == self.dump


class _Fill(ast.NodeTransformer):
    """Put a copy of the matched node where `__old__` stands."""

    def __init__(self, old: ast.AST):
        self.old = old

    def visit_Name(self, node: ast.Name) -> ast.AST:
        return copy.deepcopy(self.old) if node.id == PLACEHOLDER and isinstance(self.old, ast.expr) else node

    def visit_Expr(self, node: ast.Expr) -> ast.AST:
        if isinstance(node.value, ast.Name) and node.value.id == PLACEHOLDER and isinstance(self.old, ast.stmt):
            return copy.deepcopy(self.old)
        return self.generic_visit(node)


def _replace_expr(tree: ast.Module, scope: ast.AST, edit: Edit) -> None:
    pattern, new = _Pattern(_expr(edit.old)), _expr(edit.new)
    hits = 0

    class Swap(ast.NodeTransformer):
        def visit(self, node: ast.AST) -> ast.AST:
            nonlocal hits
            if pattern.matches(node):
                hits += 1
                return _Fill(node).visit(copy.deepcopy(new))
            return self.generic_visit(node)

    Swap().visit(scope)
    if not hits:
        raise TransformError(f"replace_expr in {edit.scope or 'the module'}: {edit.old!r} does not occur")


def _replace_stmt(tree: ast.Module, scope: ast.AST, edit: Edit) -> None:
    old = _stmts(edit.old)
    if len(old) != 1:
        raise TransformError(f"replace_stmt: `old` must be one statement, got {len(old)}")
    pattern, new = _Pattern(old[0]), _stmts(edit.new)
    hits = 0
    for node in ast.walk(scope):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if not isinstance(block, list):
                continue
            out: list[ast.stmt] = []
            for stmt in block:
                if pattern.matches(stmt):
                    hits += 1
                    out += [_Fill(stmt).visit(copy.deepcopy(s)) for s in new]
                else:
                    out.append(stmt)
            setattr(node, field, out)
    if not hits:
        raise TransformError(f"replace_stmt in {edit.scope or 'the module'}: {edit.old!r} does not occur")


def _docstring(body: list[ast.stmt]) -> list[ast.stmt]:
    first = body[0] if body else None
    is_doc = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str)
    return [first] if is_doc else []  # type: ignore[list-item]


def _replace_body(tree: ast.Module, scope: ast.AST, edit: Edit) -> None:
    if not isinstance(scope, ast.FunctionDef):
        raise TransformError(f"replace_body: {edit.scope!r} is not a function")
    old = ast.dump(ast.Module(body=scope.body, type_ignores=[]))
    scope.body = _docstring(scope.body) + _stmts(edit.new)
    if ast.dump(ast.Module(body=scope.body, type_ignores=[])) == old:
        raise TransformError(f"replace_body of {edit.scope}: the new body is the old one")


def _insert(tree: ast.Module, scope: ast.AST, edit: Edit) -> None:
    body: list[ast.stmt] = scope.body  # type: ignore[attr-defined]
    new = _stmts(edit.new)
    if edit.at == "end":
        body.extend(new)
    else:
        k = len(_docstring(body))
        body[k:k] = new


_BINDERS = (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)


def _rename(tree: ast.Module, scope: ast.AST, edit: Edit) -> None:
    old, new = edit.old.strip(), edit.new.strip()
    if not (old.isidentifier() and new.isidentifier()):
        raise TransformError(f"rename takes two identifiers, got {old!r} -> {new!r}")
    used = _identifiers(scope)
    if new in used:
        raise TransformError(f"rename {old} -> {new}: {new!r} is already used in {edit.scope or 'the module'}")
    hits = 0
    for node in ast.walk(scope):
        for attr in ("id", "arg", "attr") + (("name",) if isinstance(node, _BINDERS) else ()):
            if getattr(node, attr, None) == old:
                setattr(node, attr, new)
                hits += 1
    if not hits:
        raise TransformError(f"rename in {edit.scope or 'the module'}: {old!r} does not occur")


def _identifiers(scope: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(scope):
        for attr in ("id", "arg", "attr", "name"):
            value = getattr(node, attr, None)
            if isinstance(value, str):
                names.add(value)
    return names


def _module_names(tree: ast.Module) -> set[str]:
    """Names bound at module level (imports, definitions, assignments) and the builtins."""
    names = set(dir(builtins))
    for stmt in tree.body:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in stmt.names}
        elif isinstance(stmt, _BINDERS):
            names.add(stmt.name)
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            for t in stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]:
                names |= {n.id for n in ast.walk(t) if isinstance(n, ast.Name)}
    return names


def _extract(tree: ast.Module, scope: ast.AST, edit: Edit) -> None:
    pattern, name = _expr(edit.old), edit.new.strip()
    if not name.isidentifier() or name in _identifiers(tree):
        raise TransformError(f"extract: {name!r} is not a fresh identifier")
    outside = _module_names(tree)
    params: list[str] = []
    names = sorted((n for n in ast.walk(pattern) if isinstance(n, ast.Name)), key=lambda n: (n.lineno, n.col_offset))
    for node in names:  # in the order they appear in the expression
        if node.id not in outside and node.id not in params:
            params.append(node.id)
    _replace_expr(tree, scope, Edit(kind="replace_expr", scope=edit.scope, old=edit.old, new=f"{name}({', '.join(params)})"))
    helper = _stmts(f"def {name}({', '.join(params)}):\n    return {ast.unparse(pattern)}\n")[0]
    where = next(i for i, s in enumerate(tree.body) if not isinstance(s, (ast.Import, ast.ImportFrom, ast.Expr)))
    tree.body.insert(where, helper)


def _inline(tree: ast.Module, scope: ast.AST, edit: Edit) -> None:
    method = edit.old.strip()
    owner = next((c for c in ast.walk(tree) if isinstance(c, ast.ClassDef)
                  and any(isinstance(s, ast.FunctionDef) and s.name == method for s in c.body)
                  and any(n is scope for n in ast.walk(c))), None)
    if owner is None:
        raise TransformError(f"inline: no method {method!r} in the class around {edit.scope!r}")
    fn = next(s for s in owner.body if isinstance(s, ast.FunctionDef) and s.name == method)
    body = fn.body[len(_docstring(fn.body)):]
    if len(body) != 1 or not isinstance(body[0], ast.Return) or body[0].value is None:
        raise TransformError(f"inline: {method} is not a single `return <expression>`")
    params = [a.arg for a in fn.args.args[1:]]
    returned = body[0].value
    hits = 0

    class Inline(ast.NodeTransformer):
        def visit_Call(self, node: ast.Call) -> ast.AST:
            self.generic_visit(node)
            f = node.func
            if (isinstance(f, ast.Attribute) and f.attr == method and isinstance(f.value, ast.Name)
                    and f.value.id == fn.args.args[0].arg and len(node.args) == len(params) and not node.keywords):
                nonlocal hits
                hits += 1
                given = dict(zip(params, node.args))
                return _Substitute(given).visit(copy.deepcopy(returned))
            return node

    Inline().visit(scope)
    if not hits:
        raise TransformError(f"inline in {edit.scope}: no call self.{method}(...) with positional arguments")


class _Substitute(ast.NodeTransformer):
    def __init__(self, given: dict[str, ast.expr]):
        self.given = given

    def visit_Name(self, node: ast.Name) -> ast.AST:
        return copy.deepcopy(self.given[node.id]) if node.id in self.given else node
