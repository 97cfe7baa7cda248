"""Executors (the local pool, Dask) are handed what to run by the orchestration and never import it back."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "autograder"
EXECUTORS = ["local_pool.py", "distributed.py", "distributed_worker.py"]
ORCHESTRATION = {"autograder.api", "autograder.cli"}


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every module a file imports, anywhere in it (top level, functions, TYPE_CHECKING blocks), with its line."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            # relative imports: the executors are modules of the package itself (autograder/NAME.py)
            base = node.module if node.level == 0 else ".".join(["autograder", *([node.module] if node.module else [])])
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]  # `from autograder import api`
    return found


def test_the_scan_sees_every_form_of_import(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("import autograder.api\nfrom autograder import cli\ndef f():\n    from autograder.api import judge\n"
                     "if True:\n    from . import api\n")
    mods = {m for _, m in imported_modules(probe)}
    assert {"autograder.api", "autograder.cli", "autograder.api.judge"} <= mods
    assert [line for line, m in imported_modules(probe) if m == "autograder.api"] == [1, 4, 6]


@pytest.mark.parametrize("name", EXECUTORS)
def test_an_executor_imports_nothing_of_the_orchestration(name):
    path = PACKAGE / name
    assert path.is_file(), f"{path} is gone: update EXECUTORS"
    bad = [f"line {line}: {mod}" for line, mod in imported_modules(path)
           if any(mod == o or mod.startswith(o + ".") for o in ORCHESTRATION)]
    assert not bad, f"{name} imports the orchestration back: {bad}"


def test_the_orchestration_hands_the_executors_their_work():
    """api reaches the executors (not the other way round): the local pool directly, Dask lazily (an optional extra)."""
    api_imports = {m for _, m in imported_modules(PACKAGE / "api.py")}
    assert "autograder.local_pool" in api_imports
    assert "autograder.distributed" in api_imports
