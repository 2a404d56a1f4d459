"""`autograder collect ROSTER --out SUBMISSIONS [--deadline TIME]`: each student's repository, as it
was at its last commit before the deadline, ready for `autograder grade-batch SUBMISSIONS`.

The roster is a CSV with a header: `student` (the folder name) and `repository` (anything `git clone`
takes: an HTTPS or SSH URL, a local path), optionally `branch` (default: the repository's default
branch). Each repository is kept as a bare clone in `SUBMISSIONS/.collect/<student>.git`, fetched
again on later runs, and the files of the chosen commit replace `SUBMISSIONS/<student>/`.
`SUBMISSIONS/collected.csv` records each student's commit and date, or the one error that stopped
that student: one student's failure never stops the others.

Credentials never appear in the roster, on a command line or in the record: for HTTPS, git asks
for a password through GIT_ASKPASS and gets the read-only token in `$AUTOGRADER_GIT_TOKEN`; SSH uses
the keys the environment provides. A repository URL with a password in it is refused.
Commit dates are git's committer dates, which whoever commits can set: run collect at the deadline
(the instructor workflow's schedule) and later pushes are not there to be chosen.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import stat
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from autograder.errors import KitError

TOKEN_VARIABLE = "AUTOGRADER_GIT_TOKEN"
GIT_TIMEOUT_S = 600
SAFE_NAME = re.compile(r"^[^\W_][\w.@-]*$")  # a folder name grade-batch will take: no slashes, no leading dot
RECORD_FIELDS = ("student", "repository", "branch", "status", "commit", "committed", "error")
ASKPASS = (
    '#!/bin/sh\ncase "$1" in\n  Username*) echo x-access-token ;;\n  *) printf "%s\\n" '
    '"$AUTOGRADER_GIT_TOKEN" ;;\nesac\n'
)


class CollectError(Exception):
    """What stopped one student's collection; the message is safe to print and record."""


@dataclass(frozen=True)
class RosterEntry:
    student: str
    repository: str
    branch: str | None = None


@dataclass
class Collected:
    """One student's outcome: the commit taken, or the error."""

    student: str
    repository: str
    branch: str = ""
    status: str = "error"
    commit: str = ""
    committed: str = ""
    error: str = ""


@dataclass
class Report:
    rows: list[Collected] = field(default_factory=list)
    record: Path | None = None

    @property
    def collected(self) -> int:
        return sum(row.status == "collected" for row in self.rows)

    @property
    def failed(self) -> int:
        return len(self.rows) - self.collected


def parse_deadline(text: str | None) -> datetime:
    """An ISO 8601 time (a time without a zone is UTC); now when None."""
    if text is None or not text.strip():
        return datetime.now(timezone.utc)
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise KitError(f"--deadline {text!r}: give an ISO 8601 time such as 2026-11-30T23:59+08:00") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def read_roster(path: Path) -> list[RosterEntry]:
    """The roster's rows; KitError when the file or its `student`/`repository` columns are missing."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise KitError(f"roster {path}: {exc.strerror}") from None
    reader = csv.DictReader(io.StringIO(text))
    columns = {name.strip().lower(): name for name in reader.fieldnames or []}
    if "student" not in columns or "repository" not in columns:
        raise KitError(
            f"roster {path}: needs a header with the columns student and repository (and optionally branch)"
        )
    entries = []
    for row in reader:
        student = (row.get(columns["student"]) or "").strip()
        repository = (row.get(columns["repository"]) or "").strip()
        branch = (row.get(columns["branch"]) or "").strip() if "branch" in columns else ""
        if student or repository:
            entries.append(RosterEntry(student, repository, branch or None))
    return entries


def _git(args: list[str], env: dict[str, str], cwd: Path | None = None) -> str:
    token = env.get(TOKEN_VARIABLE)
    try:
        run = subprocess.run(
            ["git", *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT_S,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        raise CollectError(f"git {args[0]} took longer than {GIT_TIMEOUT_S} s") from None
    if run.returncode != 0:
        message = (run.stderr.strip().splitlines() or [f"git {args[0]} failed"])[-1]
        raise CollectError(message.replace(token, "***") if token else message)
    return run.stdout


def _check(entry: RosterEntry, seen: set[str]) -> None:
    if not SAFE_NAME.match(entry.student):
        raise CollectError("the student name must be a plain folder name (letters, digits, . _ - @)")
    if entry.student in seen:
        raise CollectError("this student appears twice in the roster")
    if not entry.repository:
        raise CollectError("no repository given")
    if urlsplit(entry.repository).password:
        raise CollectError(
            f"the repository URL holds a password: remove it and give a read-only token in ${TOKEN_VARIABLE}"
        )


def _mirror(entry: RosterEntry, cache: Path, env: dict[str, str]) -> Path:
    """The student's bare clone, made or brought up to date."""
    bare = cache / f"{entry.student}.git"
    if bare.is_dir():
        _git(["remote", "set-url", "origin", entry.repository], env, cwd=bare)
        _git(
            ["fetch", "--quiet", "--prune", "--force", "origin", "+refs/heads/*:refs/heads/*"], env, cwd=bare
        )
    else:
        partial = cache / f".{entry.student}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        _git(["clone", "--quiet", "--bare", "--no-tags", "--", entry.repository, str(partial)], env)
        partial.rename(bare)
    return bare


