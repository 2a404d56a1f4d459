"""The template engine for the HTML pages: Jinja2 with autoescaping, and the page's language.

Jinja2 escapes every value a template prints unless it is marked safe, so a check message quoting
what a student's code printed (`<script>`), a file name or an exception text always shows as text;
only the few helpers here build markup, escaping what they put in it. Every string is also made
printable first (`printable`, with `textsafe`): no terminal escape codes, no control characters, no
lone surrogates.
Jinja2 is already a dependency of PyTorch, so it adds nothing to an install.
"""

from __future__ import annotations

import base64
import hashlib
import math
from functools import cache
from pathlib import Path
from typing import Any

from autograder.errors import KitError
from autograder.i18n import Text
from autograder.textsafe import clean

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "html"
TEXT_LIMIT = 20_000  # characters of one text on a page, whatever a result file holds
HTML_LANG = {"en": "en", "zh": "zh-CN", "both": "en"}


class MissingJinja(KitError):
    """Jinja2 is not installed, so no HTML page can be written."""


def printable(text: Any) -> str:
    """`text` as a page can show it (`textsafe.clean`): at most TEXT_LIMIT characters, no ANSI codes or
    control characters (tab and newline stay), lone surrogates replaced by U+FFFD."""
    return clean(text, TEXT_LIMIT)


@cache
def environment() -> Any:
    """The Jinja2 environment (autoescaped, templates from autograder/templates/html); a bilingual
    KitError when Jinja2 is missing."""
    try:
        import jinja2
        from markupsafe import Markup, escape
    except ImportError:
        raise MissingJinja(
            "HTML reports need Jinja2: pip install 'jinja2>=3.1' | "
            "HTML 报告需要 Jinja2：pip install 'jinja2>=3.1'"
        ) from None

    def finalize(value: Any) -> Any:
        return value if isinstance(value, Markup) or not isinstance(value, str) else printable(value)

    def inline(lang: str, text: Text, joiner: str = " · ") -> Markup:
        en, zh = printable(text.en), printable(text.zh)
        if lang == "en" or en == zh or not zh:
            return escape(en if lang != "zh" else zh or en)
        if lang == "zh":
            return escape(zh)
        return Markup('{}<span class="zh" lang="zh-CN">{}{}</span>').format(en, joiner, zh)

    def block(lang: str, text: Text, css: str = "") -> Markup:
        en, zh = printable(text.en), printable(text.zh)
        if lang != "both" or en == zh or not zh:
            return Markup('<p class="{}">{}</p>').format(css, zh if lang == "zh" and zh else en)
        return Markup('<p class="{}">{}</p><p class="{} zh" lang="zh-CN">{}</p>').format(css, en, css, zh)

    @jinja2.pass_context
    def t(context: Any, en: str, zh: str, **values: Any) -> Markup:
        return inline(context["lang"], fill(en, zh, values), " / ")

    @jinja2.pass_context
    def t_plain(context: Any, en: str, zh: str, **values: Any) -> str:
        return plain(context["lang"], fill(en, zh, values))

    @jinja2.pass_context
    def tr_plain(context: Any, text: Text) -> str:
        return plain(context["lang"], text)

    @jinja2.pass_context
    def tr(context: Any, text: Text) -> Markup:
        return inline(context["lang"], text)

    @jinja2.pass_context
    def tr_block(context: Any, text: Text, css: str = "") -> Markup:
        return block(context["lang"], text, css)

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        finalize=finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["t"] = t
    env.globals["t_plain"] = t_plain
    env.filters["tr_plain"] = tr_plain
    env.filters["tr"] = tr
    env.filters["tr_block"] = tr_block
    env.filters["points"] = points
    env.filters["percent"] = percent
    env.filters["measure"] = measure
    return env


def fill(en: str, zh: str, values: dict[str, Any]) -> Text:
    """A label with its `{name}` fields filled in; a `Text` value fills each language with its own."""
    return Text(
        en.format(**{k: v.en if isinstance(v, Text) else v for k, v in values.items()}),
        zh.format(**{k: v.zh if isinstance(v, Text) else v for k, v in values.items()}),
    )


def plain(lang: str, text: Text) -> str:
    """`text` as one plain string in `lang`: for SVG labels, tooltips and the page's title."""
    if lang == "both" and text.zh and text.zh != text.en:
        return f"{text.en} / {text.zh}"
    return text.zh if lang == "zh" and text.zh else text.en


def points(value: float) -> str:
    """A score as people write it: 9, 2.5, 0.33."""
    return f"{round(value, 2):g}"


def percent(value: float | None, digits: int = 1) -> str:
    """A share (0.342) as a percentage (34.2%); a dash when there is none, NaN when it is not a number."""
    if value is None or not math.isfinite(value):
        return measure(value)
    return f"{value * 100:.{digits}f}%"


def measure(value: float | None) -> str:
    """A measured number in 4 significant digits; a dash for none, NaN or ±∞ for what is not a number."""
    if value is None:
        return "–"
    if math.isnan(value):
        return "NaN"
    return f"{value:.4g}" if math.isfinite(value) else ("∞" if value > 0 else "-∞")


def csp_hash(source: str) -> str:
    """The Content-Security-Policy hash of an inline <style> or <script> body."""
    return "sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii")


@cache
def assets() -> dict[str, str]:
    """The page's inline style and script, and the policy that allows exactly them and nothing else:
    no request leaves the page (no CDN, no fonts, no images but the data: ones it carries)."""
    style = (TEMPLATES / "page.css").read_text(encoding="utf-8")
    script = (TEMPLATES / "sort.js").read_text(encoding="utf-8")
    policy = (
        f"default-src 'none'; img-src data:; style-src '{csp_hash(style)}'; "
        f"script-src '{csp_hash(script)}'; base-uri 'none'; form-action 'none'"
    )
    return {"style": style, "script": script, "policy": policy}


def render(template: str, lang: str, **context: Any) -> str:
    """A whole page: `template` with `context`, in `lang` ("en", "zh" or "both")."""
    page = (
        environment()
        .get_template(template)
        .render(lang=lang, html_lang=HTML_LANG[lang], **assets(), **context)
    )
    return page if page.endswith("\n") else page + "\n"
