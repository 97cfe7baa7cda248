"""`python -m autograder.authoring sync [--check]` | `build [NAME] [--out DIR]`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from autograder.assignment import AssignmentError
from autograder.authoring import build_assignment, sync
from autograder.authoring.source import SourceError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.authoring")
    sub = parser.add_subparsers(dest="command", required=True)
    p_sync = sub.add_parser("sync", help="rewrite solutions/ and student_templates/ from the assignment's source")
    p_sync.add_argument("name", nargs="?", default=None, help="default: the assignments folder's default")
    p_sync.add_argument("--check", action="store_true", help="only report stale files (exit 1 if any)")
    p_build = sub.add_parser("build", help="build the student folder and the otter autograder zip")
    p_build.add_argument("name", nargs="?", default=None, help="default: the assignments folder's default")
    p_build.add_argument("--out", type=Path, default=Path("dist"))
    args = parser.parse_args(argv)
    try:
        if args.command == "sync":
            stale = sync(args.name, check=args.check)
            verb = "stale" if args.check else "rewritten"
            print(f"{len(stale)} file(s) {verb}" + "".join(f"\n  {s}" for s in stale))
            return 1 if args.check and stale else 0
        base = build_assignment(args.name, args.out)
        for path in sorted(p for p in base.rglob("*") if p.is_file()):
            print(path)
        return 0
    except (SourceError, FileNotFoundError, AssignmentError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
