"""Hostile or broken code loses its own points; the grader survives and grades everything else.

Each test hands in a submission with a hostile 07_maxpool next to a correct
06_conv_shapes, grades those two, and checks that the correct exercise keeps full marks.
"""

from pathlib import Path

import pytest

from mutants import copy_solution

PAIR = ["06_conv_shapes", "07_maxpool"]


def submission_with(tmp_path: Path, maxpool_source: str) -> Path:
    root = tmp_path / "submission"
    copy_solution("06_conv_shapes", root)
    folder = copy_solution("07_maxpool", root)
    (folder / "maxpool.py").write_text(maxpool_source, encoding="utf-8")
    return root


def solution_text() -> str:
    from autograder import catalog

    return (catalog.SOLUTIONS_DIR / "07_maxpool" / "maxpool.py").read_text(encoding="utf-8")


def results_by_exercise(result):
    return {
        exercise.id: exercise
        for exercise in result.exercises
        if exercise.id in ("06_conv_shapes", "07_maxpool")
    }


def assert_neighbour_unharmed(result) -> None:
    conv = results_by_exercise(result)["06_conv_shapes"]
    assert conv.score == conv.max_score, [(c.name, c.message) for c in conv.checks if c.status != "passed"]


def test_sys_exit_at_import_scores_zero_with_its_reason(grade, tmp_path):
    result = grade(submission_with(tmp_path, "import sys\nsys.exit(0)\n"), PAIR)
    maxpool = results_by_exercise(result)["07_maxpool"]
    assert maxpool.score == 0
    assert all("sys.exit(0)" in check.message for check in maxpool.checks)
    assert_neighbour_unharmed(result)


@pytest.mark.slow
def test_infinite_loop_times_out_that_function_only(grade, tmp_path):
    source = solution_text().replace(
        "    if stride is None:\n        stride = kernel_size\n", "    while True:\n        pass\n", 1
    )
    result = grade(submission_with(tmp_path, source), PAIR, time_scale=0.3)
    maxpool = results_by_exercise(result)["07_maxpool"]
    statuses = {check.name: check.status for check in maxpool.checks}
    assert statuses["output_size_matches_nn_maxpool2d_in_floor_mode"] == "timeout"
    assert statuses["course_example_with_ceil_mode"] == "passed"
    assert_neighbour_unharmed(result)


def test_memory_bomb_is_stopped_by_the_memory_limit(grade, tmp_path):
    source = solution_text().replace(
        "    image = torch.tensor(COURSE_INPUT",
        "    hoard = bytearray(64 * 1024 ** 3)\n    image = torch.tensor(COURSE_INPUT",
        1,
    )
    result = grade(submission_with(tmp_path, source), PAIR)
    maxpool = results_by_exercise(result)["07_maxpool"]
    bombed = [c for c in maxpool.checks if c.name.startswith("course_example")]
    assert bombed and all(c.status == "error" and "MemoryError" in c.message for c in bombed)
    assert all(c.status == "passed" for c in maxpool.checks if c not in bombed)
    assert_neighbour_unharmed(result)


def test_exit_in_the_middle_of_a_check_fails_that_check_only(grade, tmp_path):
    source = solution_text().replace(
        "def course_example(ceil_mode):\n",
        "def course_example(ceil_mode):\n    import os\n    os._exit(3)\n",
        1,
    )
    result = grade(submission_with(tmp_path, source), PAIR)
    maxpool = results_by_exercise(result)["07_maxpool"]
    for check in maxpool.checks:
        if check.name.startswith("course_example"):
            assert check.status == "error" and "exited with status 3" in check.message
        else:
            assert check.status == "passed", (check.name, check.message)
    assert_neighbour_unharmed(result)


def test_patching_comparison_helpers_cannot_fake_right_answers(grade, tmp_path):
    source = (
        "import torch\n"
        "torch.allclose = lambda *a, **k: True\n"
        "torch.equal = lambda *a, **k: True\n"
        "torch.Tensor.__eq__ = lambda self, other: torch.ones((), dtype=torch.bool)\n"
        "torch.isclose = lambda a, b, **k: torch.ones_like(a, dtype=torch.bool)\n"
        "import builtins\n"
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
    result = grade(submission_with(tmp_path, source), PAIR)
    maxpool = results_by_exercise(result)["07_maxpool"]
    assert maxpool.score == 0, [(c.name, c.status) for c in maxpool.checks if c.status == "passed"]
    assert_neighbour_unharmed(result)
