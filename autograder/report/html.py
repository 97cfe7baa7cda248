"""HTML pages: the instructor's class page (self-contained, charts inlined) and one feedback page per student.

Templates live here as strings so that they install with the package; jinja2 autoescapes every
value, and student text (outputs, file names) only ever reaches a page as a value. Needs the
`report` extra (jinja2, matplotlib).
"""
from __future__ import annotations

import base64
import json
from pathlib import Path
from urllib.parse import quote

from jinja2 import Environment, StrictUndefined

from autograder.report import plots
from autograder.report.files import write_atomic
from autograder.report.instructor import (ClassSummary, Stage, Submission, full_marks, is_manual, load_results, question_of,
                                          question_scores, student_view, summarise)

CSS = """
body { font: 15px/1.45 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "DejaVu Sans", sans-serif; color: #1d232b;
       max-width: 1100px; margin: 24px auto; padding: 0 20px; background: #fff; }
h1 { font-size: 1.6em; margin: 0 0 4px; } h2 { font-size: 1.25em; margin-top: 1.8em; border-bottom: 1px solid #d8dde3; }
h3 { font-size: 1.05em; margin: 1.2em 0 .4em; }
.muted { color: #5b6672; } .small { font-size: .88em; }
.example { white-space: pre-wrap; word-break: break-word; }
table { border-collapse: collapse; margin: .5em 0 1em; }
th, td { padding: 4px 10px; border-bottom: 1px solid #e4e8ec; text-align: left; vertical-align: top; }
th { background: #f3f5f7; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; margin: 12px 0; }
.card { border: 1px solid #d8dde3; border-radius: 6px; padding: 8px 14px; min-width: 120px; }
.card b { display: block; font-size: 1.35em; }
img.chart { max-width: 100%; border: 1px solid #e4e8ec; border-radius: 4px; }
pre { white-space: pre-wrap; word-break: break-word; background: #f6f8fa; border: 1px solid #e4e8ec;
      border-radius: 4px; padding: 6px 8px; margin: 4px 0; font-size: .86em; max-height: 22em; overflow: auto; }
.ok { color: #1a7f37; } .bad { color: #c62828; } .warn { color: #9a6700; }
.pill { display: inline-block; padding: 0 7px; border-radius: 9px; font-size: .85em; background: #eef1f4; }
.pill.bad { background: #fde8e8; } .pill.ok { background: #e6f4ea; } .pill.warn { background: #fff4d6; }
details summary { cursor: pointer; color: #3b6ea8; }
a { color: #2f5f98; }
"""

CLASS_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}: class report</title><style>{{ css }}</style></head><body>
<h1>{{ title }}: class report</h1>
<p class="muted">{{ s.submissions|length }} submissions{% if assignment %} · assignment {{ assignment }}{% endif %}
{% if graded %} · graded {{ graded }}{% endif %}</p>
<div class="cards">
 <div class="card"><span class="muted small">mean total</span><b>{{ "%.2f"|format(s.mean_total) }} / {{ fmt(s.max_total) }}</b></div>
 <div class="card"><span class="muted small">median total</span><b>{{ fmt(s.median_total) }} / {{ fmt(s.max_total) }}</b></div>
 {% for status, n in s.status_counts().items() %}
 <div class="card"><span class="muted small">status {{ status }}</span><b class="{{ 'ok' if status == 'ok' else 'bad' }}">{{ n }}</b></div>
 {% endfor %}
</div>

<h2>Questions</h2>
<p class="muted small">Pass rate: the share of submissions with full marks on the question. Scores are automatic points only.</p>
<table><tr><th>question</th><th class="num">max</th><th class="num">mean</th><th class="num">median</th><th class="num">pass rate</th><th class="num">full marks</th></tr>
{% for q in s.stats %}<tr><td>{{ q.question }}</td><td class="num">{{ fmt(q.max_score) }}</td><td class="num">{{ "%.2f"|format(q.mean) }}</td>
<td class="num">{{ fmt(q.median) }}</td><td class="num">{{ "%.0f"|format(100 * q.pass_rate) }}%</td><td class="num">{{ q.passed }} / {{ q.n }}</td></tr>
{% endfor %}</table>

<h2>Charts</h2>
<p><img class="chart" alt="histogram of total scores" src="data:image/png;base64,{{ histogram }}"></p>
<p><img class="chart" alt="mean score and pass rate per question" src="data:image/png;base64,{{ per_question }}"></p>

<h2>Most common failures</h2>
<p class="muted small">Per question, messages that differ only in their numbers form one group; each shows one real
message of the group (from the first submission that got it); the count is the number of submissions.
Submissions that could not be loaded are listed below instead.</p>
{% for q in s.questions %}{% set groups = s.failures.get(q, []) %}
<h3>{{ q }}</h3>
{% if groups %}<table><tr><th class="num">submissions</th><th>message</th><th>tests</th></tr>
{% for g in groups %}<tr><td class="num">{{ g.count }}</td><td><span class="example">{{ g.example }}</span>
<details><summary class="small">who</summary><span class="small muted">{{ g.submissions|join(", ") }}</span></details></td>
<td class="small">{{ g.tests|join(", ") }}</td></tr>{% endfor %}</table>
{% else %}<p class="ok small">No failures.</p>{% endif %}
{% endfor %}

