"""The one base class for errors the command line reports in a line and exits 2 on."""

from __future__ import annotations

from autograder.i18n import Text


class KitError(Exception):
    """The grader or a generator cannot go on: a bad path, archive, notebook or setup.

    The message must name the offending thing and, where it can, the fix.
    """


class StudentFacingError(KitError):
    """A KitError the student reads too (a refused submission or archive): kept in both languages,
    rendered in the configured language when shown."""

    def __init__(self, text: Text) -> None:
        self.text = text
        super().__init__(text.en)

    def __str__(self) -> str:
        return self.text.render()
