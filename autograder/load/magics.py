"""IPython cell syntax -> plain Python with the same line numbers.

IPython's own input transformers turn `obj?`, `%magic`, `%%magic` cells, `!cmd` and `x = !cmd` into
calls of `get_ipython()`. The sandbox has no IPython shell, so those calls are then rewritten into
plain Python, as the notebook would behave when run as a script:

- `%time`/`%timeit`/`%prun STATEMENT` runs the statement (`y = %time f()` evaluates `f()`);
- `%%time`, `%%timeit`, `%%capture` and `%%prun` cells run their body (once); `%%capture out` binds
  `out` to a stand-in holding no output (`out.stdout == ''`, `out.show()` does nothing); what
  `%timeit` and `%%timeit` bind stays theirs, as in IPython's timing function (a `%%timeit` cell that
  redefines a helper to time it leaves the notebook's helper alone);
- a `%%writefile [-a] NAME` cell (or `%%file`, its alias) writes (or appends) its body to NAME, a path inside the working
  directory (in the sandbox: the job's private folder, on `sys.path`), so that a later `import`
  or `%run NAME.py` finds it, as in Jupyter; its body is not run here, and a NAME outside that folder
  is not written;
- `%run [-i] [-n] NAME.py` runs that file of the folder and gives the notebook its names, as IPython does;
- every other magic, help request and shell command does nothing (`x = !cmd` gives `[]`),
  and the body of any other cell magic (`%%bash`, `%%html`, ...) is not run;
- a `get_ipython()` the student wrote is `None`, as in a script outside IPython.

A .py file that calls `get_ipython()` (a notebook exported as a script, `script`) is read the same way:
its `get_ipython().run_line_magic(...)`, `.system(...)` and `.run_cell_magic(...)` calls are the magics.

Each output line stands where its input line stood, so `cell 3, line 2` labels stay right.
"""
from __future__ import annotations

import ast
import difflib
import shlex
from functools import lru_cache
from pathlib import PurePosixPath

RUN_LINE = frozenset({"time", "timeit", "prun"})  # line magics whose argument is the code to run
RUN_BODY = frozenset({"time", "timeit", "capture", "prun"})  # cell magics whose body runs as Python
OWN_SCOPE = frozenset({"timeit"})  # ... in a function of IPython's: the names it binds are not the notebook's
WRITE_BODY = frozenset({"writefile", "file"})  # cell magics that write their body to a file (IPython's alias `file`)


@lru_cache(maxsize=1)
def _manager():
    from IPython.core.inputtransformer2 import TransformerManager  # the parent's import, not the sandbox's

    return TransformerManager()


def to_python(cell: str) -> list[str]:
    """The lines of plain Python that stand for the cell's lines (as many as the cell has)."""
    lines = cell.splitlines()
    lead = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    if lead:  # IPython drops leading blank lines: keep them here
        return lines[:lead] + to_python("\n".join(lines[lead:]))
    if not lines:
        return lines
    try:
        ast.parse(cell)
    except SyntaxError:
        pass  # IPython syntax (or a mistake): IPython's transformers decide
    else:  # plain Python already, which IPython's transformers leave as it is: skip their tokenizing
        return _fit(_plain(cell).splitlines(), len(lines))
    try:
        transformed = _manager().transform_cell(cell + "\n")
    except Exception:  # noqa: BLE001 - IPython gave up on it: the original text keeps its own syntax error
        return lines
    body = _cell_magic(transformed)
    if body is not None:
        name, args, text = body
        head = _capture_head(args) if name == "capture" else _writefile_head(name, args, text) if name in WRITE_BODY else None
        head = head or f"# %%{name} {args}".rstrip()
        if name in OWN_SCOPE:
            return [f"{_scoped(to_python(text))}  # %%{name} {args}",
                    *(f"# (run in the line above, in a scope of its own) {line}"[:200] for line in lines[1:])]
        if name in RUN_BODY:
            return [head, *_fit(to_python(text), len(lines) - 1)]
        return [head, *(f"# (not run) {line}"[:200] for line in lines[1:])]
    out = _plain(transformed).splitlines()
    return _fit(out if len(out) == len(lines) else _align(lines, out), len(lines))


def _capture_head(args: str) -> str:
    """`%%capture [options] [name]` binds `name` to the captured output: here a stand-in with none captured."""
    names = [a for a in args.split() if not a.startswith("-")]
    if not names or not names[0].isidentifier():
        return f"# %%capture {args}".rstrip()
    return (f"{names[0]} = __import__('types').SimpleNamespace(stdout='', stderr='', outputs=[], show=lambda: None)"
            f"  # %%capture {args}")


