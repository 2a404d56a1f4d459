"""`autograder collect`: students' repositories at their last commit before a deadline, from real git
repositories made by the test (bare repositories on disk, and one served over HTTP with a token)."""

import base64
import csv
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from autograder import catalog, collect
from autograder.errors import KitError

BEFORE, DEADLINE, AFTER = (
    "2026-11-20T10:00:00+00:00",
    "2026-11-30T23:59:00+08:00",
    "2026-12-01T09:00:00+00:00",
)
TOKEN = "ghs_readonly_token_for_the_test"


def git(*args: str, cwd: Path, date: str | None = None) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Student",
        "GIT_AUTHOR_EMAIL": "s@example.org",
        "GIT_COMMITTER_NAME": "Student",
        "GIT_COMMITTER_EMAIL": "s@example.org",
    }
    if date:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


def student_repository(root: Path, name: str, commits: list[tuple[str, dict[str, str]]]) -> Path:
    """A bare repository `name.git` whose main branch has one commit per (date, files) in order."""
    bare, work = root / f"{name}.git", root / f"{name}-work"
    git("init", "--quiet", "--bare", "--initial-branch=main", str(bare), cwd=root)
    git("init", "--quiet", "--initial-branch=main", str(work), cwd=root)
    for date, files in commits:
        for relative, text in files.items():
            (work / relative).parent.mkdir(parents=True, exist_ok=True)
            (work / relative).write_text(text)
        git("add", "-A", cwd=work)
        git("commit", "--quiet", "-m", f"work of {date}", cwd=work, date=date)
    git("push", "--quiet", str(bare), "main", cwd=work)
    return bare


def head_commits(bare: Path) -> list[str]:
    return git("log", "--format=%H", "main", cwd=bare).split()


def roster(path: Path, rows: list[tuple[str, str]]) -> Path:
    path.write_text("student,repository\n" + "".join(f"{s},{r}\n" for s, r in rows))
    return path


def record(out: Path) -> dict[str, dict]:
    with open(out / "collected.csv", newline="") as handle:
        return {row["student"]: row for row in csv.DictReader(handle)}


@pytest.fixture
def alice(tmp_path):
    return student_repository(
        tmp_path,
        "alice",
        [(BEFORE, {"notes.txt": "first draft\n"}), (AFTER, {"notes.txt": "pushed after the deadline\n"})],
    )


def test_the_last_commit_before_the_deadline_is_collected(tmp_path, alice):
    report = collect.collect(
        roster(tmp_path / "roster.csv", [("alice", str(alice))]),
        tmp_path / "subs",
        collect.parse_deadline(DEADLINE),
    )
    assert (tmp_path / "subs" / "alice" / "notes.txt").read_text() == "first draft\n"
    row = record(tmp_path / "subs")["alice"]
    assert (
        row["status"] == "collected" and row["commit"] == head_commits(alice)[1] and row["branch"] == "main"
    )
    assert report.collected == 1 and report.failed == 0
    assert not (tmp_path / "subs" / "alice" / ".git").exists()


def test_without_a_deadline_the_latest_commit_is_collected_and_a_rerun_fetches_anew(tmp_path, alice):
    out = tmp_path / "subs"
    collect.collect(
        roster(tmp_path / "roster.csv", [("alice", str(alice))]), out, collect.parse_deadline(BEFORE)
    )
    assert (out / "alice" / "notes.txt").read_text() == "first draft\n"
    collect.collect(tmp_path / "roster.csv", out, collect.parse_deadline(None))
    assert (out / "alice" / "notes.txt").read_text() == "pushed after the deadline\n"
    assert record(out)["alice"]["commit"] == head_commits(alice)[0]


def test_one_students_failure_is_one_error_row_and_leaves_no_stale_folder(tmp_path, alice):
    late = student_repository(tmp_path, "bob", [(AFTER, {"notes.txt": "late\n"})])
    out = tmp_path / "subs"
    (out / "bob").mkdir(parents=True)
    (out / "bob" / "notes.txt").write_text("collected last week\n")
    rows = [
        ("alice", str(alice)),
        ("bob", str(late)),
        ("carol", str(tmp_path / "no-such-repo.git")),
        ("../dave", str(alice)),
        ("alice", str(late)),
    ]
    report = collect.collect(roster(tmp_path / "roster.csv", rows), out, collect.parse_deadline(DEADLINE))
    by_student = {row.student: row for row in report.rows}
    assert [row.status for row in report.rows] == ["collected", "error", "error", "error", "error"]
    assert "no commit on main before" in by_student["bob"].error
    assert by_student["carol"].error and "plain folder name" in by_student["../dave"].error
    assert "twice" in report.rows[-1].error
    assert (out / "alice" / "notes.txt").read_text() == "first draft\n" and not (out / "bob").exists()
    assert len(record(out)) == 4  # alice's second row shares her name; the record keeps one row per name


