"""Messages in two languages: one `Text` holds the English and the Chinese, rendered at the edge.

Checks, the grader and the student commands build `Text` (or call `tr`, which renders at once in
the configured language). Results keep both languages, so a saved result can be shown later in
either (`autograder report --lang en`). The language defaults to the locale: Chinese when
`LANG`/`LC_ALL` starts with `zh`, else both.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

LANGUAGES = ("en", "zh", "both")
SEPARATOR = " | "


def _from_locale() -> str:
    for variable in ("AUTOGRADER_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if value in LANGUAGES:
            return value
        if value:
            return "zh" if value.lower().startswith("zh") else "both"
    return "both"


_language = _from_locale()


def set_language(language: str) -> None:
    """Choose "en", "zh" or "both" for everything rendered from now on in this process."""
    global _language
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}")
    _language = language


def language() -> str:
    """The language in force: "en", "zh" or "both"."""
    return _language


@dataclass(frozen=True)
class Text:
    """One message in English and Chinese."""

    en: str
    zh: str

    def render(self, lang: str | None = None) -> str:
        """The message in `lang` (default: the configured language); "both" joins them."""
        lang = lang or _language
        if lang == "en" or self.zh == self.en:
            return self.en if lang != "zh" else self.zh
        if lang == "zh":
            return self.zh
        return f"{self.en}{SEPARATOR}{self.zh}" if self.zh else self.en

    def __str__(self) -> str:
        return self.render()

    def __add__(self, other: Text | str) -> Text:
        if isinstance(other, Text):
            return Text(self.en + other.en, self.zh + other.zh)
        return Text(self.en + other, self.zh + other)

    def to_dict(self) -> dict[str, str]:
        return {"en": self.en, "zh": self.zh}

    @classmethod
    def plain(cls, text: str) -> Text:
        """Text that reads the same in both languages (a file name, a number, a quoted value)."""
        return cls(text, text)

    @classmethod
    def from_dict(cls, data: object, fallback: str = "") -> Text:
        """Back from `to_dict`; a plain string (an older result) reads the same in both languages."""
        if isinstance(data, dict) and isinstance(data.get("en"), str) and isinstance(data.get("zh"), str):
            return cls(data["en"], data["zh"])
        return cls.plain(data if isinstance(data, str) else fallback)


def tr(en: str, zh: str) -> str:
    """One message rendered now in the configured language(s)."""
    return Text(en, zh).render()
