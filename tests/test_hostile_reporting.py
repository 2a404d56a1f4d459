"""Hostile answers and hostile text (issue 10, class 4): no payload stalls the grader, no text stops a report.

Each case hands in a 07_maxpool whose code forges or poisons what comes back, under `strict` and
`reduced`, through `grade`, `grade --nbgrader` and `grade-batch`.
Each asserts the fair verdict (exactly the checks whose calls were poisoned lose their points, with a
bounded message), that the grader finished with a result every report format can write, that the
grader's peak memory stayed bounded, and that no process outlived the grading.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from autograder import catalog, check_collection, grading, isolation
from autograder.nbgrader import build, submissions
from autograder.reports import render
from autograder.sandbox import Sandbox
from autograder.worker import processes
from mutants import copy_solution

LEVELS = ["strict", "reduced"]
SOLUTION = (catalog.SOLUTIONS_DIR / "07_maxpool" / "maxpool.py").read_text(encoding="utf-8")
COURSE_EXAMPLE = "def course_example(ceil_mode):\n"
PEAK_LIMIT_MIB = 512  # growth of the grader's peak RSS while grading one hostile submission
MESSAGE_LIMIT = 4200  # characters of one message, both languages (autograder.textsafe.MESSAGE_LIMIT each)
POISON = "\\ud800 \\x1b[31mred\\x1b[0m \\x00\\x07 \\x1b]0;pwned\\x07"  # Python source for the poisoned text


@pytest.fixture(scope="module", params=LEVELS)
def level_sandbox(request):
    if not isolation.detect().offers(request.param):
        pytest.skip(f"this machine does not offer the {request.param} level (see `autograder doctor`)")
    box = Sandbox(level=request.param).start()
    box.wait_ready()
    yield box
    box.close()


def live_descendants(pid: int) -> set[int]:
    table = processes.process_table()
    return {
        p
        for p in processes.descendants(table, {pid})
        if table.get(p, (0, "Z"))[1] != "Z" and not _comm(p).startswith("ag-standby")
    }


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def assert_every_format_writes(result) -> None:
    for fmt in ("table", "json", "gradescope", "junit", "html"):
        text = render(result, fmt)
        assert text.encode("utf-8") and "\x1b" not in text and "\ud800" not in text, fmt
    json.loads(render(result, "json"))


def submission(tmp_path: Path, source: str) -> Path:
    root = tmp_path / "submission"
    (copy_solution("07_maxpool", root) / "maxpool.py").write_text(source, encoding="utf-8")
    return root


@pytest.fixture
def hostile(level_sandbox, tmp_path):
    """grade(source) -> the 07_maxpool result, after checking the grader's memory, reports and processes."""
    baseline = live_descendants(level_sandbox._process.pid)

    def run(source: str):
        root = submission(tmp_path, source)
        before = _status_kib("VmRSS")
        Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM, the peak RSS, to the current RSS
        result = grading.grade(
            root,
            grading.GradeOptions(["07_maxpool"], device="cpu", threads=1, time_scale=2),
            sandbox=level_sandbox,
        )
        growth_mib = (_status_kib("VmHWM") - before) / 1024
        assert growth_mib < PEAK_LIMIT_MIB, f"the grader's peak RSS grew by {growth_mib:.0f} MiB"
        assert_every_format_writes(result)
        return result.exercises[0]

    yield run
    assert live_descendants(level_sandbox._process.pid) <= baseline, "a process outlived its worker"


def with_course_example(body: str) -> str:
    """The solution with `body` run at the start of course_example (what its 2 checks call)."""
    return SOLUTION.replace(
        COURSE_EXAMPLE, COURSE_EXAMPLE + textwrap.indent(textwrap.dedent(body), "    "), 1
    )


def assert_only_course_checks_lost(exercise, status: str = "error") -> list[str]:
    """The fair verdict: the two course_example checks lose their points, every other check passes."""
    for check in exercise.checks:
        if check.name.startswith("course_example"):
            assert check.status == status and check.score == 0, (check.name, check.status)
            assert len(check.message) < MESSAGE_LIMIT
        else:
            assert check.status == "passed", (check.name, check.message[:200])
    return [check.message for check in exercise.checks if check.name.startswith("course_example")]


FORGE = """
import sys
_wire = sys.modules["autograder.worker.wire"]
_original = _wire.encode
def _forged(message, limit=1 << 28):
    _wire.encode = _original
    if isinstance(message, dict) and message.get("kind") == "result":
        text = ('{{"v": 1, "blobs": [], "root": {{"$": "dict", "items": [["kind", "result"], ["value", '
                + {value} + ']]}}}}').encode()
        return len(text).to_bytes(4, "big") + text
    return _original(message, limit)
_wire.encode = _forged
"""
COLLIDING_KEYS = (
    "'{\"$\": \"dict\", \"items\": [' + ','.join(f'[{k * (2**61 - 1)},0]' for k in range(1, 300001)) + ']}'"
)
TOO_MANY_VALUES = "'[' + ','.join(['0'] * 1500000) + ']'"


@pytest.mark.parametrize(
    "value", [COLLIDING_KEYS, TOO_MANY_VALUES], ids=["colliding-keys", "too-many-values"]
)
def test_a_forged_answer_that_would_stall_decoding_is_refused_at_once(hostile, value):
    exercise = hostile(with_course_example(FORGE.format(value=value)))
    for message in assert_only_course_checks_lost(exercise):
        assert "malformed data" in message
    assert exercise.duration_s < catalog.get("07_maxpool").budget_s