def test_a_roster_without_the_two_columns_is_refused(tmp_path):
    (tmp_path / "roster.csv").write_text("name,url\nalice,x\n")
    with pytest.raises(KitError, match="student and repository"):
        collect.read_roster(tmp_path / "roster.csv")


def test_a_password_in_a_repository_url_is_refused_and_never_written(tmp_path):
    rows = [("alice", "https://alice:hunter2secret@example.invalid/alice/course.git")]
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "autograder",
            "collect",
            str(roster(tmp_path / "r.csv", rows)),
            "--out",
            str(tmp_path / "subs"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=catalog.KIT_ROOT,
    )
    assert run.returncode == 0 and "0 collected, 1 failed" in run.stdout
    assert "hunter2secret" not in run.stdout + run.stderr
    assert "password" in record(tmp_path / "subs")["alice"]["error"]


@pytest.mark.slow
def test_collect_then_grade_batch_grades_the_commit_before_the_deadline(tmp_path):
    solved = catalog.get("07_maxpool").solution_file.read_text()
    stub = catalog.get("07_maxpool").stub_file.read_text()
    repository = student_repository(
        tmp_path,
        "erin",
        [
            (BEFORE, {"exercises/07_maxpool/maxpool.py": solved}),
            (AFTER, {"exercises/07_maxpool/maxpool.py": stub}),
        ],
    )
    command = [sys.executable, "-m", "autograder"]
    subprocess.run(
        [
            *command,
            "collect",
            str(roster(tmp_path / "r.csv", [("erin", str(repository))])),
            "--out",
            str(tmp_path / "subs"),
            "--deadline",
            DEADLINE,
        ],
        check=True,
        cwd=catalog.KIT_ROOT,
        capture_output=True,
        timeout=120,
    )
    subprocess.run(
        [
            *command,
            "grade-batch",
            str(tmp_path / "subs"),
            "--out",
            str(tmp_path / "results"),
            "--exercise",
            "07_maxpool",
            "--jobs",
            "1",
            "--time-scale",
            "3",
        ],
        check=True,
        cwd=catalog.KIT_ROOT,
        capture_output=True,
        timeout=600,
    )
    result = json.loads((tmp_path / "results" / "students" / "erin.json").read_text())
    assert result["score"] == result["max_score"] > 0


class GitOverHttp(BaseHTTPRequestHandler):
    """git's smart HTTP protocol through `git http-backend`, behind Basic authentication with TOKEN."""

    project_root: Path
    seen_credentials: list[str] = []

    def log_message(self, *args) -> None:
        pass

    def _serve(self) -> None:
        header = self.headers.get("Authorization", "")
        self.seen_credentials.append(header)
        if header != "Basic " + base64.b64encode(f"x-access-token:{TOKEN}".encode()).decode():
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="course"')
            self.end_headers()
            return
        path, _, query = self.path.partition("?")
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        env = {
            **os.environ,
            "GIT_PROJECT_ROOT": str(self.project_root),
            "GIT_HTTP_EXPORT_ALL": "1",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "REQUEST_METHOD": self.command,
            "REMOTE_USER": "reader",
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_CONTENT_ENCODING": self.headers.get("Content-Encoding", ""),
        }
        output = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True).stdout
        head, _, payload = output.partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        status = next((int(line.split()[1]) for line in lines if line.startswith("Status:")), 200)
        self.send_response(status)
        for line in lines:
            if not line.startswith("Status:") and ":" in line:
                self.send_header(*[part.strip() for part in line.split(":", 1)])
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = _serve


@pytest.fixture
def served(tmp_path, alice):
    GitOverHttp.project_root, GitOverHttp.seen_credentials = tmp_path, []
    server = ThreadingHTTPServer(("127.0.0.1", 0), GitOverHttp)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/alice.git"
    server.shutdown()


def test_a_token_from_the_environment_reaches_git_and_nothing_written(tmp_path, served, monkeypatch):
    rows = roster(tmp_path / "r.csv", [("alice", served)])
    monkeypatch.delenv(collect.TOKEN_VARIABLE, raising=False)
    refused = collect.collect(rows, tmp_path / "without", collect.parse_deadline(DEADLINE))
    assert refused.rows[0].status == "error"
    monkeypatch.setenv(collect.TOKEN_VARIABLE, TOKEN)
    report = collect.collect(rows, tmp_path / "with", collect.parse_deadline(DEADLINE))
    assert report.rows[0].status == "collected", report.rows[0].error
    assert (tmp_path / "with" / "alice" / "notes.txt").read_text() == "first draft\n"
    written = [p.read_bytes() for p in (tmp_path / "with").rglob("*") if p.is_file()]
    assert not [data for data in written if TOKEN.encode() in data]
