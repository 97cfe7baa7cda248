"""The adapter to otter-grader: otter's zip and `grader.check` report the native grader's verdicts.

- `plugin.NativeGrader`: the otter plugin in the autograder zip; grading runs `python -m autograder
  grade` in its own process and otter only reports its verdicts.
- `native`: runs that process with a deadline and validates what it wrote.
- `verdicts`: `require_passed(env, key)`, the one line of every generated otter test case.
- `results`: native results -> otter's per-question test files, in the grading process.
- `student`: a student's `grader.check(...)`: `autograder check` on the saved notebook.
"""
