"""Realistic wrong submissions lose points on the checks that name their mistake, and on no other.

One bug is charged once: a mutant that also fails a check which does not name its mistake (a
knock-on failure, a false message) is a bug in the checks, not in the mutant.
"""

import pytest

from autograder.results import NEUTRAL
from mutants import MUTANTS, apply, copy_solution


def lost_checks(result) -> dict[str, str]:
    """The checks that failed (a not-judged check is neutral: it names the check that charges the bug)."""
    (exercise,) = result.exercises
    for check in exercise.checks:
        assert check.status != "not_judged" or check.blocked_by, (
            f"{check.name} is not judged without saying why"
        )
    return {
        check.name: check.message for check in exercise.checks if check.status not in ("passed", *NEUTRAL)
    }


def names(check: str, expected: tuple[str, ...]) -> bool:
    """Whether `check` is one of `expected` (a parametrised check matches its name without the [id])."""
    return any(check == name or check.startswith(name + "[") for name in expected)


@pytest.mark.parametrize(
    "mutant",
    [pytest.param(m, marks=pytest.mark.slow) if m.slow else m for m in MUTANTS],
    ids=[m.name for m in MUTANTS],
)
def test_mistake_loses_points_only_on_the_checks_that_name_it(grade, tmp_path, mutant):
    folder = copy_solution(mutant.exercise, tmp_path)
    apply(mutant, folder)
    result = grade(folder)
    lost = lost_checks(result)
    for name in mutant.loses:
        assert any(names(check, (name,)) for check in lost), (
            f"{mutant.name} should lose {name}; lost only {sorted(lost)}"
        )
    others = {check: message for check, message in lost.items() if not names(check, mutant.loses)}
    assert not others, f"{mutant.name} also lost checks that do not name its mistake: {others}"


def test_feedback_names_the_missing_return(grade, tmp_path):
    mutant = next(m for m in MUTANTS if m.name == "conv_forward_forgets_return")
    folder = copy_solution(mutant.exercise, tmp_path)
    apply(mutant, folder)
    message = lost_checks(grade(folder))["forward_returns_the_convolution_output"]
    assert "returned None" in message and "return" in message


def test_feedback_explains_the_torch_load_default(grade, tmp_path):
    mutant = next(m for m in MUTANTS if m.name == "load_full_with_the_new_torch_load_default")
    folder = copy_solution(mutant.exercise, tmp_path)
    apply(mutant, folder)
    message = lost_checks(grade(folder))["load_full_loads_a_whole_pickled_model"]
    assert "weights_only=False" in message
