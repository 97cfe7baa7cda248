"""Grading where instructors and students are: ordinary users, two at once, and root without namespaces.

Run as root, these tests create unprivileged users (`agtest1`..`agtest3`) and one virtualenv they
can read (from /usr/bin/python3, torch 2.13.0 CPU first, then this checkout editable with its
`report` extra), cached
under /var/tmp across sessions. The users run the real `autograder grade` and `autograder check`:
at the rootless `userns` level every correct corpus file gets full marks and every mistaken one
its exact verdict, the hostile corpus holds, and two users grade at the same time. The same venv,
whose Python every uid can read, stands in for a Gradescope container: root, no namespaces.

Representative subset (to keep the suite well under 15 min on 2 cores): the whole correct and
mistaken corpus once (user 1 the correct files, user 2 the mistaken ones, concurrently), the
hostile corpus once, and the `uid` level on the correct .py files only.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import pwd
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from autograder import api
from autograder.report.results import GradescopeResults
from autograder.sandbox import procs
from conftest import CORPUS, ROOT
from test_sandbox_hostile import FAST, HOSTILE, expected, honest_problems, problems, stems

pytestmark = [pytest.mark.skipif(os.geteuid() != 0, reason="creating users and switching to them needs root"),
              pytest.mark.xdist_group("hosts")]  # one worker builds the users' venv and runs them all (needs pytest < 9.2: pytest-xdist#1386)

USERS = ("agtest1", "agtest2", "agtest3")
# Attacks that only the root levels stop, and why (empty: every attack that holds at bwrap holds at userns).
ROOT_ONLY: dict[str, str] = {}


def _sh(*cmd: str, timeout: float = 1800) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, preexec_fn=lambda: os.umask(0o022))


@pytest.fixture(scope="session")
def venv() -> Path:
    """A venv every uid can read, made once per checkout (cached under /var/tmp; reinstalled when pyproject changes)."""
    path = Path(f"/var/tmp/autograder-user-venv-{hashlib.sha256(str(ROOT).encode()).hexdigest()[:10]}")
    extras = "[report]"  # matplotlib: corpus notebooks plot, as students' do
    project = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    pip = str(path / "bin" / "pip")
    with open("/var/tmp/autograder-user-venv.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two test sessions at once build it once
        stamp = path / ".ready"
        steps = []
        if not stamp.exists():
            shutil.rmtree(path, ignore_errors=True)
            steps = [["/usr/bin/python3", "-m", "venv", str(path)], [pip, "install", "-q", "torch==2.13.0"]]  # CPU build first
        if not stamp.exists() or stamp.read_text() != project:
            steps.append([pip, "install", "-q", "-e", f"{ROOT}{extras}"])
        for cmd in steps:
            done = _sh(*cmd)
            if done.returncode != 0:
                pytest.skip(f"could not build the test users' venv ({' '.join(cmd)}): {done.stderr[-500:]}")
        if steps:
            _sh("chmod", "-R", "a+rX", str(path))
            stamp.write_text(project)
    return path


@pytest.fixture(scope="session")
def users(venv) -> list[str]:
    if not shutil.which("useradd") or not shutil.which("runuser"):
        pytest.skip("useradd/runuser are not installed")
    for name in USERS:
        try:
            pwd.getpwnam(name)
        except KeyError:
            done = _sh("useradd", "-m", "-s", "/bin/bash", name)
            if done.returncode != 0:
                pytest.skip(f"cannot create user {name}: {done.stderr.strip()}")
    if as_user(USERS[0], "test", "-r", str(ROOT / "autograder" / "__init__.py")).returncode != 0:
        pytest.skip(f"{ROOT} is not readable by other users (the editable install lives there)")
    return list(USERS)


def as_user(user: str, *cmd: str, timeout: float = 900, popen: bool = False, env: dict | None = None):
    home = pwd.getpwnam(user).pw_dir
    full = ["runuser", "-u", user, "--", "env", "-i", f"HOME={home}", "PATH=/usr/bin:/bin", "LANG=C.UTF-8",
            *[f"{k}={v}" for k, v in (env or {}).items()], *cmd]
    if popen:
        return subprocess.Popen(full, cwd=home, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return subprocess.run(full, cwd=home, capture_output=True, text=True, timeout=timeout)


def user_folder(user: str, files: list[Path], honest_after: list[str] = ()) -> Path:
    """A folder in the user's home holding `files` (owned by the user)."""
    pw = pwd.getpwnam(user)
    folder = Path(pw.pw_dir) / f"ag-{uuid.uuid4().hex[:8]}"
    (folder / "sub").mkdir(parents=True)
    for f in files:
        shutil.copy(f, folder / "sub" / f"{f.parent.name}__{f.name}" if f.parent.parent == CORPUS else folder / "sub" / f.name)
    for stem in honest_after:
        shutil.copy(ROOT / "solutions" / "sheet03.py", folder / "sub" / f"{stem}__honest.py")
    _sh("chown", "-R", f"{pw.pw_uid}:{pw.pw_gid}", str(folder))
    return folder


