"""The report's two charts as PNG bytes (matplotlib's Agg canvas; pyplot and its global state are not used)."""
from __future__ import annotations

import io
import math

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from autograder.report.instructor import QuestionStats

BLUE, ORANGE, GREY = "#3b6ea8", "#e08a2c", "#555555"


def _png(fig: Figure) -> bytes:
    """Render on an Agg canvas of its own."""
    buf = io.BytesIO()
    FigureCanvasAgg(fig).print_png(buf)
    return buf.getvalue()


def histogram_png(totals: list[float], max_total: float, *, mean: float, median: float) -> bytes:
    """Histogram of total scores, one bar per point (wider bins past 40 points), mean and median marked."""
    fig = Figure(figsize=(7.5, 3.6), dpi=110, layout="constrained")
    ax = fig.add_subplot()
    top = max(max_total, max(totals, default=0.0), 1.0)
    width = 1.0 if top <= 40 else math.ceil(top / 40)
    edges = [i * width - width / 2 for i in range(int(math.ceil(top / width)) + 2)]
    ax.hist(totals, bins=edges, color=BLUE, edgecolor="white")
    if totals:
        ax.axvline(mean, color=ORANGE, linewidth=2, label=f"mean {mean:.1f}")
        ax.axvline(median, color=GREY, linewidth=2, linestyle="--", label=f"median {median:g}")
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2, frameon=False)
    ax.set_xlim(-width, top + width)
    ax.set_xlabel(f"total score (out of {max_total:g})")
    ax.set_ylabel("submissions")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_title(f"Total scores of {len(totals)} submissions", loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def questions_png(stats: list[QuestionStats]) -> bytes:
    """Per question: mean score as % of the maximum, and pass rate (full marks), side by side."""
    fig = Figure(figsize=(7.5, 0.5 + 0.55 * max(len(stats), 1) + 0.9), dpi=110, layout="constrained")
    ax = fig.add_subplot()
    names = [s.question for s in stats][::-1]
    means = [100 * s.mean / s.max_score if s.max_score else 0.0 for s in stats][::-1]
    rates = [100 * s.pass_rate for s in stats][::-1]
    ys = range(len(names))
    h = 0.38
    bars_m = ax.barh([y + h / 2 for y in ys], means, height=h, color=BLUE, label="mean score (% of max)")
    bars_p = ax.barh([y - h / 2 for y in ys], rates, height=h, color=ORANGE, label="pass rate (% with full marks)")
    for bars in (bars_m, bars_p):
        ax.bar_label(bars, fmt="%.0f%%", padding=3, fontsize=8)
    ax.set_yticks(list(ys), names)
    ax.set_xlim(0, 112)
    ax.set_xlabel("%")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)
