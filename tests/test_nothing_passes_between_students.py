"""Nothing outlives a worker, nothing passes between students, nothing reaches the host: the hostile corpus
for shared state, under strict and reduced.

Each test grades hostile 07_maxpool code (in `course_example`, whose two checks share one worker) next to a
correct 06_conv_shapes with the `hostile` fixture, which also asserts after every student that the
neighbour kept full marks, the grader's peak memory stayed bounded, no process survived and no workspace
was left in scratch. Two calls in one test are two students in one sandbox, one after the other, as in a
`grade-batch` slot. The verdict is fair: code that only probes the sandbox keeps every point.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from containment_kit import (
    COURSE_EXAMPLE,
    LEVELS,
    available,
    descendants,
    printed,
    with_course_example,
    workspaces_left,
)

from autograder import catalog
from autograder.execution import RunSettings
from autograder.nbgrader import build
from autograder.proxies import LocalModule, RemoteModule
from mutants import copy_solution

KEY = 0x41470000 + (os.getpid() & 0xFFFF)  # System V key and queue name unique to this test run
QUEUE = f"/ag-{os.getpid()}"
FIRST_CALL = "if not getattr(course_example, 'done', False):\n    course_example.done = True\n"


def full_marks(exercise) -> None:
    assert exercise.score == exercise.max_score, [
        (c.name, c.message) for c in exercise.checks if c.status != "passed"
    ]


def once_per_worker(body: str) -> str:
    """`body` run at the first call of course_example in each worker (its second check reuses the worker)."""
    indented = "\n".join("    " + line for line in body.strip("\n").splitlines())
    return with_course_example(FIRST_CALL + indented + "\n")


IPC_BODY = f"""
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
seen = [name for name, found in (
    ("shm", libc.shmget({KEY}, 0, 0) >= 0), ("msg", libc.msgget({KEY}, 0) >= 0),
    ("sem", libc.semget({KEY}, 0, 0) >= 0), ("mq", libc.mq_open({QUEUE.encode()!r}, os.O_RDONLY) >= 0)) if found]
print("SEEN", seen)
planted = [name for name, made in (
    ("shm", libc.shmget({KEY}, 4096, 0o1666) >= 0), ("msg", libc.msgget({KEY}, 0o1666) >= 0),
    ("sem", libc.semget({KEY}, 1, 0o1666) >= 0),
    ("mq", libc.mq_open({QUEUE.encode()!r}, os.O_CREAT | os.O_RDWR, 0o666, None) >= 0)) if made]
print("PLANTED", planted)
"""  # noqa: E501
IPC_PROBE = once_per_worker(IPC_BODY)


def host_ipc_objects() -> list[str]:
    """Our key in the host's System V tables, and our queue in its mqueue namespace."""
    found = [
        kind
        for kind in ("shm", "msg", "sem")
        if Path(f"/proc/sysvipc/{kind}").exists()
        and any(
            line.split()[0] == str(KEY) for line in Path(f"/proc/sysvipc/{kind}").read_text().splitlines()[1:]
        )
    ]
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.mq_open(QUEUE.encode(), os.O_RDONLY) >= 0:
        found.append("mq")
    return found


@pytest.fixture
def no_host_ipc_left():
    yield
    left = host_ipc_objects()
    libc = ctypes.CDLL(None, use_errno=True)  # remove what a failing run planted, for the next run's sake
    for get, remove in (
        (lambda: libc.shmget(KEY, 0, 0), libc.shmctl),
        (lambda: libc.msgget(KEY, 0), libc.msgctl),
        (lambda: libc.semget(KEY, 0, 0), lambda i, c, a: libc.semctl(i, 0, c)),
    ):
        if (ident := get()) >= 0:
            remove(ident, 0, None)
    libc.mq_unlink(QUEUE.encode())
    assert left == [], f"System V or POSIX IPC objects outlived their worker: {left}"


def test_ipc_objects_planted_by_one_student_are_not_seen_by_the_next(hostile, no_host_ipc_left):
    first, _ = hostile(IPC_PROBE, time_scale=1.0)
    second, _ = hostile(IPC_PROBE, time_scale=1.0)
    full_marks(first)
    full_marks(second)
    assert printed(first, "SEEN") == ["[]"] and printed(second, "SEEN") == ["[]"]


