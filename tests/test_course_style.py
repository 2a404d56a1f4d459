"""Code written the way the course writes it gets the verdict a careful teacher would give.

Each folder under `tests/course_style/` is one exercise solved in the course's own style (its
names, its idioms, its order of steps; see `../shared/course-notes/`), not the reference's, with
`verdict.toml` beside it: every check that should not pass, with the reason. Every other check
must pass. The corpus grows whenever a learner's code is judged wrongly.
"""

import sys
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

CORPUS = Path(__file__).parent / "course_style"


def verdict(folder: Path) -> dict:
    with open(folder / "verdict.toml", "rb") as handle:
        return tomllib.load(handle)


FOLDERS = sorted(p for p in CORPUS.iterdir() if (p / "verdict.toml").is_file())
# `slow = true` in a verdict.toml: grading it trains a network (14, 18) or exports ONNX files (19)
CASES = [pytest.param(p, marks=pytest.mark.slow) if verdict(p).get("slow") else p for p in FOLDERS]


@pytest.mark.parametrize("folder", CASES, ids=[p.name for p in FOLDERS])
def test_course_style_submission_gets_the_teachers_verdict(grade, folder):
    wanted = verdict(folder)
    expected = {name: entry["status"] for name, entry in wanted.get("check", {}).items()}
    (exercise,) = grade(folder).exercises
    assert exercise.id == folder.name
    got = {check.name: check.status for check in exercise.checks if check.status != "skipped"}
    for name, status in got.items():
        key = name if name in expected else name.split("[", 1)[0]
        reason = (
            wanted.get("check", {}).get(key, {}).get("reason", "the contract does not take this point away")
        )
        assert status == expected.get(key, "passed"), (
            f"{folder.name}: {name} is {status}, a teacher would say {expected.get(key, 'passed')} ({reason})"
        )
    for name in expected:
        assert any(n == name or n.startswith(name + "[") for n in got), (
            f"{folder.name}: no check named {name}"
        )
