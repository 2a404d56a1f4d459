"""The hostile corpus, under the strict layers and under the fallback (Landlock + seccomp + rlimits).

Each case hands in a hostile 07_maxpool next to a correct 06_conv_shapes and
asserts containment: the hostile exercise loses its points (or is graded
normally where the hostility failed and its answers are right), the grader
survives, the neighbour keeps full marks, nothing outside scratch changes, no
process is left behind, and the result says what happened in a line.
"""

from __future__ import annotations

import os
import socket

import pytest
from containment_kit import COURSE_EXAMPLE, SOLUTION, course_checks, others_pass, with_course_example

from autograder import catalog, grading


def test_sys_exit_at_import(hostile):
    exercise, _ = hostile("import sys\nsys.exit(0)\n")
    assert exercise.score == 0 and all("sys.exit(0) was called" in c.message for c in exercise.checks)


def test_os_exit_at_import(hostile):
    exercise, _ = hostile("import os\nos._exit(0)\n")
    assert exercise.score == 0 and all("exited with status 0" in c.message for c in exercise.checks)


def test_os_exit_in_the_middle_of_a_check(hostile):
    exercise, _ = hostile(with_course_example("import os\nos._exit(5)\n"))
    assert all(c.status == "error" and "exited with status 5" in c.message for c in course_checks(exercise))
    others_pass(exercise)


@pytest.mark.slow
def test_infinite_loop(hostile):
    exercise, _ = hostile(with_course_example("while True:\n    pass\n"))
    assert all(
        c.status == "timeout" and "did not finish in time" in c.message for c in course_checks(exercise)
    )
    others_pass(exercise)


@pytest.mark.slow
def test_memory_bomb(hostile):
    exercise, _ = hostile(
        with_course_example("hoard = []\nwhile True:\n    hoard.append(bytearray(64 << 20))\n")
    )
    assert all(c.status in ("error", "timeout") for c in course_checks(exercise))
    others_pass(exercise)


@pytest.mark.slow
def test_fork_bomb(hostile):
    # Reaping hundreds of forks takes seconds on a busy 2-core runner and counts against the exercise's
    # budget; a scale of 0.6 leaves the other checks of the exercise room to run after the kill.
    exercise, _ = hostile(
        with_course_example(
            "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"
        ),
        time_scale=0.6,
    )
    assert all(c.status in ("error", "timeout") for c in course_checks(exercise))
    others_pass(exercise)


def test_setsid_daemon_does_not_survive(hostile):
    exercise, _ = hostile(
        with_course_example(
            "import os, time\n"
            "if os.fork() == 0:\n"
            "    os.setsid()\n"
            "    if os.fork() == 0:\n"
            "        while True:\n            time.sleep(0.05)\n"
            "    os._exit(0)\n"
        )
    )
    assert exercise.score == exercise.max_score


def test_tcp_connection_to_a_loopback_listener_is_refused(hostile):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    exercise, _ = hostile(
        with_course_example(
            "import socket\n"
            "try:\n"
            f"    socket.create_connection(('127.0.0.1', {port}), timeout=2).sendall(b'stolen')\n"
            "    print('CONNECTED')\n"
            "except OSError as exc:\n"
            "    print('REFUSED', type(exc).__name__)\n"
        )
    )
    with pytest.raises(socket.timeout):
        listener.accept()
    listener.close()
    assert exercise.score == exercise.max_score
    assert "REFUSED" in exercise.output and "CONNECTED" not in exercise.output


def test_reading_the_solutions_and_hidden_checks_fails(hostile):
    secrets = [catalog.SOLUTIONS_DIR / "07_maxpool" / "maxpool.py", catalog.HIDDEN_DIR / "test_07_maxpool.py"]
    exercise, _ = hostile(
        with_course_example(
            "import os\n"
            f"for secret in {[str(s) for s in secrets]!r}:\n"
            "    try:\n"
            "        open(secret).read()\n"
            "        print('LEAK', secret)\n"
            "    except OSError as exc:\n"
            "        print('DENIED', type(exc).__name__)\n"
            "found = []\n"
            "for top, dirs, files in os.walk('/'):\n"
            "    dirs[:] = [d for d in dirs if d not in ('proc', 'sys')]\n"
            "    found += [os.path.join(top, f) for f in files if f in ('test_07_maxpool.py', 'conv.py')]\n"
            "print('FOUND', found)\n"
        )
    )
    assert "LEAK" not in exercise.output and "DENIED" in exercise.output
    assert "FOUND []" in exercise.output
    assert exercise.score == exercise.max_score


def test_writing_outside_scratch_fails(hostile, level_sandbox):
    exercise, _ = hostile(
        with_course_example(
            "for target in ['CANARY', 'CANARY.new', '" + str(catalog.KIT_ROOT / "pwned.txt") + "']:\n"
            "    try:\n"
            "        open(target, 'w').write('pwned')\n"
            "        print('WROTE', target)\n"
            "    except OSError as exc:\n"
            "        print('DENIED', type(exc).__name__)\n"
        )
    )
    assert not (catalog.KIT_ROOT / "pwned.txt").exists()
    # Under strict, /tmp is the worker's own tmpfs: a kit checked out under /tmp is not visible there, so
    # writing its path only creates a file in that private tmpfs, which vanishes with the sandbox.
    wrote = [line.split(" ", 1)[1] for line in exercise.output.splitlines() if line.startswith("WROTE ")]
    assert all(level_sandbox.level == "strict" and path.startswith("/tmp/") for path in wrote), wrote
    assert exercise.score == exercise.max_score