def _writefile_head(magic: str, args: str, body: str) -> str | None:
    """One line that writes `body` as `%%writefile [-a] NAME` would; None when the arguments are not IPython's.

    The arguments are read by IPython's own parser of that magic; IPython's quotes around NAME are dropped.
    A NAME that is absolute, starts with `~`, leaves the folder or holds `$`/`{` (IPython would expand
    variables in it, the loader cannot) is not written: the notebook then behaves as if the cell were absent.
    """
    from IPython.core.error import UsageError  # noqa: PLC0415 - the parent's import, as `_manager`'s
    from IPython.core.magic_arguments import parse_argstring  # noqa: PLC0415
    from IPython.core.magics.osm import OSMagics  # noqa: PLC0415

    try:
        parsed = parse_argstring(OSMagics.writefile, args)
    except (UsageError, ValueError):
        return None
    name = parsed.filename
    if len(name) >= 2 and name[0] == name[-1] and name[0] in "'\"":
        name = name[1:-1]
    if any(c in name for c in "${"):
        return f"# %%{magic} {args}  (not written: IPython would expand variables in the name, the grader cannot)"
    if _outside(name):
        return f"# %%{magic} {args}  (not written: the grader writes only files inside the submission's folder)"
    mode = "a" if parsed.append else "w"
    return (f"with open({name!r}, {mode!r}, encoding='utf-8') as _writefile: _writefile.write({body!r}); "
            f"del _writefile; __import__('importlib').invalidate_caches()  # %%{magic} {args}")


def _outside(name: str) -> bool:
    """Whether a file name a magic gives is not a file inside the submission's folder (or names none)."""
    return not name or name.startswith(("/", "~")) or ".." in PurePosixPath(name).parts or "\0" in name


def _run_file(args: str) -> str | None:
    """One line that runs a Python file as `%run [-i] [-n] NAME.py [ARGS]` does in IPython; None for another form.

    As IPython: the file runs as `__main__` (`-n`: not) in a namespace of its own, whose names then join the
    notebook's; with `-i` it runs in the notebook's namespace. NAME is a file of the submission's folder (a
    `%%writefile` cell's); a missing one raises FileNotFoundError in that cell. Other options (`-m`, `-d`,
    `-p`, ...) and other names are not run: the notebook then behaves as if the line were absent.
    """
    try:
        words = shlex.split(args)
    except ValueError:
        return None
    flags = set()
    while words and words[0].startswith("-"):
        flags.add(words.pop(0))
    if not words or not flags <= {"-i", "-n", "-e", "-t"}:
        return None
    name = words[0]
    if not name.endswith(".py") or any(c in name for c in "${") or _outside(name):
        return None
    if "-i" in flags:
        return f"exec(compile(open({name!r}, encoding='utf-8').read(), {name!r}, 'exec'), globals())  # %run {args}"
    run_name = "__main__" if "-n" not in flags else PurePosixPath(name).stem
    return (f"globals().update({{k: v for k, v in __import__('runpy').run_path({name!r}, run_name={run_name!r}).items() "
            f"if not k.startswith('__')}})  # %run {args}")


def _fit(lines: list[str], n: int) -> list[str]:
    """Exactly `n` lines: pad with blank lines, or cut blank ones at the end."""
    return lines[:n] + [""] * (n - len(lines))


def _align(before: list[str], after: list[str]) -> list[str]:
    """`after` with blank lines where a transformer joined or dropped lines, so each line keeps its number."""
    out: list[str] = []
    matcher = difflib.SequenceMatcher(a=before, b=after)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        block = after[j1:j2]
        out += block if tag == "equal" else block + [""] * max(0, (i2 - i1) - (j2 - j1))
    return out


def _cell_magic(code: str) -> tuple[str, str, str] | None:
    """(name, arguments, body) when the transformed cell is one `run_cell_magic` call."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Expr):
        return None
    call = _ipython_call(tree.body[0].value)
    if call is None or call[0] != "run_cell_magic" or len(call[1]) != 3:
        return None
    name, args, text = call[1]
    return name, args, text


def _ipython_call(node: ast.AST) -> tuple[str, list[str]] | None:
    """(method, constant string args) for `get_ipython().method('..', ...)`."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and _is_get_ipython(node.func.value)):
        return None
    args = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    return node.func.attr, args if len(args) == len(node.args) else []


def _is_get_ipython(node: ast.AST) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "get_ipython"
            and not node.args and not node.keywords)


