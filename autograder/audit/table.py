"""The audit's report: what was graded wrong, the seed statistics, as a pydantic model and a rich table."""
from __future__ import annotations

from collections import defaultdict

from pydantic import BaseModel, ConfigDict, computed_field
from rich.table import Table

from autograder.assignment import Assignment
from autograder.audit.run import Graded


class SeedRow(BaseModel):
    """One test over the rewrites re-graded under other seeds: stated vs observed false failures."""

    model_config = ConfigDict(frozen=True)
    test: str
    alpha: float | None  # the rubric's stated false-failure probability; None: a deterministic check
    gradings: int
    failures: int
    rate: float
    upper95: float  # one-sided 95% Clopper-Pearson upper bound on the true failure rate
    failing_variants: list[str]


class SeedReport(BaseModel):
    model_config = ConfigDict(frozen=True)
    seeds: list[int]
    gradings: int
    seconds: float
    rows: list[SeedRow]
    false_failures: list[Graded]


class Report(BaseModel):
    """Everything `autograder audit` found; `failed` decides the exit status."""

    model_config = ConfigDict(frozen=True)
    assignment: str
    isolation: str
    seconds: float
    rewrites: int
    mutants: int
    reference: Graded
    false_failures: list[Graded]
    missed: list[Graded]
    misattributed: list[Graded]
    blind_spots: list[Graded]
    results: list[Graded]
    seed_report: SeedReport | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def failed(self) -> bool:
        seeds = self.seed_report.false_failures if self.seed_report else []
        return bool(self.false_failures or self.missed or self.misattributed or seeds or self.reference.lost)


def build(a: Assignment, isolation: str, seconds: float, reference: Graded, graded: list[Graded],
          seed_report: SeedReport | None = None) -> Report:
    """Sort the graded variants into the report's lists (declared blind spots apart)."""
    plain = [g for g in graded if g.blind_spot is None]
    return Report(assignment=a.name, isolation=isolation, seconds=round(seconds, 3),
                  rewrites=sum(g.family == "rewrite" for g in graded), mutants=sum(g.family == "mutant" for g in graded),
                  reference=reference,
                  false_failures=[g for g in plain if g.verdict == "false_failure"],
                  missed=[g for g in plain if g.verdict == "missed"],
                  misattributed=[g for g in plain if g.verdict == "misattributed"],
                  blind_spots=[g for g in graded if g.blind_spot is not None], results=graded, seed_report=seed_report)


def seed_rows(a: Assignment, graded: list[Graded]) -> list[SeedRow]:
    """Per test of the rubric: how many of the re-gradings failed it, beside its stated alpha."""
    failing: dict[str, list[str]] = defaultdict(list)
    for g in graded:
        for t in g.lost:
            failing[t.key].append(f"{g.id}@{g.seed}")
    n = len(graded)
    return [SeedRow(test=t.key, alpha=t.args.get("alpha"), gradings=n, failures=len(failing[t.key]),
                    rate=len(failing[t.key]) / n if n else 0.0, upper95=_upper95(len(failing[t.key]), n),
                    failing_variants=failing[t.key])
            for t in a.tests if t.points > 0]


def _upper95(failures: int, n: int) -> float:
    """One-sided 95% Clopper-Pearson upper bound on a rate after `failures` in `n` trials."""
    from scipy import stats

    return 1.0 if failures >= n else float(stats.beta.ppf(0.95, failures + 1, n - failures))


def _short(text: str, limit: int = 180) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _rows(table: Table, label: str, items: list[Graded]) -> None:
    for g in items:
        change = f"{', '.join(g.expected) or 'none'} -> {', '.join(g.lost_questions) or 'none'}"
        if not g.lost:
            table.add_row(label, g.id, change, "-", _short(g.doc))
        for t in g.lost:
            first = t is g.lost[0]
            same = not first and t.message[:60] == g.lost[0].message[:60]
            table.add_row(label if first else "", g.id if first else "", change if first else "", t.key,
                          "(the same cause)" if same else _short(t.message))


def has_findings(r: Report) -> bool:
    return bool(r.reference.lost or r.false_failures or r.missed or r.misattributed or r.blind_spots
                or (r.seed_report and r.seed_report.false_failures))


def wrong_table(r: Report) -> Table:
    """The variants graded wrong (and the declared blind spots), each failing test with its message."""
    table = Table(title=f"audit {r.assignment}: {r.rewrites} rewrites, {r.mutants} mutants graded in {r.seconds:.1f} s "
                        f"({r.isolation})", expand=True)
    for col, width in (("finding", 16), ("variant", 34), ("must lose -> lost", 12), ("test", 22)):
        table.add_column(col, overflow="fold", max_width=width)
    table.add_column("message (or the reason)", overflow="fold", ratio=1)
    if r.reference.lost:
        _rows(table, "reference lost points", [r.reference])
    _rows(table, "false failure", r.false_failures)
    _rows(table, "missed", r.missed)
    _rows(table, "misattributed", r.misattributed)
    for g in r.blind_spots:
        state = "blind spot now caught: drop its declaration" if g.verdict == "ok" else "known blind spot"
        change = f"{', '.join(g.expected)} -> {', '.join(g.lost_questions) or 'none'}"
        table.add_row(state, g.id, change, "-", _short(g.blind_spot or "", 400))
    if r.seed_report:
        _rows(table, "false failure (other seed)", r.seed_report.false_failures)
    return table


def coverage_table(r: Report, questions: list[str]) -> Table:
    """Per question: the mutants aimed at it caught exactly there, the rewrites that touch it kept whole."""
    table = Table(title=f"audit {r.assignment}: per question")
    for col in ("question", "mutants caught there / declared", "rewrites with full marks there / all"):
        table.add_column(col, justify="right" if col != "question" else "left")
    rewrites = [g for g in r.results if g.family == "rewrite"]
    for q in questions:
        aimed = [g for g in r.results if g.family == "mutant" and q in g.expected]
        caught = sum(g.verdict == "ok" for g in aimed)
        whole = sum(q not in g.lost_questions for g in rewrites)
        table.add_row(q, f"{caught}/{len(aimed)}", f"{whole}/{len(rewrites)}")
    return table


def seed_table(s: SeedReport) -> Table:
    table = Table(title=f"rewrites re-graded under {len(s.seeds)} other seeds: {s.gradings} gradings in {s.seconds:.1f} s")
    for col in ("test", "stated alpha", "failures", "rate", "95% upper bound"):
        table.add_column(col, justify="right" if col != "test" else "left")
    for row in s.rows:
        alpha = "exact" if row.alpha is None else f"{row.alpha:g}"
        table.add_row(row.test, alpha, f"{row.failures}/{row.gradings}", f"{row.rate:.3g}", f"{row.upper95:.3g}")
    return table


def summary(r: Report) -> str:
    seeds = f", {len(r.seed_report.false_failures)} false failures under other seeds" if r.seed_report else ""
    return (f"{r.rewrites} rewrites: {len(r.false_failures)} false failures; {r.mutants} mutants: {len(r.missed)} missed, "
            f"{len(r.misattributed)} misattributed; {len(r.blind_spots)} declared blind spots{seeds}; "
            f"{r.seconds:.1f} s")