def test_a_200_mb_print_flood_is_bounded(hostile):
    exercise, _ = hostile(
        with_course_example("import sys\nsys.stdout.write('x' * (200 << 20))\n"), time_scale=1.0
    )
    assert len(exercise.output) < 64 * 1024
    assert "bytes of output omitted" in exercise.output
    assert exercise.score == exercise.max_score


def test_a_multi_gigabyte_return_value_is_refused(hostile):
    exercise, _ = hostile(
        SOLUTION.replace(
            "    image = torch.tensor(COURSE_INPUT",
            "    return torch.empty(3 << 30, dtype=torch.uint8)\n    image = torch.tensor(COURSE_INPUT",
            1,
        )
    )
    assert all(c.status == "error" and "cap" in c.message for c in course_checks(exercise))
    others_pass(exercise)


def test_a_forged_oversized_frame_is_refused(hostile):
    exercise, _ = hostile(
        with_course_example(
            "import os, struct\n"
            "for fd in map(int, os.listdir('/proc/self/fd')):\n"
            "    try:\n"
            "        os.write(fd, struct.pack('>Q', 3 << 30))\n"
            "    except OSError:\n"
            "        pass\n"
            "import time\ntime.sleep(30)\n"
        )
    )
    assert all(c.status in ("error", "timeout") for c in course_checks(exercise))
    others_pass(exercise)


def test_a_returned_object_that_would_run_code_when_unpickled_is_never_unpickled(hostile, tmp_path):
    marker = tmp_path / "outside" / "unpickled"
    exercise, _ = hostile(
        SOLUTION.replace(
            COURSE_EXAMPLE,
            (
                "class Evil:\n"
                "    def __reduce__(self):\n"
                f"        return (open, ({str(marker)!r}, 'w'))\n\n\n"
                + COURSE_EXAMPLE
                + "    return Evil()\n"
            ),
            1,
        )
    )
    assert not marker.exists()
    assert all(c.status == "failed" and "Evil" in c.message for c in course_checks(exercise))


def test_patching_torch_builtins_and_comparisons_fakes_nothing(hostile):
    exercise, _ = hostile(
        "import builtins, torch\n"
        "torch.allclose = torch.equal = lambda *a, **k: True\n"
        "torch.Tensor.__eq__ = lambda self, other: torch.ones((), dtype=torch.bool)\n"
        "builtins.isinstance = lambda obj, kind: True\n"
        "COURSE_INPUT = [[0]]\n"
        "def maxpool2d_output_size(size, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):\n"
        "    return 1\n"
        "def course_example(ceil_mode):\n"
        "    return torch.zeros(1, 1, 2, 2)\n"
        "class MaxPoolNet(torch.nn.Module):\n"
        "    def forward(self, x):\n"
        "        return torch.zeros_like(x, dtype=torch.float32)\n"
    )
    assert exercise.score == 0


def test_a_symlink_to_a_secret_is_not_followed(hostile, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("the answers\n")
    source = with_course_example(
        "import os\n"
        "here = os.path.dirname(os.path.abspath(__file__))\n"
        "try:\n"
        "    print('LEAKED', open(os.path.join(here, 'answers.txt')).read())\n"
        "except OSError as exc:\n"
        "    print('MISSING', type(exc).__name__)\n"
    )
    exercise, _ = hostile(source, plant=lambda folder: (folder / "answers.txt").symlink_to(secret))
    assert "LEAKED" not in exercise.output and exercise.score == 0
    assert all("07_maxpool/answers.txt is a link" in check.message for check in exercise.checks)


def test_a_module_symlinked_to_the_reference_is_refused(level_sandbox, tmp_path):
    root = tmp_path / "submission"
    folder = root / "07_maxpool"
    folder.mkdir(parents=True)
    (folder / "maxpool.py").symlink_to(catalog.SOLUTIONS_DIR / "07_maxpool" / "maxpool.py")
    result = grading.grade(
        root, grading.GradeOptions(exercises=["07_maxpool"], device="cpu", threads=1), sandbox=level_sandbox
    )
    (exercise,) = result.exercises
    assert exercise.score == 0 and "07_maxpool/maxpool.py is a link" in exercise.checks[0].message


def test_sigstop_to_itself(hostile):
    exercise, _ = hostile(with_course_example("import os, signal\nos.kill(os.getpid(), signal.SIGSTOP)\n"))
    assert all(c.status in ("passed", "timeout") for c in course_checks(exercise))
    others_pass(exercise)


def test_signalling_the_parent_and_the_grader(hostile):
    exercise, _ = hostile(
        with_course_example(
            "import os, signal\n"
            f"for pid in (os.getppid(), {os.getpid()}):\n"
            "    if pid > 0:\n"
            "        try:\n"
            "            os.kill(pid, signal.SIGKILL)\n"
            "            print('SIGNALLED', pid)\n"
            "        except OSError as exc:\n"
            "            print('DENIED', type(exc).__name__)\n"
        )
    )
    assert "SIGNALLED" not in exercise.output
    assert exercise.score == exercise.max_score