def _plain(code: str) -> str:
    """Replace every `get_ipython()` use in transformed code by plain Python of the same line extent."""
    if "get_ipython" not in code:
        return code
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return code  # the student's own syntax error: the child reports it at its line
    edits: list[tuple[ast.AST, str]] = []
    taken: set[int] = set()
    for node in ast.walk(tree):
        if id(node) in taken:
            continue
        if isinstance(node, ast.Expr) and (stmt := _statement(node.value) or _cell_statement(node.value)) is not None:
            edits.append((node, stmt))
            taken.update(id(n) for n in ast.walk(node))
        elif (call := _ipython_call(node)) is not None:
            edits.append((node, _expression(*call)))
            taken.update(id(n) for n in ast.walk(node))
        elif _is_get_ipython(node):
            edits.append((node, "None"))
    return _apply(code, edits)


def _statement(node: ast.AST) -> str | None:
    """The code of `%time STATEMENT` used as a statement, when it is one line of Python; `%run FILE` as one line."""
    call = _ipython_call(node)
    if call is not None and call[0] == "run_line_magic" and len(call[1]) == 2 and call[1][0] == "run":
        return _run_file(call[1][1])
    if call is None or call[0] != "run_line_magic" or len(call[1]) != 2 or call[1][0] not in RUN_LINE:
        return None
    code = call[1][1].strip()
    try:
        ast.parse(code)
    except SyntaxError:
        return None
    if call[1][0] in OWN_SCOPE and code:
        return _scoped([code])
    return code if code and "\n" not in code else None


def _scoped(lines: list[str]) -> str:
    """One line that runs plain Python once where the names it binds stay its own, as IPython's %timeit and
    %%timeit run theirs in a timing function: the notebook's names are read, none is bound or replaced."""
    code = "\n".join(lines)
    return f"exec({code!r}, dict(globals()))"


def _cell_statement(node: ast.AST) -> str | None:
    """One line of plain Python for a `get_ipython().run_cell_magic(NAME, ARGS, BODY)` statement.

    Only a script exported from a notebook holds one (a notebook's magic cell is read by `to_python`, line
    by line): the cell is read as `to_python` reads it, but its body sits in one string, so a body that
    runs is made plain Python and run with `exec` in the module's namespace.
    """
    call = _ipython_call(node)
    if call is None or call[0] != "run_cell_magic" or len(call[1]) != 3:
        return None
    name, args, body = call[1]
    if name in WRITE_BODY:
        head = _writefile_head(name, args, body) or f"# %%{name} {args} (not written: not IPython's arguments)"
        return head if head.startswith("with ") else f"pass  {head}"
    if name not in RUN_BODY:
        return f"pass  # %%{name} {args} (not run)"
    if name in OWN_SCOPE:
        return f"{_scoped(to_python(body))}  # %%{name} {args}"
    code = "\n".join(to_python(body))  # the body is IPython syntax too
    run = f"exec({code!r}, globals())"
    bind = _capture_head(args) if name == "capture" else ""
    return f"{run}; {bind}" if not bind.startswith("#") and bind else f"{run}  # %%{name} {args}"


def script(code: str) -> str:
    """A .py file that calls `get_ipython()` for its magics, as plain Python with the same lines.

    `jupyter nbconvert --to script`, JupyterLab's and Colab's "Download as Python" write a notebook's
    magics as `get_ipython().run_line_magic(...)`, `.system(...)`, `.run_cell_magic(...)` calls, for
    `ipython file.py` to run; they are read here as the notebook's own magic lines are.
    """
    return _plain(code)


def _expression(method: str, args: list[str]) -> str:
    """Plain Python for a `get_ipython().method(...)` call used as a value."""
    if method == "run_line_magic" and len(args) == 2 and args[0] in RUN_LINE:
        try:
            ast.parse(args[1], mode="eval")
            return f"({args[1].strip()})" if "\n" not in args[1] else "None"
        except SyntaxError:
            return "None"
    return "[]" if method == "getoutput" else "None"


def _apply(code: str, edits: list[tuple[ast.AST, str]]) -> str:
    """Replace each node's source extent (AST offsets are UTF-8 bytes) by its text, keeping the line count."""
    lines = [line.encode() for line in code.splitlines()]
    for node, text in sorted(edits, key=lambda e: (e[0].lineno, e[0].col_offset), reverse=True):
        first, last = node.lineno - 1, node.end_lineno - 1  # type: ignore[attr-defined]
        head, tail = lines[first][: node.col_offset], lines[last][node.end_col_offset:]  # type: ignore[attr-defined]
        joined = head + text.encode() + tail
        lines[first: last + 1] = [joined] + [b""] * (last - first)
    return "\n".join(line.decode() for line in lines)
