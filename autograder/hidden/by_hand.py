"""The grader's side of "write it by hand" checks (04, 08, 10): judged by behaviour, never by names.

Each function runs in the worker with the forbidden built-ins unreachable (`worker/forbidden.py`): a
call that reaches one, by any name or alias, is refused and named in the message. The worker's word
that nothing forbidden was reached is not enough: the point is granted only when the value computed
meanwhile equals the one the grader computed itself. A function that is wrong or raises without
reaching a built-in is not judged here (its value checks charge it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from autograder.checking import StudentError, Text, agrees, fail, not_judged_because


@dataclass(frozen=True)
class ByHandCase:
    """One function to run by hand: `run()` probes it (value and built-ins reached), `expected` is the
    grader's own value for that call."""

    function: str
    run: Callable[[], dict[str, Any]]
    expected: Any
    atol: float = 1e-5


def judge_by_hand(cases: list[ByHandCase], instead: Text) -> None:
    """Fail naming the built-ins reached; pass when every value is right; else not judged."""
    reached: dict[str, list[str]] = {}
    wrong: list[str] = []
    for case in cases:
        try:
            got = case.run()
        except StudentError:
            wrong.append(case.function)
            continue
        if got["forbidden"]:
            reached[case.function] = list(got["forbidden"])
        elif not agrees(got["value"], case.expected, atol=case.atol):
            wrong.append(case.function)
    if reached:
        names = list(dict.fromkeys(case.function for case in cases))
        functions = " and ".join(names)
        calls = "; ".join(f"{function} called {', '.join(labels)}" for function, labels in reached.items())
        calls_zh = "；".join(f"{function} 调用了 {', '.join(labels)}" for function, labels in reached.items())
        fail(
            f"{functions} must be written by hand, but {calls}; {instead.en}",
            f"{'、'.join(names)} 需要手写实现，但 {calls_zh}；{instead.zh}",
        )
    if wrong:
        not_judged_because(
            wrong[0],
            f"{wrong[0]} does not give the right value yet (its value checks charge it)",
            f"{wrong[0]} 的结果还不对（已由它的数值检查扣分）",
        )
