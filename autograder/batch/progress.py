"""The progress line of a batch on a terminal: counts and an estimate of the time left."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from autograder.i18n import Text


class Progress:
    """A one-line progress bar with counts and ETA on a terminal; silent otherwise."""

    def __init__(self, total: int, stream: TextIO = sys.stderr) -> None:
        self.total, self.done, self.running, self.stream = total, 0, 0, stream
        self.started = time.monotonic()
        self.active = stream.isatty()

    def update(self) -> None:
        if not self.active:
            return
        width = 30
        filled = int(width * self.done / self.total) if self.total else width
        elapsed = time.monotonic() - self.started
        eta = f"{elapsed / self.done * (self.total - self.done):.0f}s" if self.done else "?"
        counts = Text(
            f"{self.done}/{self.total} graded, {self.running} running, ETA {eta}",
            f"已评 {self.done}/{self.total}，进行中 {self.running}，预计剩余 {eta}",
        )
        self.stream.write(f"\r[{'=' * filled}{' ' * (width - filled)}] {counts}   ")
        self.stream.flush()

    def finish(self) -> None:
        if self.active:
            self.stream.write("\n")
