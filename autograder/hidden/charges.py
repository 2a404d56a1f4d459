"""One bug, one charge: a verdict kept for the check that owns it, and the checks that stand down because of
it.

A check that needs another behaviour to be right first (a loop's step before where it converges)
reads that behaviour's verdict; when it is not right, the check is "not judged" and names the
function, and only the owning check reports the failure.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from autograder.checking import not_judged


def verdict_of(judge: Callable[[], None]) -> Literal[True] | Exception:
    """True when `judge()` passes, else what it raised: kept for the check that owns it, and telling the
    checks that depend on it to stand down."""
    try:
        judge()
    except Exception as failure:  # a wrong answer, a not-judged verdict, an error in the student's code
        return failure
    return True


def owned(verdict: Literal[True] | Exception) -> None:
    """For the check that owns the verdict: raise what was kept (nothing when it passed)."""
    if verdict is not True:
        raise verdict


def needs_right_steps(steps: Literal[True] | Exception, function: str) -> None:
    """Not judged when the loop's step is already wrong (the one-step-per-epoch check charges it): a loop with
    a wrong step cannot converge to the right answer, and that is one mistake."""
    if isinstance(steps, Exception) and getattr(steps, "blocked_by", None):
        raise steps  # the step check stood down itself: for the same reason
    if steps is not True:
        not_judged(
            function,
            f"{function}'s epochs are not plain SGD steps yet (the one-step-per-epoch check charges this)",
            f"{function} 的每个 epoch 还不是一步普通 SGD（由“每个 epoch 一步”的检查扣分）",
        )
