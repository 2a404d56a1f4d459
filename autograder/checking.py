"""What hidden checks are written with: points, comparisons, and messages students can act on.

A hidden check is a pytest test marked with `@points(n)`. It gets its inputs from the fixtures
`student` (the submission, behind a sandboxed worker), `reference` (the solution, in the grader's
process) and `data`, both proxies sharing one interface (`autograder.proxies.ModuleProxy`): `probe`
with a probe function, `call`, `each`. It judges with the `expect_*` helpers (re-exported here), which
raise `CheckFailed` with one line saying what was expected and what came back, in English and Chinese.
A check that needs another of the student's functions, already wrong and charged by its own check,
calls `not_judged_because(...)` (or `not_judged(...)` with its own wording): status `not_judged`, worth
0, not a failure; one bug, one charge.
`note` adds a remark shown even when the check passes; `attach` keeps data for the report pages
(a training curve, images), JSON-ready, under a key of the exercise's result.

Number-like values. A right value of a number-like type (a 0-dim tensor, a NumPy scalar, a float
holding a whole number) is a type problem, said in one short line, never a wrong value or structure.
Value checks (`expect_equal`, `expect_each_equal`, `expect_close` against a number or a 0-dim tensor)
compare the number it stands for (`number_types.number_value`; bool is never a number). Each contract
says which of three kinds a returned number is:
- a size that code uses as a size (`conv2d_output_size`, `maxpool2d_output_size`): an integer type,
  what layers accept (int, a NumPy integer, a 0-dim integer tensor); a float of any kind, even a whole
  one, is refused (`nn.Linear(1024.0, 64)` raises), charged once by the exercise's "... is an int"
  check (`expect_int`, `expect_each_int`) and nowhere else;
- a number a learner would print (a course figure, a parameter count, an accuracy, a checkpoint's
  epoch and loss): any number-like value of the right value is accepted, 0-dim tensors included;
- a tensor that training goes on with (a loss): a tensor; a Python float is charged once, by the check
  that needs the tensor (the gradient check), with the reason (`.item()` cuts the gradient).
A tensor of several values where one number is asked is a wrong shape ("reduce it, e.g. .mean()").

Everything a hidden check needs is importable from here: the problems a student's call can raise
(`StudentProblem`, `StudentError`, `StudentTimeout`), `Text` and `tr` for bilingual messages, and
the verdicts of `autograder.verdicts`.

The helpers live by concern: `expectations` (one value against the grader's), `each_case` (the outcomes of
`call_each`, case by case), `verdicts` (points, failing, notes, not judged) and `problems`.
"""

from __future__ import annotations

from autograder.each_case import call_text, each_equal, expect_each_equal, expect_each_int
from autograder.expectations import (
    TYPE_NAMES_ZH,
    agrees,
    chinese,
    describe_type,
    english,
    expect_close,
    expect_equal,
    expect_int,
    expect_tensor,
    expect_type,
    type_names,
)
from autograder.i18n import Text, tr
from autograder.number_types import number_value
from autograder.problems import NotJudged, StudentError, StudentProblem, StudentTimeout, not_judged
from autograder.showing import clip, show
from autograder.verdicts import CheckFailed, attach, cuda_only, fail, not_judged_because, note, points

__all__ = [
    "TYPE_NAMES_ZH",
    "CheckFailed",
    "NotJudged",
    "StudentError",
    "StudentProblem",
    "StudentTimeout",
    "Text",
    "agrees",
    "attach",
    "call_text",
    "chinese",
    "clip",
    "cuda_only",
    "describe_type",
    "each_equal",
    "english",
    "expect_close",
    "expect_each_equal",
    "expect_each_int",
    "expect_equal",
    "expect_int",
    "expect_tensor",
    "expect_type",
    "fail",
    "not_judged",
    "not_judged_because",
    "note",
    "number_value",
    "points",
    "show",
    "tr",
    "type_names",
]