def corpus(kind: str) -> list[Path]:
    return sorted(p for p in (CORPUS / kind).iterdir() if p.suffix in (".py", ".ipynb"))


def wrong_verdicts(out: Path, files: list[Path], level: str) -> dict:
    """Every corpus file whose graded verdict differs from its expected.json (or was a grader error)."""
    wrong = {}
    for path in files:
        res = json.loads((out / f"{path.parent.name}__{path.stem}.json").read_text())
        failing = sorted(t["extra_data"]["key"] for t in res["tests"] if t["max_score"] > 0 and t["score"] < t["max_score"])
        errors = [t["name"] for t in res["tests"] if t.get("extra_data", {}).get("outcome") == "grader_error"]
        want = sorted(json.loads(path.with_name(path.stem + ".expected.json").read_text())["failing"])
        isolation = res["extra_data"]["provenance"]["isolation"]
        if failing != want or errors or isolation != level:
            wrong[f"{path.parent.name}/{path.name}"] = (failing, errors, isolation)
    return wrong


def grade_cmd(venv: Path, folder: Path, *extra: str) -> list[str]:
    return [str(venv / "bin" / "autograder"), "grade", str(folder / "sub"), "--out", str(folder / "out"), "--jobs", "2",
            "--force", *extra]


def test_an_ordinary_user_gets_the_rootless_level(users, venv):
    done = as_user(users[0], str(venv / "bin" / "python"), "-c",
                   "from autograder.sandbox.isolation import available, offered, refusals; "
                   "print(available().value, [l.value for l in offered()], refusals())")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[0] == "userns", done.stdout


@pytest.mark.slow
def test_two_users_grade_the_corpus_at_once_with_the_exact_verdicts(users, venv):
    correct, wrong = corpus("correct"), corpus("wrong")
    folders = [user_folder(users[0], correct), user_folder(users[1], wrong)]
    try:
        running = [as_user(u, *grade_cmd(venv, f), popen=True) for u, f in zip(users, folders)]
        outputs = [p.communicate(timeout=1200) for p in running]
        for p, (_, err) in zip(running, outputs):
            assert p.returncode == 0, err[-2000:]
            assert "isolation: userns" in err
        assert wrong_verdicts(folders[0] / "out", correct, "userns") == {}
        assert wrong_verdicts(folders[1] / "out", wrong, "userns") == {}
    finally:
        for f in folders:
            shutil.rmtree(f, ignore_errors=True)


@pytest.mark.slow
def test_an_ordinary_user_checks_their_work(users, venv):
    folder = user_folder(users[1], [ROOT / "solutions" / "sheet03.py", CORPUS / "wrong" / "model2_detach_h.py"])
    try:
        good = as_user(users[1], str(venv / "bin" / "autograder"), "check", str(folder / "sub" / "sheet03.py"))
        assert good.returncode == 0, good.stdout + good.stderr
        assert "public tests pass" in good.stdout
        bad = as_user(users[1], str(venv / "bin" / "autograder"), "check", str(folder / "sub" / "wrong__model2_detach_h.py"))
        assert bad.returncode == 1, bad.stdout + bad.stderr
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.slow
def test_a_squatted_slot_directory_does_not_lock_a_user_out(users, venv):
    """Another user created /tmp/autograder-<uid>-slots first: the grader takes a private directory instead."""
    user = users[2]
    uid = pwd.getpwnam(user).pw_uid
    squat = Path(f"/tmp/autograder-{uid}-slots")
    shutil.rmtree(squat, ignore_errors=True)
    squat.mkdir(mode=0o777)
    squat.chmod(0o777)
    try:
        done = as_user(user, str(venv / "bin" / "python"), "-c",
                       "from autograder.sandbox import slots; s = slots.claim(); print(slots.directory())")
        assert done.returncode == 0, done.stderr
        used = Path(done.stdout.strip())
        assert used != squat and used.stat().st_uid == uid and used.stat().st_mode & 0o077 == 0
        assert list(squat.iterdir()) == []
    finally:
        shutil.rmtree(squat, ignore_errors=True)


