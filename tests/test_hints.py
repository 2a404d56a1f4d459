"""Hints, the single source: every function to write has three levels in both languages, stubs show only
level 1, no level gives a solution line away, each exercise names a lesson that is in the course notes,
and the judge attaches level 1 to a failed check."""

import os
from pathlib import Path

import pytest

from autograder import catalog, hints, stubs
from autograder.stub_sync import generated_stub

NOTES = Path(os.environ.get("AUTOGRADER_NOTES") or catalog.KIT_ROOT.parent / "shared" / "course-notes")


def solution_functions(exercise) -> list[str]:
    source = exercise.solution_file.read_text(encoding="utf-8")
    lines = source.splitlines()
    return [stubs.function_at(source, region.begin + 1) for region in stubs.find_regions(lines, exercise.id)]


def solution_lines(exercise) -> set[str]:
    """The lines inside the solution's marked regions that could give the answer away (not `return x`)."""
    lines = exercise.solution_file.read_text(encoding="utf-8").splitlines()
    found = set()
    for region in stubs.find_regions(lines, exercise.id):
        found |= {line.strip() for line in lines[region.begin + 1 : region.end] if len(line.strip()) >= 24}
    return found


@pytest.mark.parametrize("exercise", catalog.exercises(), ids=lambda e: e.id)
def test_every_function_to_write_has_three_levels_in_both_languages(exercise):
    exercise_hints = hints.kit_hints(exercise.id)
    for function in solution_functions(exercise):
        hint = exercise_hints.find(function)
        assert hint is not None and hint.function == function, f"{exercise.id}: no hint for {function}"
        assert all(level.en and level.zh and level.en != level.zh for level in hint.levels)


@pytest.mark.parametrize("exercise", catalog.exercises(), ids=lambda e: e.id)
def test_no_hint_holds_a_line_of_the_solution(exercise):
    text = (catalog.SOLUTIONS_DIR / exercise.id / "hints.toml").read_text(encoding="utf-8")
    leaked = [line for line in solution_lines(exercise) if line in text]
    assert leaked == []


@pytest.mark.parametrize("exercise", catalog.exercises(), ids=lambda e: e.id)
def test_stubs_show_level_1_and_never_levels_2_or_3(exercise):
    stub = " ".join(generated_stub(exercise).replace("#", " ").split())
    for hint in hints.kit_hints(exercise.id).hints:
        assert " ".join(hint.level(1).en.split()) in stub
        for level in (2, 3):
            assert " ".join(hint.level(level).en.split()) not in stub
            assert " ".join(hint.level(level).zh.split()) not in stub


@pytest.mark.parametrize("exercise", catalog.exercises(), ids=lambda e: e.id)
def test_the_lesson_named_is_a_heading_of_the_course_notes(exercise):
    if not NOTES.is_dir():
        pytest.skip(f"course notes not found at {NOTES} (set AUTOGRADER_NOTES to their folder)")
    lesson = hints.kit_hints(exercise.id).lesson
    notes = (NOTES / lesson.notes).read_text(encoding="utf-8")
    headings = [line.lstrip("#").strip() for line in notes.splitlines() if line.startswith("#")]
    assert lesson.heading in headings


def test_a_malformed_hints_file_is_reported_with_its_entry():
    text = '[lesson]\nnotes = "n"\nheading = "h"\nen = "e"\nzh = "z"\n[hints.f]\nidea = ["only English"]\n'
    with pytest.raises(hints.HintError, match=r"x\.toml: hints\.f\.idea must be \[English, Chinese\]"):
        hints.parse(text, "01_tensors", "x.toml")


def test_a_failed_check_carries_the_hint_of_the_function_it_exercised(grade, tmp_path: Path):
    folder = tmp_path / "07_maxpool"
    folder.mkdir()
    source = catalog.get("07_maxpool").solution_file.read_text(encoding="utf-8")
    wrong = source.replace("        if (out - 1) * stride >= size + padding:\n            out -= 1\n", "")
    assert wrong != source
    (folder / "maxpool.py").write_text(wrong)
    result = grade(tmp_path, ["07_maxpool"], time_scale=3)
    failed = [check for check in result.exercises[0].checks if check.status == "failed"]
    assert failed
    expected = hints.kit_hints("07_maxpool").find("maxpool2d_output_size").level(1)
    assert all(check.hint == expected for check in failed if "maxpool2d_output_size" in check.functions)
    assert any("maxpool2d_output_size" in check.functions for check in failed)
    assert all(check.hint is None for check in result.exercises[0].checks if check.status == "passed")
