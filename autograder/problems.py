"""What can go wrong on the student's side of a call, as exceptions whose messages are bilingual.

Raised by the proxies (`autograder.proxies`) and caught by the judge, which turns them into a
check's status (`error`, `timeout`) and message. Hidden checks import them from
`autograder.checking`.
"""

from __future__ import annotations

import signal
from collections.abc import Mapping
from typing import Any, NoReturn

from autograder import textsafe
from autograder.i18n import Text


class StudentProblem(Exception):
    """Base for everything that goes wrong on the student's side of a call."""

    status = "error"

    def __init__(self, text: Text | str) -> None:
        self.text = text if isinstance(text, Text) else Text.plain(text)
        super().__init__(self.text.render())

    def __str__(self) -> str:
        return self.text.render()


class StudentError(StudentProblem):
    """Student code raised an exception (or could not be imported): type, message, file and line."""

    def __init__(self, info: Mapping[str, Any] | None) -> None:
        self.info = info if isinstance(info, dict) else {}
        super().__init__(Text.plain(self.summary()))

    @property
    def kind(self) -> str:
        return textsafe.clean(self.info.get("type") or "Error", 100)

    @property
    def message(self) -> str:
        """The exception's message as the worker reported it: valid Unicode, no ANSI codes, a few KB at
        most."""
        return textsafe.clean(self.info.get("message") or "", textsafe.MESSAGE_LIMIT)

    def summary(self) -> str:
        """`ValueError: bad size (maxpool.py, line 12)`: the location once, after the message."""
        where = ""
        line = self.info.get("line")
        if self.info.get("file"):
            where = f"({textsafe.clean(self.info['file'], 200)}, line {line if type(line) is int else '?'})"
        message = self.message
        if where and message.endswith(where):
            where = ""
        parts = [f"{self.kind}: {message}" if message else self.kind]
        if where:
            parts.append(where)
        return " ".join(parts)


class NotJudged(StudentProblem):
    """A check could not judge its behaviour because one of the student's functions failed first, in a
    way another check already charges: reported with status `not_judged`, worth 0, and `blocked_by`
    naming that function (one bug, one charge)."""

    status = "not_judged"

    def __init__(self, text: Text | str, blocked_by: str) -> None:
        self.blocked_by = blocked_by
        super().__init__(text)


def not_judged(blocked_by: str, en: str, zh: str) -> NoReturn:
    """Stop the running check as not judged (see `NotJudged`); the message says which check charges it."""
    raise NotJudged(Text(en, zh), blocked_by)


class StudentTimeout(StudentProblem):
    """A call into student code ran past its time limit."""

    status = "timeout"


SIGNALS = {
    signal.SIGKILL: Text(
        "was killed (SIGKILL), usually by the memory limit", "被强制结束（SIGKILL），通常是超出了内存限制"
    ),
    signal.SIGXCPU: Text("was stopped by the CPU-time limit (SIGXCPU)", "超出了 CPU 时间限制（SIGXCPU）"),
    signal.SIGSEGV: Text("crashed with a segmentation fault (SIGSEGV)", "因段错误崩溃（SIGSEGV）"),
    signal.SIGABRT: Text("aborted (SIGABRT)", "异常中止（SIGABRT）"),
}


class WorkerCrashed(StudentProblem):
    """The process running the student's code ended in the middle of a call."""

    def __init__(self, status: Mapping[str, Any] | None, during: str) -> None:
        how = self.describe(status)
        super().__init__(
            Text(
                f"the process running your code {how.en} during {during}",
                f"运行你的代码的进程在 {during} 期间{how.zh}",
            )
        )

    @classmethod
    def describe(cls, status: Mapping[str, Any] | None) -> Text:
        if not status:
            return Text("stopped answering", "停止了响应")
        number = status.get("signal")
        code = status.get("exit")
        if number is None and code is not None and code >= 128:
            number = code - 128
        if number is not None:
            return SIGNALS.get(number, Text(f"was killed by signal {number}", f"被信号 {number} 结束"))
        return Text(
            f"exited with status {code} (sys.exit or os._exit in your code?)",
            f"以状态 {code} 退出（代码里调用了 sys.exit 或 os._exit？）",
        )


def timeout(during: str, seconds: float | None = None) -> StudentTimeout:
    """`<call> did not finish in time` (with the limit when known)."""
    limit = f" ({seconds:.0f} s)" if seconds else ""
    return StudentTimeout(
        Text(f"{during} did not finish in time{limit}", f"{during} 没有在限定时间内完成{limit}")
    )


def budget_used(seconds: float) -> StudentTimeout:
    return StudentTimeout(
        Text(
            f"the exercise's time budget of {seconds:.0f} s is used up",
            f"本练习 {seconds:.0f} 秒的总时间已用完",
        )
    )


class SubmissionProblem(StudentProblem):
    """The submission cannot be run at all for this exercise: its file is missing, or it is too large."""


def missing_file(where: str) -> SubmissionProblem:
    return SubmissionProblem(Text(f"{where} was not found in the submission", f"提交中找不到 {where}"))
