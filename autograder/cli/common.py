"""What the command modules share: the one-line error, and writing a report to a file or stdout."""

from __future__ import annotations

import sys
from pathlib import Path

from autograder.errors import KitError


class CommandError(KitError):
    """A problem to report in one line and exit with status 2."""


def emit(text: str, output: Path | None) -> None:
    """Write `text` to `output` (folders made as needed), or to stdout."""
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
