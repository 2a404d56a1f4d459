"""Small line charts as PNG bytes, drawn with Pillow, for places that take an image but not SVG
(Gradescope's HTML output). Only digits are drawn in the image; titles and legends stay in the text
beside it, in the reader's language.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

from autograder.reports.html.charts import nice_top

PANEL_WIDTH, HEIGHT = 320, 220
LEFT, RIGHT, TOP, BOTTOM = 46, 12, 12, 28
GRID, AXIS, INK = (230, 234, 239), (154, 164, 176), (91, 102, 115)


@dataclass(frozen=True)
class Curve:
    values: Sequence[tuple[int, float | None]]  # (epoch, value); None or a non-finite value is left out
    colour: tuple[int, int, int]
    dashed: bool = False


@dataclass(frozen=True)
class Panel:
    curves: Sequence[Curve]
    epochs: int
    percent: bool = False  # y from 0 to 100%
    guide: float | None = None  # a dotted horizontal line (the accuracy needed)


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow before 10.1 has one bitmap size
        return ImageFont.load_default()


def _scale(panel: Panel) -> tuple[float, float]:
    """The y axis' top and tick step."""
    if panel.percent:
        return 1.0, 0.2
    return nice_top(
        max((v for c in panel.curves for _, v in c.values if v is not None and math.isfinite(v)), default=1.0)
    )


def _segment(
    draw: ImageDraw.ImageDraw,
    start: tuple[float, float],
    end: tuple[float, float],
    colour: tuple[int, int, int],
    dashed: bool,
    width: int = 3,
) -> None:
    if not dashed:
        draw.line([start, end], fill=colour, width=width)
        return
    length = math.dist(start, end) or 1.0
    for begin in range(0, int(length), 12):
        a, b = begin / length, min(begin + 7, length) / length
        draw.line(
            [
                (start[0] + (end[0] - start[0]) * a, start[1] + (end[1] - start[1]) * a),
                (start[0] + (end[0] - start[0]) * b, start[1] + (end[1] - start[1]) * b),
            ],
            fill=colour,
            width=width,
        )


def _panel(draw: ImageDraw.ImageDraw, panel: Panel, offset: int) -> None:
    font, (top, step) = _font(11), _scale(panel)
    left, right, upper, lower = offset + LEFT, offset + PANEL_WIDTH - RIGHT, TOP, HEIGHT - BOTTOM
    epochs = max(1, panel.epochs)

    def x(epoch: float) -> float:
        return left + (epoch - 0.5) / epochs * (right - left)

    def y(value: float) -> float:
        return lower - min(max(value, 0.0), top) / top * (lower - upper)

    for i in range(int(round(top / step)) + 1):
        value = i * step
        draw.line([(left, y(value)), (right, y(value))], fill=GRID)
        label = f"{value * 100:.0f}%" if panel.percent else f"{value:.3g}"
        draw.text((left - 6, y(value)), label, fill=INK, font=font, anchor="rm")
    draw.line([(left, lower), (right, lower)], fill=AXIS)
    draw.line([(left, upper), (left, lower)], fill=AXIS)
    for epoch in range(1, epochs + 1):
        draw.text((x(epoch), lower + 6), str(epoch), fill=INK, font=font, anchor="mt")
    if panel.guide is not None:
        _segment(draw, (left, y(panel.guide)), (right, y(panel.guide)), (0, 158, 115), True, 2)
    for curve in panel.curves:
        points = [(e, v) for e, v in curve.values if v is not None and math.isfinite(v)]
        for (e1, v1), (e2, v2) in zip(points, points[1:]):
            if e2 == e1 + 1:
                _segment(draw, (x(e1), y(v1)), (x(e2), y(v2)), curve.colour, curve.dashed)
        for e, v in points:
            draw.ellipse([x(e) - 4, y(v) - 4, x(e) + 4, y(v) + 4], fill=curve.colour)


def panels_png(panels: Sequence[Panel]) -> bytes:
    """The panels side by side, as PNG bytes."""
    image = Image.new("RGB", (PANEL_WIDTH * len(panels), HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    for index, panel in enumerate(panels):
        _panel(draw, panel, index * PANEL_WIDTH)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