{% if unloaded %}<h3>Could not be loaded</h3>
<table><tr><th>submission</th><th>why</th></tr>
{% for stem, why in unloaded %}<tr><td>{{ stem }}</td><td><pre>{{ why }}</pre></td></tr>{% endfor %}</table>{% endif %}

{% if s.comparison is not none %}{% set c = s.comparison %}
<h2>Changes since the previous grading</h2>
<p>Changed: {{ c.changes|length }} · unchanged: {{ c.unchanged }} · current results produced by <code>rescore</code>: {{ c.rescored }}.
{% if c.only_before %}Only before: {{ c.only_before|join(", ") }}.{% endif %} {% if c.only_after %}Only now: {{ c.only_after|join(", ") }}.{% endif %}</p>
{% if c.changes %}<table><tr><th>submission</th><th class="num">before</th><th class="num">after</th><th class="num">change</th><th>questions (before → after)</th></tr>
{% for ch in c.changes %}<tr><td>{{ ch.stem }}</td><td class="num">{{ fmt(ch.before) }}</td><td class="num">{{ fmt(ch.after) }}</td>
<td class="num {{ 'ok' if ch.after > ch.before else 'bad' if ch.after < ch.before else '' }}">{{ "%+g"|format(ch.after - ch.before) }}</td>
<td class="small">{% for q, v in ch.questions.items() %}{{ q }}: {{ fmt(v[0]) }} → {{ fmt(v[1]) }}{% if not loop.last %}; {% endif %}{% else %}<span class="muted">totals only: per question with --compare OLD_GRADES_DIR</span>{% endfor %}</td></tr>{% endfor %}</table>{% endif %}
{% endif %}

<h2>Submissions</h2>
<table><tr><th>submission</th>{% for q in s.questions %}<th class="num">{{ q }}</th>{% endfor %}<th class="num">total</th><th>status</th></tr>
{% for row in rows %}<tr><td><a href="{{ row.href }}">{{ row.stem }}</a></td>
{% for v in row.cells %}<td class="num{{ '' if v[2] else ' bad' }}">{{ fmt(v[0]) }}</td>{% endfor %}
<td class="num"><b>{{ fmt(row.total) }}</b> / {{ fmt(row.max) }}</td>
<td><span class="pill {{ 'ok' if row.status == 'ok' else 'bad' }}">{{ row.status }}</span></td></tr>{% endfor %}</table>

{% if errors %}<h2>Grader errors and checks that raised (instructors only)</h2>
{% for stem, detail in errors %}<h3>{{ stem }}</h3><pre>{{ detail }}</pre>{% endfor %}{% endif %}
{% if s.problems %}<h2>Files skipped</h2><ul>{% for p in s.problems %}<li>{{ p }}</li>{% endfor %}</ul>{% endif %}
</body></html>
"""

STUDENT_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Feedback: {{ stem }}</title><style>{{ css }}</style></head><body>
<h1>Feedback{% if title %}: {{ title }}{% endif %}</h1>
<p class="muted">Submission <b>{{ stem }}</b>{% if graded %} · graded {{ graded }}{% endif %}</p>
<div class="cards">
 <div class="card"><span class="muted small">{{ 'score on the tests shown' if withheld else 'automatic score' }}</span>
 <b>{{ fmt(r.score) }} / {{ fmt(r.max_score) }}</b></div>
 {% for q, v in per_q %}<div class="card"><span class="muted small">{{ q }}</span><b class="{{ 'ok' if v[0] >= v[1] else 'bad' }}">{{ fmt(v[0]) }} / {{ fmt(v[1]) }}</b></div>{% endfor %}
</div>
{% if withheld %}<p class="warn">{{ withheld.tests }} further test{{ 's' if withheld.tests != 1 }} ({{ fmt(withheld.max_score) }} points) will be shown when they are released; your total is shown then.</p>{% endif %}
{% if previous is not none %}<p class="warn">Your results were recomputed{% if rescored %} (rescore){% endif %}: the total was {{ fmt(previous) }} and is now {{ fmt(r.score) }}.</p>{% endif %}
{% if r.output %}<h2>About your submission</h2><pre>{{ r.output }}</pre>{% endif %}
<h2>Tests</h2>
<table><tr><th></th><th>test</th><th class="num">points</th><th>feedback</th></tr>
{% for t in auto %}<tr><td class="{{ 'ok' if t.score >= t.max_score else 'bad' }}">{{ '✔' if t.score >= t.max_score else '✘' }}</td>
<td>{{ t.name }}</td><td class="num">{{ fmt(t.score) }} / {{ fmt(t.max_score) }}</td><td>{% if t.output %}<pre>{{ t.output }}</pre>{% endif %}</td></tr>{% endfor %}
</table>
{% if manual %}<h2>Graded by hand</h2><p class="muted small">These answers are read by a person; their points are added separately.</p>
<table><tr><th>item</th><th>your answer</th></tr>
{% for t in manual %}<tr><td>{{ t.name }}</td><td>{% if t.output %}<pre>{{ t.output }}</pre>{% endif %}</td></tr>{% endfor %}</table>{% endif %}
<p class="muted small">Hidden tests follow Gradescope's visibility: this page shows the tests released at stage “{{ stage }}”.</p>
</body></html>
"""