@pytest.mark.slow
def test_the_hostile_corpus_holds_at_the_rootless_level(users, venv):
    user = users[0]
    names = [s for s in stems("bwrap") if s not in ROOT_ONLY]
    folder = user_folder(user, [HOSTILE / f"{s}.py" for s in names], honest_after=names)
    try:
        limits = ("--memory-mb", str(FAST.memory_mb), "--question-timeout", str(FAST.question_seconds),
                  "--timeout", str(FAST.submission_seconds))  # the bwrap batch's: its verdicts are the expected ones
        done = as_user(user, *grade_cmd(venv, folder, *limits), env={"AUTOGRADER_TEST_SECRET": "s3cr3t-token-of-the-grader"},
                       timeout=1200)
        assert done.returncode == 0, done.stderr[-2000:]
        out = folder / "out"
        graded = {p.stem: api.Graded(path=p, stem=p.stem, results=GradescopeResults.model_validate_json(p.read_text()))
                  for p in out.glob("*.json")}
        wrong = {s: problems(graded[s], out, expected(s)) for s in names}
        assert {s: p for s, p in wrong.items() if p} == {}
        batch = api.BatchResult(graded=list(graded.values()), isolation="userns")
        assert honest_problems(batch) == {}
        assert {g.results.provenance().isolation for g in graded.values()} == {"userns"}
        assert procs.of_uid(pwd.getpwnam(user).pw_uid) == []  # nothing of the batch survives it
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.slow
def test_root_without_namespaces_grades_right_where_python_is_readable(venv):
    """Gradescope-like: root, bubblewrap refused, an interpreter every uid can read: the `uid` level, full marks."""
    correct = [p for p in corpus("correct") if p.suffix == ".py"]
    folder = Path(f"/var/tmp/ag-uid-{uuid.uuid4().hex[:8]}")
    (folder / "sub").mkdir(parents=True)
    for p in correct:
        shutil.copy(p, folder / "sub" / f"{p.parent.name}__{p.name}")
    try:
        done = _sh(*grade_cmd(venv, folder, "--isolation", "uid"), timeout=1200)
        assert done.returncode == 0, done.stderr[-2000:]
        assert wrong_verdicts(folder / "out", correct, "uid") == {}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.slow
def test_gradescope_like_root_without_bubblewrap_and_python_under_a_0700_home(tmp_path):
    """Root, no bubblewrap, this checkout's Python (under /root here): the level it gets is said, and grades right."""
    import sys

    from autograder.sandbox.isolation import unreadable_by_others

    correct = corpus("correct")
    (tmp_path / "sub").mkdir()
    for p in correct:
        shutil.copy(p, tmp_path / "sub" / f"{p.parent.name}__{p.name}")
    empty_path = tmp_path / "no-bwrap-here"
    empty_path.mkdir()
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(tmp_path / "sub"), "--out", str(tmp_path / "out"),
                           "--jobs", "2"], capture_output=True, text=True, timeout=1200,
                          env={"PATH": str(empty_path), "LANG": "C.UTF-8", "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr[-2000:]
    level = "process" if unreadable_by_others() else "uid"
    text = " ".join(done.stderr.split())  # rich wraps the lines
    assert f"isolation: {level}" in text
    assert "level 'bwrap' refused: bubblewrap is not installed" in text
    if level == "process":
        assert f"level 'uid' refused: the sandbox uid cannot read {unreadable_by_others()}" in text
    assert wrong_verdicts(tmp_path / "out", correct, level) == {}
