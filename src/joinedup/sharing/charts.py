"""Simple accessible bar charts, drawn server-side as SVG by a template from these numbers.

No HTML or SVG is built here: this module only works out the geometry.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    width: int
    height: int
    plot_top: int
    plot_bottom: int
    most: int

    @property
    def first_label(self) -> str:
        return self.bars[0].label if self.bars else ""

    @property
    def last_label(self) -> str:
        return self.bars[-1].label if self.bars else ""


def bar_chart(
    data: list[tuple[str, int]], *, title: str, width: int = 720, height: int = 200
) -> BarChart:
    top, bottom, left, right = 20, height - 30, 40, width - 10
    most = max((value for _, value in data), default=0)
    slot = (right - left) / max(len(data), 1)
    bars = []
    for i, (label, value) in enumerate(data):
        h = (bottom - top) * value / most if most else 0
        bars.append(
            Bar(
                label,
                value,
                round(left + i * slot + slot * 0.1, 1),
                round(bottom - h, 1),
                round(slot * 0.8, 1),
                round(h, 1),
            )
        )
    return BarChart(title, bars, width, height, top, bottom, most)
