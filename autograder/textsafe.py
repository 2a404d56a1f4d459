"""Text that any writer can write: valid Unicode, no terminal escapes, bounded, XML- and spreadsheet-safe.

Text from a worker (exception messages, printed output, returned strings) is untrusted: it may hold
lone surrogates (which no UTF-8 writer can encode), ANSI escape sequences (which colour or rewrite a
terminal, and are noise in JSON), control characters XML 1.0 forbids, or megabytes of data. Every
report writer (table, JSON, JUnit, Gradescope, CSV, HTML) passes its text through `clean` (or the
stricter `xml_text` and `csv_cell`), so no text a student controls can stop a report from being
written. Pure Python with no heavy imports: the worker's codec uses it too.
"""

from __future__ import annotations

import re
from typing import Any

REPLACEMENT = "\ufffd"
ELLIPSIS = "…"
MESSAGE_LIMIT = 2000  # characters per language of one check message: a few KB, whatever the student sent

_SURROGATES = re.compile("[\ud800-\udfff]")
# CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \), other escapes (ESC, intermediates, a final byte:
# ESC c resets the terminal), a lone ESC, and 8-bit CSI.
_ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[ -/]*[0-~]?|\x9b[0-?]*[ -/]*[@-~]"
)
# C0 and C1 controls a terminal or a reader acts on; tab and newline stay.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# What XML 1.0 allows: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
FORMULA_STARTS = ("=", "+", "-", "@")  # and a cell starting with a tab or a carriage return


def valid_unicode(text: str) -> str:
    """`text` with every lone surrogate (e.g. from `"\\ud800"` in JSON) replaced by U+FFFD."""
    if text.isascii():
        return text
    return _SURROGATES.sub(REPLACEMENT, text)


def strip_ansi(text: str) -> str:
    """`text` without ANSI escape sequences (colours, cursor moves, window titles)."""
    if "\x1b" not in text and "\x9b" not in text:
        return text
    return _ANSI.sub("", text)


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, ending with an ellipsis when cut."""
    return text if len(text) <= limit else text[: max(0, limit - 1)] + ELLIPSIS


def clean(text: Any, limit: int | None = None) -> str:
    """Text any writer can write and any reader can show: valid Unicode, no ANSI escapes, no control
    characters but tab and newline (a carriage return becomes a newline); cut to `limit` when given.

    Cutting happens first, so cleaning megabytes costs no more than cleaning `limit` characters."""
    text = text if isinstance(text, str) else str(text)
    if limit is not None:
        text = clip(text, limit)
    text = strip_ansi(valid_unicode(text))
    if not text.isprintable():
        text = _CONTROLS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return text


def clean_tree(value: Any) -> Any:
    """JSON-ready data with every string (keys too) `clean`ed: what the JSON writers dump."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {clean(key) if isinstance(key, str) else key: clean_tree(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_tree(item) for item in value]
    return value


def xml_text(text: Any, limit: int | None = None) -> str:
    """`clean` text without the characters XML 1.0 forbids (JUnit reports must parse)."""
    return _NOT_XML.sub("", clean(text, limit))


def csv_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet shows as text: a string starting with `= + - @`, a tab or a carriage
    return (which Excel, LibreOffice and Google Sheets would run as a formula), also after leading
    blanks or control characters, gets a leading apostrophe, as OWASP's CSV-injection guidance
    advises. Numbers are kept as numbers."""
    if not isinstance(value, str):
        return value
    text = clean(value)
    if text[:1] in ("\t", "\n") or text.lstrip(" \t\n").startswith(FORMULA_STARTS):
        text = "'" + text  # `clean` turned a carriage return into a newline
    return text