def fmt(x: float) -> str:
    """A score as people write it: 3, 2.5, 12.25, 0.33."""
    return f"{x:.2f}".rstrip("0").rstrip(".") if abs(x - round(x)) > 1e-9 else f"{round(x):d}"


def _env() -> Environment:
    """A fresh jinja2 environment: autoescape on, undefined names are errors."""
    env = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(fmt=fmt, css=CSS)
    return env


def student_href(stem: str) -> str:
    """The relative link from the class page to a student's page."""
    return "students/" + quote(f"{stem}.html")


def _meta(subs: list[Submission]) -> tuple[str, str]:
    """The assignment name and the span of grading dates, from the provenance."""
    provs = [s.results.extra_data.get("provenance", {}) for s in subs]
    names = sorted({p.get("assignment", "") for p in provs} - {""})
    dates = sorted(p.get("graded_at", "")[:10] for p in provs if p.get("graded_at"))
    span = "" if not dates else dates[0] if dates[0] == dates[-1] else f"{dates[0]} to {dates[-1]}"
    return ", ".join(names), span


def class_page(summary: ClassSummary, *, histogram: bytes, per_question: bytes, title: str = "") -> str:
    """The instructor's page: numbers, charts (inlined), common failures, changes, every submission."""
    rows = []
    for sub in summary.submissions:
        per_q = question_scores(sub.results)
        pairs = [per_q.get(q, (0.0, 0.0)) for q in summary.questions]
        cells = [(score, top, full_marks(score, top)) for score, top in pairs]
        rows.append({"stem": sub.stem, "href": student_href(sub.stem), "cells": cells, "total": sub.results.score,
                     "max": sub.results.max_score, "status": sub.status})
    errors = [(s.stem, "\n\n".join(f"{k}: {v}" for k, v in s.results.extra_data.get("grader_errors", {}).items()))
              for s in summary.submissions if s.results.extra_data.get("grader_errors")]
    unloaded = [(s.stem, s.results.output) for s in summary.submissions if s.status == "load_error"]
    assignment, graded = _meta(summary.submissions)
    return _env().from_string(CLASS_PAGE).render(
        s=summary, rows=rows, errors=errors, unloaded=unloaded, assignment=assignment, graded=graded, title=title or assignment or "Autograder",
        histogram=base64.b64encode(histogram).decode(), per_question=base64.b64encode(per_question).decode())


def student_page(sub: Submission, *, stage: Stage = Stage.PUBLISHED, previous_total: float | None = None, title: str = "") -> str:
    """One student's feedback: the tests released at `stage`, their points and outputs, hand-graded items."""
    view = student_view(sub.results, stage)
    withheld = view.extra_data.get("withheld")
    order = list(dict.fromkeys(question_of(t) for t in view.tests if t.max_score > 0 and not is_manual(t)))
    per_q = [(q, question_scores(view).get(q, (0.0, 0.0))) for q in order]
    assignment, graded = _meta([sub])
    return _env().from_string(STUDENT_PAGE).render(
        stem=sub.stem, r=view, withheld=withheld, per_q=per_q, graded=graded, title=title or assignment,
        auto=[t for t in view.tests if not is_manual(t)], manual=[t for t in view.tests if is_manual(t)],
        previous=None if withheld or previous_total is None else previous_total,
        rescored=sub.produced_by == "rescore", stage=stage.value)


def write_report(grades_dir: Path, out_dir: Path, *, previous_dir: Path | None = None, stage: Stage = Stage.PUBLISHED,
                 top: int = 5) -> ClassSummary:
    """Write `index.html` (self-contained), the two PNGs, `summary.json` and `students/<stem>.html` into `out_dir`."""
    subs, problems = load_results(grades_dir)
    if not subs:
        raise FileNotFoundError(f"no results files in {grades_dir}")
    previous = load_results(previous_dir)[0] if previous_dir is not None else None
    summary = summarise(subs, previous=previous, top=top, problems=problems)
    hist = plots.histogram_png(summary.totals, summary.max_total, mean=summary.mean_total, median=summary.median_total)
    perq = plots.questions_png(summary.stats)
    write_atomic(out_dir / "histogram.png", hist)
    write_atomic(out_dir / "questions.png", perq)
    write_atomic(out_dir / "summary.json", json.dumps(summary.as_dict(), indent=1))
    write_atomic(out_dir / "index.html", class_page(summary, histogram=hist, per_question=perq))
    before = {c.stem: c.before for c in summary.comparison.changes} if summary.comparison else {}
    for sub in subs:
        write_atomic(out_dir / "students" / f"{sub.stem}.html", student_page(sub, stage=stage, previous_total=before.get(sub.stem)))
    return summary
