"""What loading costs the grader's own process: time and peak memory of `load.parse` on large inputs.

    .venv/bin/python benchmarks/bench_load.py

Cases: a 30 MB notebook of plot outputs around 20 KB of code, a notebook of IPython syntax
(help, magics, cell magics, shell commands), 5.2 M blank lines in a .py file and at the end of a
notebook cell, and a notebook nested 100 000 deep. Each is parsed 3 times for the median time, then once more under tracemalloc for the peak of
Python allocations.
"""
from __future__ import annotations

import json
import statistics
import time
import tracemalloc
from pathlib import Path

from autograder import load

ROOT = Path(__file__).resolve().parent.parent


def _nb(sources: list[str], outputs: list | None = None) -> bytes:
    cells = [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": outputs or [], "source": s} for s in sources]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}).encode()


def cases() -> dict[str, tuple[str, bytes]]:
    solution = (ROOT / "solutions" / "sheet03.py").read_text()
    plot = {"output_type": "display_data", "metadata": {}, "data": {"image/png": "A" * (3 << 20)}}
    magics = ["%matplotlib inline\nimport torch\ntorch.randn?\n!pip install torch", "%%time\n" + solution,
              "%%writefile notes.py\nprint(1)", "files = !ls\n%time t = 1\nModel1??"]
    return {
        "30 MB of plots, 20 KB code": ("plots.ipynb", _nb(["x = 1  # padding\n" * 1200] * 10, [plot])),
        "IPython syntax around the solution": ("magics.ipynb", _nb(magics)),
        "5.2 M blank lines, .py": ("blank.py", (solution + "\n" * 5_200_000).encode()),
        "5.2 M blank lines, notebook cell": ("blank.ipynb", _nb([solution + "\n" * 5_200_000])),
        "nested 100 000 deep": ("deep.ipynb", b"[" * 100_000 + b"]" * 100_000),
    }


def measure(name: str, data: bytes) -> tuple[float, int, str]:
    times = []
    for _ in range(3):
        start = time.perf_counter()
        res = load.parse(Path(name), data)
        times.append(time.perf_counter() - start)
    tracemalloc.start()  # apart: tracing slows allocation-heavy code (IPython's tokenizer) several times
    load.parse(Path(name), data)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    kind = f"{len(res.labels)} labels" if isinstance(res, load.Source) else f"refused: {res.message[:60]}"
    return statistics.median(times), peak, kind


def main() -> None:
    load.parse(Path("warm.ipynb"), _nb(["x?"]))  # imports IPython's transformers once
    print(f"{'case':38} {'size':>9} {'median':>8} {'peak':>9}  result")
    for label, (name, data) in cases().items():
        seconds, peak, kind = measure(name, data)
        print(f"{label:38} {len(data) / 1e6:7.1f}MB {seconds:7.2f}s {peak / 1e6:7.1f}MB  {kind}")


if __name__ == "__main__":
    main()
