"""Line charts of scores over time, both voices on one chart, drawn server-side as SVG by a
template from the geometry worked out here (no HTML or SVG is built in Python)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from joinedup.outcomes.models import SCORE_MAX

# GOV.UK colours: dark blue for the team, orange for the family; the family's line is also
# dashed, so the two are told apart without colour.
TEAM_COLOUR, FAMILY_COLOUR = "#1d70b8", "#b33a00"


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    on: date
    score: int


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    dash: str
    points: list[Point]

    @property
    def path(self) -> str:
        return " ".join(f"{'M' if i == 0 else 'L'}{p.x},{p.y}" for i, p in enumerate(self.points))


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    series: list[Series]
    ticks: list[Tick]
    first_on: date | None
    last_on: date | None

    @property
    def empty(self) -> bool:
        return not any(s.points for s in self.series)


FAMILY_STYLES = [(FAMILY_COLOUR, "6 4"), ("#912b88", "2 3"), ("#00703c", "10 3 2 3")]


def line_chart(
    team: list[tuple[date, int]],
    family: dict[str, list[tuple[date, int]]],
    *,
    width: int = 640,
    height: int = 220,
) -> LineChart:
    """The team's scores as one line, each family member's own as another (never merged)."""
    left, right, top, bottom = 40, width - 20, 30, height - 30
    days = [d for d, _ in team] + [d for scores in family.values() for d, _ in scores]
    first, last = (min(days), max(days)) if days else (None, None)
    span = max(((last - first).days if first and last else 0), 1)

    def x(on: date) -> float:
        if first is None or first == last:
            return round((left + right) / 2, 1)
        return round(left + (right - left) * (on - first).days / span, 1)

    def y(score: int) -> float:
        return round(bottom - (bottom - top) * score / SCORE_MAX, 1)

    def series(name: str, colour: str, dash: str, scores: list[tuple[date, int]]) -> Series:
        return Series(name, colour, dash, [Point(x(d), y(s), d, s) for d, s in sorted(scores)])

    lines = [series("The team's view", TEAM_COLOUR, "", team)]
    for i, (name, scores) in enumerate(sorted(family.items())):
        colour, dash = FAMILY_STYLES[i % len(FAMILY_STYLES)]
        lines.append(series(name, colour, dash, scores))
    return LineChart(
        width,
        height,
        left,
        right,
        top,
        bottom,
        lines,
        [Tick(v, y(v)) for v in (0, 5, 10)],
        first,
        last,
    )


@dataclass(frozen=True)
class HBar:
    label: str
    text: str
    y: float
    width: float


@dataclass(frozen=True)
class HBarChart:
    width: int
    height: int
    label_width: int
    bar_height: int
    bars: list[HBar]


def hbar_chart(
    data: list[tuple[str, float | None, str]], *, width: int = 640, label_width: int = 220
) -> HBarChart:
    """Horizontal bars: (label, value or None when suppressed, the text shown beside it)."""
    bar_height, gap = 18, 10
    most = max((abs(v) for _, v, _ in data if v is not None), default=0) or 1
    room = width - label_width - 120
    bars = [
        HBar(label, text, 10 + i * (bar_height + gap), round(room * abs(value or 0) / most, 1))
        for i, (label, value, text) in enumerate(data)
    ]
    return HBarChart(width, 20 + len(data) * (bar_height + gap), label_width, bar_height, bars)