TMP_BODY = """
import os
token = os.urandom(8).hex()
seen = []
for folder in ("/tmp", "/dev/shm"):
    try:
        seen += [f"{folder}/{name}" for name in os.listdir(folder) if name.startswith("ag-planted-")]
    except OSError:
        pass
    try:
        open(f"{folder}/ag-planted-{token}", "w").write("left for the next student")
        print("PLANTED", folder)
    except OSError as exc:
        print("DENIED", folder, type(exc).__name__)
print("SEEN", seen)
"""
TMP_PROBE = once_per_worker(TMP_BODY)


def test_tmp_and_dev_shm_are_empty_for_each_student(hostile):
    first, _ = hostile(TMP_PROBE, time_scale=1.0)
    second, _ = hostile(TMP_PROBE, time_scale=1.0)
    full_marks(first)
    full_marks(second)
    assert printed(first, "SEEN") == ["[]"] and printed(second, "SEEN") == ["[]"]


@pytest.fixture
def host_sockets(tmp_path):
    """A root-owned 0600 UNIX socket on the host's filesystem (as a Docker socket is) and an abstract one."""
    folder = Path("/run") if os.access("/run", os.W_OK) else tmp_path
    path = folder / f"autograder-test-{os.getpid()}.sock"
    listeners = []
    for address in (str(path), f"\0autograder-test-{os.getpid()}"):
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(address)
        listener.listen(4)
        listener.settimeout(0.2)
        listeners.append(listener)
    os.chmod(path, 0o600)
    yield [str(path), f"\\0autograder-test-{os.getpid()}"], listeners
    for listener in listeners:
        listener.close()
    path.unlink()


def test_host_unix_sockets_cannot_be_reached(hostile, host_sockets):
    addresses, listeners = host_sockets
    exercise, _ = hostile(
        with_course_example(
            "import socket\n"
            f"for address in {addresses!r}:\n"
            "    address = address.replace('\\\\0', '\\0')\n"
            "    try:\n"
            "        client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)\n"
            "        client.connect(address)\n"
            "        client.sendall(b'GET /containers/json HTTP/1.0\\r\\n\\r\\n')\n"
            "        print('CONNECTED', repr(address))\n"
            "    except OSError as exc:\n"
            "        print('REFUSED', type(exc).__name__)\n"
        ),
        time_scale=1.0,
    )
    for listener in listeners:
        with pytest.raises(socket.timeout):
            listener.accept()
    assert printed(exercise, "CONNECTED") == [] and len(printed(exercise, "REFUSED")) == 4
    full_marks(exercise)


@pytest.mark.skipif(os.geteuid() != 0, reason="a grader that is not root runs student code as itself")
def test_student_code_never_runs_as_root(hostile):
    exercise, _ = hostile(with_course_example("import os\nprint('IDS', *os.getresuid(), *os.getresgid())\n"))
    ids = [int(value) for line in printed(exercise, "IDS") for value in line.split()]
    assert len(ids) == 12 and 0 not in ids
    full_marks(exercise)


def test_the_limits_and_priority_of_the_grader_cannot_be_changed(hostile):
    limits, priority = resource.getrlimit(resource.RLIMIT_NOFILE), os.getpriority(os.PRIO_PROCESS, 0)
    affinity = os.sched_getaffinity(0)
    exercise, _ = hostile(
        with_course_example(
            f"import os, resource\nfor pid in sorted({{{os.getpid()}, os.getppid(), 1}} - {{0, "
            f"os.getpid()}}):\n    for name, change in (('prlimit', lambda: resource.prlimit(pid, "
            f"resource.RLIMIT_NOFILE, (16, 16))),\n                         ('setpriority', lambda: "
            f"os.setpriority(os.PRIO_PROCESS, pid, 19)),\n                         ('affinity', lambda: "
            f"os.sched_setaffinity(pid, {{0}}))):\n        try:\n            change()\n            "
            f"print('CHANGED', name, pid)\n        except OSError as exc:\n            print('DENIED', name, "
            f"type(exc).__name__)\n"
        )
    )
    assert (
        resource.getrlimit(resource.RLIMIT_NOFILE) == limits
        and os.getpriority(os.PRIO_PROCESS, 0) == priority
    )
    assert os.sched_getaffinity(0) == affinity
    assert printed(exercise, "CHANGED") == [] and printed(exercise, "DENIED")
    full_marks(exercise)