def _commit_before(
    bare: Path, branch: str | None, deadline: datetime, env: dict[str, str]
) -> tuple[str, str, str]:
    """(branch, commit, committer date) of the last commit on the branch's first-parent line before the
    deadline."""
    if branch is None:
        branch = _git(["symbolic-ref", "--short", "HEAD"], env, cwd=bare).strip()
    try:
        log = _git(
            ["log", "--first-parent", "--format=%H %ct %cI", f"refs/heads/{branch}", "--"], env, cwd=bare
        )
    except CollectError:
        raise CollectError(f"no branch {branch!r} with commits") from None
    limit = deadline.timestamp()
    for line in log.splitlines():
        commit, seconds, iso = line.split(" ", 2)
        if int(seconds) <= limit:
            return branch, commit, iso
    raise CollectError(f"no commit on {branch} before {deadline.isoformat()}")


def _export(bare: Path, commit: str, target: Path, env: dict[str, str]) -> None:
    """Replace `target` with the commit's files (regular files and folders; links are left out)."""
    partial = target.with_name(f".{target.name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    with subprocess.Popen(
        ["git", "archive", "--format=tar", commit],
        cwd=bare,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as archive:
        with tarfile.open(fileobj=archive.stdout, mode="r|") as tar:
            for member in tar:
                if member.isfile() or member.isdir():
                    tar.extract(member, partial, filter="data")
        assert archive.stderr is not None  # stderr=PIPE
        error = archive.stderr.read().decode(errors="replace").strip()
    if archive.returncode != 0:
        shutil.rmtree(partial, ignore_errors=True)
        raise CollectError(f"git archive failed: {error[-200:]}")
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)


def _git_environment(scratch: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "GIT_TERMINAL_PROMPT": "0",
        "GCM_INTERACTIVE": "never",
        "GIT_ALLOW_PROTOCOL": "https:http:ssh:git:file",
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    if env.get(TOKEN_VARIABLE):
        # no credential helper may store the token (an empty value clears the configured list)
        env.update(GIT_CONFIG_COUNT="1", GIT_CONFIG_KEY_0="credential.helper", GIT_CONFIG_VALUE_0="")
        askpass = scratch / "askpass.sh"
        askpass.write_text(ASKPASS)
        askpass.chmod(stat.S_IRWXU)
        env["GIT_ASKPASS"] = str(askpass)
    return env


def _record(path: Path, rows: list[Collected]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(RECORD_FIELDS)
    for row in rows:
        writer.writerow([_cell(getattr(row, name)) for name in RECORD_FIELDS])
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(buffer.getvalue(), encoding="utf-8")
    os.replace(partial, path)


def _cell(value: str) -> str:
    """A CSV cell a spreadsheet shows as text, never runs as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def collect(roster: Path, out: Path, deadline: datetime) -> Report:
    """Collect every roster entry into `out`; the report of what each student's folder now holds."""
    entries = read_roster(roster)
    cache = out / ".collect"
    cache.mkdir(parents=True, exist_ok=True)
    record = out / "collected.csv"
    report, seen = Report(record=record), set[str]()
    with tempfile.TemporaryDirectory(prefix="autograder-collect-") as scratch:
        env = _git_environment(Path(scratch))
        for entry in entries:
            row, checked = Collected(entry.student, entry.repository, entry.branch or ""), False
            try:
                _check(entry, seen)
                seen.add(entry.student)
                checked = True
                bare = _mirror(entry, cache, env)
                row.branch, row.commit, row.committed = _commit_before(bare, entry.branch, deadline, env)
                _export(bare, row.commit, out / entry.student, env)
                row.status = "collected"
            except CollectError as exc:
                row.error = str(exc)
                if checked:  # never leave an earlier collection to be graded as if it were this one
                    shutil.rmtree(out / entry.student, ignore_errors=True)
            report.rows.append(row)
    _record(record, report.rows)
    return report
