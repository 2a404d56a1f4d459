"""`grade` and `grade-batch` share one declaration of the grading options, with the same defaults, read
into one GradeOptions that a batch carries whole (not copied field by field)."""

import pytest

from autograder.catalog import UnknownExercise
from autograder.cli import build_parser
from autograder.cli.options import grade_options
from autograder.options import BatchOptions, GradeOptions

SHARED = ("exercise", "device", "isolation", "data_root", "time_scale", "threads")


def parsed(*argv):
    return build_parser().parse_args(list(argv))


def test_grade_and_grade_batch_have_the_same_grading_options_and_defaults():
    one, many = parsed("grade", "sub"), parsed("grade-batch", "subs", "--out", "results")
    assert {name: getattr(one, name) for name in SHARED} == {name: getattr(many, name) for name in SHARED}
    assert one.device == "auto" and one.isolation == "auto"


def test_the_options_are_read_into_one_grade_options(monkeypatch):
    monkeypatch.delenv("AUTOGRADER_DATA", raising=False)
    args = parsed(
        "grade-batch",
        "subs",
        "--out",
        "r",
        "--exercise",
        "07_maxpool",
        "--device",
        "cpu",
        "--isolation",
        "reduced",
        "--time-scale",
        "2",
    )
    options = grade_options(args, threads=3)
    assert options == GradeOptions(
        exercises=["07_maxpool"], device="cpu", threads=3, time_scale=2.0, isolation="reduced"
    )
    assert BatchOptions(grade=options).grade is options


def test_an_explicit_thread_count_wins_over_the_batchs_share_of_cores():
    assert grade_options(parsed("grade-batch", "s", "--out", "r", "--threads", "1"), threads=8).threads == 1


def test_an_unknown_exercise_is_refused_while_reading_the_options():
    with pytest.raises(UnknownExercise, match="unknown exercise '99_nothing'"):
        grade_options(parsed("grade", "sub", "--exercise", "99_nothing"))


def test_run_settings_are_derived_from_the_options_in_one_place():
    settings = GradeOptions(device="cpu", threads=3, time_scale=2.5, gpu_memory_fraction=0.4).run_settings()
    assert (settings.device, settings.threads, settings.time_scale, settings.gpu_memory_fraction) == (
        "cpu",
        3,
        2.5,
        0.4,
    )
