"""Text laid out in terminal columns: Chinese characters take two columns, and lines break between them.

`textwrap` counts characters and breaks only at spaces, so a Chinese message (no spaces, each
character two columns wide) came out twice as wide as the table; these helpers count columns.
"""

from __future__ import annotations

import re
import unicodedata

_TOKENS = re.compile(
    r"\s+|[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]"
    r"|[^\s\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]+"
)


def width(text: str) -> int:
    """Terminal columns `text` takes: two for wide (East Asian) characters, one for the others."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, columns: int, right: bool = False) -> str:
    """`text` padded with spaces to `columns` terminal columns (on the left when `right`)."""
    fill = " " * max(0, columns - width(text))
    return fill + text if right else text + fill


def _split(token: str, columns: int) -> list[str]:
    """A token wider than a line, cut into pieces of at most `columns` columns."""
    pieces, piece = [], ""
    for ch in token:
        if piece and width(piece + ch) > columns:
            pieces.append(piece)
            piece = ""
        piece += ch
    return pieces + [piece] if piece else pieces


def wrap(text: str, columns: int) -> list[str]:
    """`text` (whitespace collapsed) in lines of at most `columns` terminal columns; breaks at spaces
    and between wide characters, and cuts a word only when it is wider than a line."""
    lines: list[str] = []
    line, used = "", 0
    for token in _TOKENS.findall(" ".join(text.split())):
        if token.isspace():
            if line:
                line, used = line + " ", used + 1
            continue
        for piece in _split(token, columns) if width(token) > columns else [token]:
            size = width(piece)
            if used + size > columns and line.strip():
                lines.append(line.rstrip())
                line, used = "", 0
            line, used = line + piece, used + size
    if line.strip():
        lines.append(line.rstrip())
    return lines
