"""Geometry of the divide's charts, drawn as server-side SVG. Pure module.

The templates (templates/divide/line_chart.html, bar_chart.html) draw what these functions place.
Every chart sits next to a table with the same figures, and lines differ by dash pattern and marker
shape as well as colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ehelsenord.core.templatetags.numbers import percent

# Space for the axis labels around the plot area, in SVG units.
LEFT, RIGHT, TOP, BOTTOM = 48.0, 150.0, 12.0, 36.0
STYLES = ("a", "b", "c", "d", "e")


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class Line:
    label: str
    style: str
    path: str  # SVG path; a value that is missing breaks the line
    markers: list[Marker]
    label_y: float  # where the line's name is written, right of its last point


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class LineChart:
    width: float
    height: float
    left: float
    top: float
    right: float
    bottom: float
    lines: list[Line]
    x_ticks: list[Tick]
    y_ticks: list[Tick]


def _spread_labels(positions: list[float], *, gap: float, low: float, high: float) -> list[float]:
    """Move label positions apart so no two are closer than `gap`, keeping their order, within [low, high]."""
    order = sorted(range(len(positions)), key=lambda i: positions[i])
    placed = [positions[i] for i in order]
    for index in range(1, len(placed)):
        placed[index] = max(placed[index], placed[index - 1] + gap)
    overflow = placed[-1] - high if placed else 0
    if overflow > 0:
        placed = [max(low, value - overflow) for value in placed]
        for index in range(1, len(placed)):
            placed[index] = max(placed[index], placed[index - 1] + gap)
    result = [0.0] * len(positions)
    for rank, index in enumerate(order):
        result[index] = placed[rank]
    return result


def line_chart(
    x_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    width: float = 680,
    height: float = 260,
    y_max: float = 1.0,
    y_steps: int = 4,
) -> LineChart:
    """Lines over the x labels, values from 0 to y_max (shares: drawn as percent)."""
    right = width - RIGHT
    bottom = height - BOTTOM
    count = len(x_labels)
    step = (right - LEFT) / (count - 1) if count > 1 else 0.0

    def x_at(index: int) -> float:
        return round(LEFT + index * step, 1)

    def y_at(value: float) -> float:
        return round(bottom - (bottom - TOP) * (min(max(value, 0.0), y_max) / y_max), 1)

    lines = []
    ends = []
    for number, (label, values) in enumerate(series):
        parts = []
        markers = []
        pen_down = False
        for index, value in enumerate(values):
            if value is None:
                pen_down = False
                continue
            x, y = x_at(index), y_at(value)
            parts.append(f"{'L' if pen_down else 'M'}{x},{y}")
            markers.append(Marker(x, y, percent(value)))
            pen_down = True
        ends.append(markers[-1].y if markers else bottom)
        lines.append((label, STYLES[number % len(STYLES)], " ".join(parts), markers))
    label_ys = _spread_labels(ends, gap=14, low=TOP + 4, high=bottom)
    return LineChart(
        width=width,
        height=height,
        left=LEFT,
        top=TOP,
        right=right,
        bottom=bottom,
        lines=[
            Line(label, style, path, markers, round(label_y + 4, 1))
            for (label, style, path, markers), label_y in zip(lines, label_ys, strict=True)
        ],
        x_ticks=[Tick(x_at(index), label) for index, label in enumerate(x_labels)],
        y_ticks=[Tick(y_at(y_max * step / y_steps), percent(y_max * step / y_steps)) for step in range(y_steps + 1)],
    )


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    label: str

    @property
    def center(self) -> float:
        return round(self.x + self.width / 2, 1)


@dataclass(frozen=True)
class BarChart:
    width: float
    height: float
    left: float
    bottom: float
    right: float
    bars: list[Bar]
    y_ticks: list[Tick]


def bar_chart(labels: Sequence[str], values: Sequence[int], *, width: float = 480, height: float = 220) -> BarChart:
    """One bar per label; the count is written above each bar."""
    right = width - 12
    bottom = height - BOTTOM
    top = TOP + 14
    highest = max(values, default=0) or 1
    slot = (right - LEFT) / max(len(values), 1)
    bars = []
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        bar_height = round((bottom - top) * value / highest, 1)
        bars.append(
            Bar(
                x=round(LEFT + index * slot + slot * 0.15, 1),
                y=round(bottom - bar_height, 1),
                width=round(slot * 0.7, 1),
                height=bar_height,
                value=value,
                label=label,
            )
        )
    ticks = sorted({0, highest // 2, highest})
    return BarChart(
        width=width,
        height=height,
        left=LEFT,
        bottom=bottom,
        right=right,
        bars=bars,
        y_ticks=[Tick(round(bottom - (bottom - top) * tick / highest, 1), str(tick)) for tick in ticks],
    )
