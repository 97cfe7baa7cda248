"""Print the README's table of mistakes from a graded corpus: `python tests/corpus/mistakes_table.py GRADES_DIR`.

GRADES_DIR holds the results of `autograder grade tests/corpus/wrong --out GRADES_DIR`; each row is
one mistaken file: its `why` (from its .expected.json), its score with the questions that lost
points, and the message of its first failing test.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

WRONG = Path(__file__).resolve().parent / "wrong"


def _cell(text: str, limit: int) -> str:
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def rows(grades: Path) -> list[str]:
    out = []
    for expected in sorted(WRONG.glob("*.expected.json")):
        stem = expected.name.removesuffix(".expected.json")
        res = json.loads((grades / f"{stem}.json").read_text())
        lost = [t for t in res["tests"] if t["max_score"] > 0 and t["score"] < t["max_score"]]
        questions = sorted({t["extra_data"]["question"] for t in lost})
        why = json.loads(expected.read_text()).get("why", "")
        message = lost[0]["output"] if lost else ""
        out.append(f"| `{stem}` | {_cell(why, 110)} | {res['score']:g}/{res['max_score']:g} ({', '.join(questions)}) | {_cell(message, 220)} |")
    return out


if __name__ == "__main__":
    print("| file | the mistake | score (questions that lose points) | what the student is told |")
    print("|---|---|---|---|")
    print("\n".join(rows(Path(sys.argv[1]))))
