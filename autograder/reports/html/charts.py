"""Charts as SVG geometry: a result's numbers placed on axes, for the templates to draw.

Hand-written SVG instead of a plotting library: nothing to install, sharp at any zoom on a phone,
labels in the page's own fonts (Chinese included), every plotted value kept on its mark (`value`) so
a test or a reader can check it against the JSON, and a few kilobytes per chart. Coordinates are in
the chart's own units (its viewBox); the browser scales the whole chart to the screen.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from autograder.i18n import Text

WIDTH, HEIGHT = 420, 240
LEFT, RIGHT, TOP, BOTTOM = 50, 12, 24, 38  # margins for the axes' labels


@dataclass(frozen=True)
class Tick:
    at: float  # position along its axis, in chart units
    label: str


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    epoch: int
    value: float  # the number from the result, as plotted
    label: str  # the number as people read it


@dataclass(frozen=True)
class Flag:
    """An epoch whose value is not a number (NaN, ±∞): named at the top of the plot instead of a point."""

    x: float
    epoch: int
    label: str


@dataclass(frozen=True)
class Line:
    """One series: its points, the polylines joining consecutive epochs that both have a finite value,
    and flags for the epochs whose value is not a number."""

    name: Text
    css: str  # the series' class: colour, dash and marker come from the page's style
    points: list[Point]
    paths: list[str]
    flags: list[Flag] = field(default_factory=list)

    @property
    def shown(self) -> bool:
        return bool(self.points or self.flags)


@dataclass(frozen=True)
class Guide:
    """A horizontal line across the plot, such as the accuracy a run must reach."""

    y: float
    name: Text
    label: str


@dataclass(frozen=True)
class LineChart:
    title: Text
    lines: list[Line]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    guides: list[Guide] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    right: int = WIDTH - RIGHT
    bottom: int = HEIGHT - BOTTOM


@dataclass(frozen=True)
class SeriesData:
    """What a line shows: a name, a style class, and (epoch, value or None) pairs from the result; a value
    may be NaN or infinite."""

    name: Text
    css: str
    values: Sequence[tuple[int, float | None]]


def nice_top(largest: float) -> tuple[float, float]:
    """An upper bound at or above `largest` and a round tick step (1, 2, 2.5 or 5 times a power of ten)."""
    if largest <= 0 or not math.isfinite(largest):
        return 1.0, 0.25
    raw = largest / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return math.ceil(largest / step - 1e-9) * step, step


def line_chart(
    title: Text,
    series: Sequence[SeriesData],
    epochs: int,
    percent: bool = False,
    guides: Sequence[tuple[float, Text]] = (),
) -> LineChart:
    """Series over epochs 1..`epochs`: y from 0 to a round top (0 to 100% for `percent`)."""
    values = [v for s in series for _, v in s.values if v is not None and math.isfinite(v)] + [
        g for g, _ in guides
    ]
    top, step = (1.0, 0.2) if percent else nice_top(max(values, default=1.0))
    plot_left, plot_right, plot_top, plot_bottom = LEFT, WIDTH - RIGHT, TOP, HEIGHT - BOTTOM
    epochs = max(1, epochs, *(e for s in series for e, _ in s.values))

    def x(epoch: float) -> float:
        return round(plot_left + (epoch - 0.5) / epochs * (plot_right - plot_left), 2)

    def y(value: float) -> float:
        return round(plot_bottom - min(max(value, 0.0), top) / top * (plot_bottom - plot_top), 2)

    def label(value: float) -> str:
        return f"{value * 100:.1f}%" if percent else f"{value:.4g}"

    lines = []
    for item in series:
        finite = [(e, v) for e, v in item.values if v is not None and math.isfinite(v)]
        points = [Point(x(e), y(v), e, v, label(v)) for e, v in finite]
        flags = [
            Flag(x(e), e, "NaN" if math.isnan(v) else ("∞" if v > 0 else "-∞"))
            for e, v in item.values
            if v is not None and not math.isfinite(v)
        ]
        paths: list[str] = []
        run: list[tuple[int, float]] = []
        for e, v in [(e, v if v is not None and math.isfinite(v) else None) for e, v in item.values] + [
            (0, None)
        ]:
            if v is not None and (not run or run[-1][0] == e - 1):
                run.append((e, v))
                continue
            if len(run) > 1:
                paths.append(" ".join(f"{x(a)},{y(b)}" for a, b in run))
            run = [(e, v)] if v is not None else []
        lines.append(Line(item.name, item.css, points, paths, flags))
    steps = int(round(top / step))
    y_ticks = [
        Tick(y(i * step), f"{i * step * 100:.0f}%" if percent else f"{i * step:.4g}")
        for i in range(steps + 1)
    ]
    x_ticks = [Tick(x(e), str(e)) for e in range(1, epochs + 1)]
    return LineChart(title, lines, x_ticks, y_ticks, [Guide(y(g), name, label(g)) for g, name in guides])


@dataclass(frozen=True)
class Cell:
    x: float
    y: float
    count: int
    shade: int  # 0..5: how large a share of its row (true class) the cell holds
    hit: bool  # on the diagonal: predicted right
    tip: str


@dataclass(frozen=True)
class Confusion:
    """A confusion matrix as a grid: rows are the true classes, columns the predicted ones."""

    classes: list[str]
    cells: list[Cell]
    size: float  # one cell's side
    left: float  # where the grid starts (after the row labels)
    top: float
    width: float
    height: float


def confusion(matrix: list[list[int]], classes: list[str]) -> Confusion:
    """The grid for `matrix` (n × n counts) with `classes` names (numbered when missing)."""
    n = len(matrix)
    names = [classes[i] if i < len(classes) else str(i) for i in range(n)]
    size, left, top = 30.0, 92.0, 24.0
    cells = []
    for row, counts in enumerate(matrix):
        total = sum(counts) or 1
        for column, count in enumerate(counts):
            share = count / total
            shade = 0 if count == 0 else min(5, 1 + int(share * 5))
            tip = f"{names[row]} → {names[column]}: {count}"
            cells.append(Cell(left + column * size, top + row * size, count, shade, row == column, tip))
    return Confusion(names, cells, size, left, top, left + n * size + 4, top + n * size + 4)


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    count: int
    label: str  # the range of scores the bar counts


@dataclass(frozen=True)
class Histogram:
    bars: list[Bar]
    x_ticks: list[Tick]
    width: int = 300
    height: int = 110
    baseline: float = 88.0


def histogram(scores: Sequence[float], max_score: float, bins: int = 10) -> Histogram:
    """How many scores fall in each of `bins` equal ranges of 0..`max_score` (the top one includes it)."""
    bins = max(1, min(bins, int(math.ceil(max_score)) or 1))
    width, left, right, baseline, tallest = 300, 8.0, 292.0, 88.0, 70.0
    edges = [max_score * i / bins for i in range(bins + 1)]
    counts = [0] * bins
    for score in scores:
        index = bins - 1 if max_score <= 0 else min(bins - 1, int(score / max_score * bins))
        counts[max(0, index)] += 1
    most = max(counts) or 1
    slot = (right - left) / bins
    bars = []
    for i, count in enumerate(counts):
        height = round(count / most * tallest, 2)
        label = f"{edges[i]:.3g}–{edges[i + 1]:.3g}"
        bars.append(
            Bar(
                round(left + i * slot + 1, 2),
                round(baseline - height, 2),
                round(slot - 2, 2),
                height,
                count,
                label,
            )
        )
    ticks = [Tick(left, "0"), Tick(right, f"{max_score:g}")]
    return Histogram(bars, ticks, width, 110, baseline)