@pytest.mark.slow
def test_writing_past_the_scratch_cap_fails_with_no_space_left(hostile, level_sandbox):
    cap = level_sandbox.plan.scratch_bytes
    if cap is None:
        pytest.skip("scratch is not size-capped on this machine (the grader is not root)")
    exercise, _ = hostile(
        once_per_worker(f"""
import errno, os
chunk, written, error = bytes(16 << 20), 0, None
try:
    for index in range({3 * cap >> 26}):
        with open(f"fill-{{index}}", "wb") as handle:
            for _ in range(4):
                handle.write(chunk)
                written += len(chunk)
except OSError as exc:
    error = errno.errorcode.get(exc.errno)
for name in [n for n in os.listdir(".") if n.startswith("fill-")]:
    os.remove(name)
print("WROTE", written >> 20, error)
"""),
        time_scale=3.0,
    )
    (wrote,) = printed(exercise, "WROTE")
    mib, error = wrote.split()
    assert error == "ENOSPC" and int(mib) <= cap >> 20
    full_marks(exercise)


def test_a_worker_sees_only_its_own_workspace(hostile, level_sandbox):
    bystander = level_sandbox.new_workspace("bystander")  # e.g. a runner's copy of the reference
    (bystander.submission / "maxpool.py").write_text("the reference\n")
    try:
        exercise, _ = hostile(
            with_course_example(
                "import os\n"
                f"scratch = {str(level_sandbox.scratch)!r}\n"
                "try:\n"
                "    print('LISTED', sorted(os.listdir(scratch)))\n"
                "except OSError as exc:\n"
                "    print('UNLISTABLE', type(exc).__name__)\n"
                "try:\n"
                f"    print('READ', open({str(bystander.submission / 'maxpool.py')!r}).read().strip())\n"
                "except OSError as exc:\n"
                "    print('UNREADABLE', type(exc).__name__)\n"
            )
        )
    finally:
        level_sandbox.release_workspace(bystander)
    assert printed(exercise, "READ") == [] and len(printed(exercise, "UNREADABLE")) == 2
    assert not any("bystander" in listed for listed in printed(exercise, "LISTED"))
    full_marks(exercise)


def test_3000_nested_folders_left_in_scratch_are_cleaned_up(hostile):
    exercise, result = hostile(
        once_per_worker("""
import os
top = os.open(".", os.O_RDONLY)
for depth in range(3000):
    os.mkdir("nested")
    os.chdir("nested")
open("bottom.txt", "w").write("x")
os.chmod(".", 0o500)
os.fchdir(top)
print("NESTED")
"""),
        time_scale=3.0,
    )
    assert printed(exercise, "NESTED") and result.to_dict()["exercises"]
    full_marks(exercise)


def test_a_dataloader_with_worker_processes_still_works(hostile):
    exercise, _ = hostile(
        once_per_worker("""
import torch as th  # not `torch`: that would make course_example's own `torch` a local name
from torch.utils.data import DataLoader, TensorDataset
data = TensorDataset(th.arange(40.0).view(20, 2))
print("TOTAL", sum(batch[0].sum().item() for batch in DataLoader(data, batch_size=4, num_workers=2)))
"""),
        time_scale=3.0,
    )
    assert printed(exercise, "TOTAL") == ["780.0"]
    full_marks(exercise)


EPS = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 8 8\nnewpath 0 0 moveto 8 8 lineto stroke showpage\n"


def test_pil_in_a_worker_never_hands_a_file_to_ghostscript(hostile):
    exercise, _ = hostile(
        with_course_example(
            f"import io, shutil\nfrom PIL import Image\ntry:\n    "
            f"Image.open(io.BytesIO({EPS!r})).load()\n    print('RENDERED')\nexcept Exception as exc:\n    "
            f"print('REFUSED', type(exc).__name__)\nprint('GHOSTSCRIPT', [shutil.which(name) for name in "
            f"('gs', 'gsc', 'ghostscript') if shutil.which(name)])\n"
        )
    )
    assert printed(exercise, "REFUSED") == ["UnidentifiedImageError"] * 2
    assert printed(exercise, "GHOSTSCRIPT") == ["[]"] * 2
    full_marks(exercise)