def test_a_60_mib_bytes_answer_becomes_a_short_message(hostile):
    exercise = hostile(
        SOLUTION.replace(
            "def maxpool2d_output_size(",
            "_calls = []\n\n\ndef maxpool2d_output_size(*args, **kwargs):\n"
            "    _calls.append(1)\n    if len(_calls) == 1:\n        return b'\\xff' * (60 << 20)\n"
            "    return _size(*args, **kwargs)\n\n\ndef _size(",
            1,
        )
    )
    lost = [check for check in exercise.checks if check.status != "passed"]
    assert [check.name for check in lost] == ["output_size_defaults_stride_to_kernel_size"]
    assert lost[0].status == "failed" and "62914560 bytes" in lost[0].message and len(lost[0].message) < 1000


def test_a_forged_15_mib_error_message_is_cut_to_a_few_kb(hostile):
    exercise = hostile(
        with_course_example("""
        import sys
        sys.modules["autograder.worker.serve"].describe_exception = lambda exc, path: {
            "type": "ValueError", "message": "x" * (15 << 20), "file": "maxpool.py", "line": 7, "traceback": ""}
        raise ValueError("boom")
    """)  # noqa: E501
    )
    for message in assert_only_course_checks_lost(exercise):
        assert message.startswith("ValueError: xxx") and message.endswith("…")


def test_lone_surrogates_escape_codes_and_control_characters_are_cleaned(hostile):
    exercise = hostile(
        with_course_example(f"""
        import sys
        sys.stdout.buffer.write(b"\\x1b[2J\\xed\\xa0\\x80 printed\\n")
        sys.stdout.flush()
        raise ValueError("{POISON}")
    """)
    )
    for message in assert_only_course_checks_lost(exercise):
        assert message.startswith("ValueError: \ufffd red") and "\x00" not in message
    assert "printed" in exercise.output and "\x1b" not in exercise.output


def test_a_notebook_holding_a_lone_surrogate_is_graded(level_sandbox, tmp_path):
    build.build(tmp_path / "course", ["07_maxpool"])
    exercise = catalog.get("07_maxpool")
    path = tmp_path / "course" / "source" / exercise.id / build.notebook_path(exercise)
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "course_example":
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            cell["source"] = "# \ud800 a lone surrogate in a comment\n" + source.replace(
                COURSE_EXAMPLE, COURSE_EXAMPLE + f'    raise ValueError("{POISON}")\n', 1
            )
    path.write_text(json.dumps(notebook), encoding="utf-8")  # JSON escapes the surrogate as \ud800
    options = grading.GradeOptions(device="cpu", threads=1, time_scale=2)
    result = submissions.grade(path, options, sandbox=level_sandbox)
    assert_every_format_writes(result)
    for message in assert_only_course_checks_lost(result.exercises[0]):
        assert "ValueError: \ufffd red" in message


WRAPPER = """
import ctypes, json, os, resource, subprocess, sys, time
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER: orphans of the run come back to us
code = subprocess.run(sys.argv[1:]).returncode
time.sleep(1.0)
while True:
    try:
        if os.waitpid(-1, os.WNOHANG) == (0, 0):
            break
    except ChildProcessError:
        break
survivors = [int(p) for p in os.listdir("/proc") if p.isdigit() and open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()[1] == str(os.getpid())]
for pid in survivors:
    os.kill(pid, 9)
print(json.dumps({"code": code, "peak_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, "survivors": survivors}))
"""  # noqa: E501


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.slow
def test_a_lone_surrogate_does_not_end_grade_batch(level, tmp_path):
    if not isolation.detect().offers(level):
        pytest.skip(f"this machine does not offer the {level} level")
    students = tmp_path / "submissions"
    for name, source in [
        ("alice", with_course_example(f'raise ValueError("{POISON}")\n')),
        ("bob", SOLUTION),
        ("=1+1", SOLUTION),
    ]:
        (copy_solution("07_maxpool", students / name) / "maxpool.py").write_text(source, encoding="utf-8")
    out = tmp_path / "results"
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            WRAPPER,
            sys.executable,
            "-m",
            "autograder",
            "grade-batch",
            str(students),
            "--out",
            str(out),
            "--exercise",
            "07_maxpool",
            "--jobs",
            "1",
            "--isolation",
            level,
            "--time-scale",
            "3",
            "--canvas-csv",
            str(out / "canvas.csv"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=catalog.KIT_ROOT,
        env={**os.environ, "PYTHONPATH": str(catalog.KIT_ROOT)},
    )
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report["code"] == 0, run.stderr[-2000:]
    assert report["survivors"] == [], "a process outlived grade-batch"
    assert report["peak_kib"] < 3 * 1024 * 1024, "some process of the batch peaked over 3 GiB"
    rows = {row["student"]: row for row in csv.DictReader((out / "gradebook.csv").open(encoding="utf-8"))}
    assert set(rows) == {"alice", "bob", "'=1+1"} and {row["status"] for row in rows.values()} == {"ok"}
    worth = check_collection.max_points([catalog.get("07_maxpool")])["07_maxpool"]
    assert (float(rows["alice"]["07_maxpool"]), float(rows["bob"]["07_maxpool"])) == (worth - 2, worth)
    saved = json.loads((out / "students" / "alice.json").read_text(encoding="utf-8"))
    messages = [
        c["message"] for c in saved["exercises"][0]["checks"] if c["name"].startswith("course_example")
    ]
    assert messages and all(m.startswith("ValueError: \ufffd red") for m in messages)
    canvas_rows = list(csv.reader((out / "canvas.csv").open(encoding="utf-8")))
    assert len(canvas_rows) == 4 and ["'=1+1", "", "", "'=1+1", "", str(worth)] in canvas_rows
