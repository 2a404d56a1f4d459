"""What a student sees when a visible test fails: short, their own frames only, import errors once, the hint
once."""

import re

import student_workspace

from autograder import hints

INDENTATION_ERROR = (
    "    if stride is None:\n        stride = kernel_size\n",
    "    if stride is None:\n        stride = kernel_size\n      oops = 1\n",
)


def failures(output: str) -> str:
    """The FAILURES section of pytest's output (the part our conftest writes)."""
    return output.split("= FAILURES =", 1)[-1]


def test_an_indentation_error_is_reported_once_with_file_line_and_message(tmp_path):
    student_workspace.make(tmp_path, ["07_maxpool"])
    student_workspace.solve(tmp_path, "07_maxpool", INDENTATION_ERROR)
    run = student_workspace.pytest_run(tmp_path, "exercises/07_maxpool", "-rN")
    section = failures(run.stdout)
    assert section.count("IndentationError") == 1, section
    assert re.search(r"IndentationError: .* \(exercises/07_maxpool/maxpool\.py, line \d+\)", section)
    assert "not run: maxpool.py cannot be imported (see the first error above)" in section
    assert "conftest" not in section and "importlib" not in section
    assert len(section.splitlines()) < 60, section


def test_a_library_error_shows_the_students_line_and_no_library_frames(tmp_path):
    """The course's MyData opens every file: a .DS_Store makes PIL raise deep inside its own code."""
    student_workspace.make(tmp_path, ["02_custom_dataset"])
    student_workspace.solve(
        tmp_path, "02_custom_dataset", ("if name.lower().endswith(IMAGE_EXTENSIONS) and", "if")
    )
    run = student_workspace.pytest_run(tmp_path, "exercises/02_custom_dataset", "-rN")
    section = failures(run.stdout)
    assert "UnidentifiedImageError" in section
    assert "exercises/02_custom_dataset/dataset.py:" in section
    assert "PIL/" not in section and "site-packages" not in section
    assert max(len(part.splitlines()) for part in section.split("\n_____")) < 15, section


def test_each_functions_hint_is_shown_once_per_run_below_the_failures(tmp_path):
    student_workspace.make(tmp_path, ["07_maxpool"])
    run = student_workspace.pytest_run(tmp_path, "exercises/07_maxpool")
    section = failures(run.stdout)
    assert section.count("TODO exercises/07_maxpool/maxpool.py:") >= 4
    for function in ("maxpool2d_output_size", "MaxPoolNet.__init__", "course_example"):
        assert section.count(f"Hint for {function}:") == 1, section


def test_on_ci_the_short_summary_repeats_the_failure_but_not_the_hint(tmp_path):
    """On CI pytest writes each failure's message out in full in its summary; the hint stays above."""
    student_workspace.make(tmp_path, ["07_maxpool"])
    run = student_workspace.pytest_run(tmp_path, "exercises/07_maxpool", "-rf", CI="true")
    summary = run.stdout.split("short test summary info", 1)[1]
    assert "FAILED exercises/07_maxpool/test_maxpool.py::test_course_example_with_ceil_mode - TODO" in summary
    assert "course_example is not written yet" in summary
    assert "Hint for" not in summary, summary


def test_the_hint_follows_the_language_asked_for(tmp_path):
    student_workspace.make(tmp_path, ["07_maxpool"])
    run = student_workspace.pytest_run(tmp_path, "exercises/07_maxpool", "--lang", "zh")
    level1 = hints.kit_hints("07_maxpool").find("maxpool2d_output_size").level(1)
    assert level1.zh in run.stdout and level1.en not in run.stdout
    assert "07_maxpool：可见测试通过 0/" in run.stdout


def test_a_wrong_answer_shows_the_tests_message_not_pytests_introspection(tmp_path):
    student_workspace.make(tmp_path, ["07_maxpool"])
    student_workspace.solve(
        tmp_path,
        "07_maxpool",
        ("        if (out - 1) * stride >= size + padding:\n            out -= 1\n", ""),
    )
    section = failures(student_workspace.pytest_run(tmp_path, "exercises/07_maxpool").stdout)
    assert "In ceil mode, drop a last window that would start inside the right padding" in section
    assert "+  where" not in section and "assert 4 == 3" not in section