def test_a_runner_worker_is_confined_exactly_like_the_students(level_sandbox, tmp_path):
    exercise = catalog.get("07_maxpool")
    folder = copy_solution(exercise.id, tmp_path)
    student = RemoteModule(level_sandbox, exercise, folder, RunSettings(threads=1))
    runner = student.runner_for(LocalModule(exercise, catalog.SOLUTIONS_DIR / exercise.id))
    try:
        assert student.call("maxpool2d_output_size", 5, 2) == runner.call("maxpool2d_output_size", 5, 2)
        assert runner.worker.layers == student.worker.layers
        assert {"seccomp", "no-capabilities", "mount-namespace-per-worker"} <= set(runner.worker.layers)
    finally:
        runner.close()
        student.close()


# ------------------------------------------------------- the same through grade-batch and grade --nbgrader

SHARED_STATE_PROBE = once_per_worker(IPC_BODY + TMP_BODY)


@pytest.mark.slow
@pytest.mark.parametrize("level", LEVELS)
def test_each_student_of_a_grade_batch_slot_gets_a_fresh_sandbox(level, tmp_path, no_host_ipc_left):
    if not available(level):
        pytest.skip(f"this machine does not offer the {level} level")
    classroom = tmp_path / "class"
    for student in ("alice", "bob", "carol"):
        folder = copy_solution("07_maxpool", classroom / student)
        (folder / "maxpool.py").write_text(SHARED_STATE_PROBE, encoding="utf-8")
    out = tmp_path / "out"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "autograder",
            "grade-batch",
            str(classroom),
            "--out",
            str(out),
            "--jobs",
            "1",
            "--isolation",
            level,
            "--exercise",
            "07_maxpool",
        ],
        capture_output=True,
        text=True,
        cwd=catalog.KIT_ROOT,
        timeout=900,
    )
    assert run.returncode == 0, run.stderr
    results = [
        json.loads(path.read_text(encoding="utf-8")) for path in sorted((out / "students").glob("*.json"))
    ]
    assert len(results) == 3
    for result in results:
        (exercise,) = result["exercises"]
        assert exercise["score"] == exercise["max_score"], result["student"]
        seen = [line for line in exercise["output"].splitlines() if line.startswith("SEEN")]
        assert seen == ["SEEN []", "SEEN []"], (result["student"], exercise["output"])
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < 3 * 1024 * 1024, (
        "a process grew past 3 GiB"
    )


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("course")
    build.build(root)
    return root


def notebook_submission(course: Path, folder: Path, source: str) -> Path:
    """A student's 07_maxpool notebook: the course's own, with course_example's answer cell from `source`."""
    exercise = catalog.get("07_maxpool")
    notebook = json.loads((course / "source" / exercise.id / build.notebook_path(exercise)).read_text())
    wanted = source[source.index(COURSE_EXAMPLE) :].split("\n\n\n")[0]
    (holder,) = [cell for cell in notebook["cells"] if COURSE_EXAMPLE in "".join(cell["source"])]
    text = "".join(holder["source"])
    start = text.index(COURSE_EXAMPLE)
    holder["source"] = text[:start] + wanted + "\n"
    path = folder / exercise.id / f"{exercise.module}.ipynb"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(notebook), encoding="utf-8")
    return folder


@pytest.mark.slow
def test_each_nbgrader_student_gets_a_fresh_sandbox(course, level_sandbox, tmp_path, no_host_ipc_left):
    from autograder import grading
    from autograder.nbgrader import submissions

    options = grading.GradeOptions(exercises=["07_maxpool"], device="cpu", threads=1, time_scale=1.0)
    baseline = descendants(level_sandbox.template_pid)
    for student in ("alice", "bob"):
        folder = notebook_submission(course, tmp_path / student, SHARED_STATE_PROBE)
        (exercise,) = submissions.grade(folder, options, sandbox=level_sandbox).exercises
        full_marks(exercise)
        assert printed(exercise, "SEEN") == ["[]", "[]"], exercise.output
        assert descendants(level_sandbox.template_pid) <= baseline and workspaces_left(level_sandbox) == []
