"""Geometry of the partnership-health pictures: the network map and the bar charts.

Only numbers are worked out here (positions, widths, colours); the templates draw the SVG, and
every picture has a table beside it with the same figures. Map positions come from networkx's
spring layout with a fixed seed, so the same results always give the same map.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import networkx as nx
import numpy as np
from scipy import sparse

from joinedup.insight import network as net
from joinedup.partnership.models import Sector

LAYOUT_SEED = 20_260_301
MAP_NODES = 120  # the strongest organisations drawn; the table and exports hold every one
MAP_TIES = 300  # the strongest ties among them
LABELLED_NODES = 40  # above this, only the strongest are named on the map (all in the table)
KAMADA_UP_TO = 60
LAYOUT_ITERATIONS = 80
ISOLATES_BAND = 110  # the strip along the bottom of the map for nodes with no tie
MAP_WIDTH, MAP_HEIGHT, MAP_MARGIN = 960, 620, 60

# GOV.UK Design System colours, one per sector.
SECTOR_COLOURS = {
    Sector.STATUTORY: "#1d70b8",
    Sector.HEALTH: "#00703c",
    Sector.EDUCATION: "#f47738",
    Sector.POLICE: "#003078",
    Sector.JUSTICE: "#4c2c92",
    Sector.HOUSING: "#b58840",
    Sector.VOLUNTARY: "#d4351c",
    Sector.COMMUNITY: "#d53880",
    Sector.PRIVATE: "#505a5f",
    Sector.MUTUAL: "#28a197",
}
UNKNOWN_COLOUR = "#b1b4b6"
SECTOR_LABELS = dict(Sector.choices) | {net.UNKNOWN_SECTOR: "Unknown"}


def sector_colour(sector: str) -> str:
    return SECTOR_COLOURS.get(sector, UNKNOWN_COLOUR)  # type: ignore[call-overload]


def sector_label(sector: str) -> str:
    return SECTOR_LABELS.get(sector, sector.capitalize())


def network_map(
    network: net.EcosystemNetwork,
    metrics: net.NetworkMetrics,
    labels: Mapping[Hashable, str],
    *,
    max_nodes: int = MAP_NODES,
    max_ties: int = MAP_TIES,
) -> dict[str, Any]:
    """Positions of the strongest nodes and the strongest ties between them."""
    strength = np.array([o.strength for o in metrics.by_organisation])
    order = np.argsort(-strength, kind="stable")[:max_nodes]
    chosen = np.sort(order)
    weights = sparse.csr_matrix(network.families)[chosen][:, chosen]
    weights.setdiag(0)
    weights.eliminate_zeros()
    upper = sparse.triu(weights, k=1).tocoo()
    keep = np.argsort(-upper.data, kind="stable")[:max_ties]
    rows, cols, data = upper.row[keep], upper.col[keep], upper.data[keep]
    positions = _positions(len(chosen), rows, cols, data)
    top_strength = float(strength.max()) if len(strength) and strength.max() > 0 else 1.0
    named = set(np.argsort(-strength[chosen], kind="stable")[:LABELLED_NODES].tolist())
    nodes = []
    for i, index in enumerate(chosen.tolist()):
        org = metrics.by_organisation[index]
        x, y = positions[i]
        radius = round(5 + 13 * math.sqrt(max(org.strength, 0) / top_strength), 1)
        right = x > MAP_WIDTH * 0.62
        nodes.append(
            {
                "label": labels.get(org.organisation, str(org.organisation)),
                "sector": org.sector,
                "sector_label": sector_label(org.sector),
                "colour": sector_colour(org.sector),
                "x": x,
                "y": y,
                "r": radius,
                "strength": round(org.strength, 2),
                "ties": org.ties,
                "named": i in named,
                "anchor": "end" if right else "start",
                "label_x": round(x - radius - 4 if right else x + radius + 4, 1),
                "label_y": round(y + 4, 1),
            }
        )
    heaviest = float(data.max()) if len(data) else 1.0
    ties = [
        {
            "a": nodes[a]["label"],
            "b": nodes[b]["label"],
            "weight": round(float(w), 2),
            "x1": nodes[a]["x"],
            "y1": nodes[a]["y"],
            "x2": nodes[b]["x"],
            "y2": nodes[b]["y"],
            "width": round(1 + 6 * float(w) / heaviest, 1),
        }
        for a, b, w in zip(rows.tolist(), cols.tolist(), data.tolist(), strict=True)
    ]
    counts = Counter(n["sector"] for n in nodes)
    legend = [
        {"sector": s, "label": sector_label(s), "colour": sector_colour(s), "count": counts[s]}
        for s in [*SECTOR_COLOURS, net.UNKNOWN_SECTOR]
        if counts.get(s)
    ]
    return {
        "width": MAP_WIDTH,
        "height": MAP_HEIGHT,
        "nodes": nodes,
        "ties": ties,
        "legend": legend,
        "drawn_nodes": len(nodes),
        "total_nodes": len(network.nodes),
        "drawn_ties": len(ties),
        "ties_between_drawn": int(upper.nnz),
    }


def _positions(
    n: int, rows: np.ndarray, cols: np.ndarray, data: np.ndarray
) -> list[tuple[float, float]]:
    """Tied nodes laid out in the map's main area; nodes with no tie in a row along the
    bottom, so they do not push the tied ones into a huddle."""
    if n == 0:
        return []
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_weighted_edges_from(zip(rows.tolist(), cols.tolist(), data.tolist(), strict=True))
    alone = sorted(nx.isolates(graph))
    tied = graph.subgraph([i for i in range(n) if i not in set(alone)]).copy()
    bottom = MAP_HEIGHT - MAP_MARGIN
    main_bottom = bottom - ISOLATES_BAND if alone and len(tied) else bottom
    positions: dict[int, tuple[float, float]] = {}
    if len(tied):
        layout = _layout(tied)
        order = list(tied.nodes)
        xs = np.array([layout[i][0] for i in order])
        ys = np.array([layout[i][1] for i in order])
        left, right = MAP_MARGIN + 60, MAP_WIDTH - MAP_MARGIN - 60
        placed = zip(_scale(xs, left, right), _scale(ys, MAP_MARGIN, main_bottom), strict=True)
        positions.update(zip(order, placed, strict=True))
    row_y = bottom if len(tied) else (MAP_MARGIN + bottom) / 2
    # Staggered, so neighbours' names do not run into each other.
    for k, i in enumerate(alone):
        x = MAP_MARGIN + (MAP_WIDTH - 2 * MAP_MARGIN) * (k + 0.5) / len(alone)
        positions[i] = (round(x, 1), round(row_y - (k % 3) * 22, 1))
    return [positions[i] for i in range(n)]


def _layout(graph: nx.Graph) -> dict[int, Any]:
    n = graph.number_of_nodes()
    if n == 1:
        return {next(iter(graph.nodes)): np.array([0.0, 0.0])}
    layout = nx.spring_layout(
        graph, seed=LAYOUT_SEED, weight="weight", iterations=LAYOUT_ITERATIONS, k=1.6 / math.sqrt(n)
    )
    if n <= KAMADA_UP_TO and nx.is_connected(graph):
        # Small connected maps read better with Kamada-Kawai (every organisation spaced by the
        # number of ties between them), started from the seeded spring layout so it stays
        # deterministic; tie strength shows in the lines' and circles' size instead.
        layout = nx.kamada_kawai_layout(graph, pos=layout, weight=None)
    return dict(layout)


def _scale(values: np.ndarray, low: float, high: float) -> list[float]:
    span = float(values.max() - values.min()) if len(values) else 0.0
    if span == 0:
        return [round((low + high) / 2, 1)] * len(values)
    return [round(low + (high - low) * float(v - values.min()) / span, 1) for v in values]


# ----------------------------------------------------------------------------- bar charts

SERIES_COLOURS = ("#1d70b8", "#f47738", "#00703c", "#4c2c92", "#d4351c", "#505a5f")


def share_bars(
    rows: Sequence[tuple[str, Sequence[float | None]]],
    series: Sequence[str],
    *,
    width: int = 760,
    label_width: int = 250,
    bar_height: int = 16,
    percent: bool = True,
) -> dict[str, Any]:
    """Horizontal bars, one group of `len(series)` bars per row; values are shares 0–1
    (or, with percent=False, any non-negative numbers scaled to the largest)."""
    plot_width = width - label_width - 70
    top = 24 + 20 * len(series)
    largest = max([v for _, values in rows for v in values if v is not None] + [0.0])
    scale_to = 1.0 if percent else (largest or 1.0)
    row_height = bar_height * len(series) + 14
    out_rows = []
    for i, (label, values) in enumerate(rows):
        y = top + i * row_height
        bars = []
        for j, value in enumerate(values):
            length = plot_width * (value or 0) / scale_to
            bars.append(
                {
                    "series": series[j],
                    "colour": SERIES_COLOURS[j % len(SERIES_COLOURS)],
                    "x": label_width,
                    "y": y + j * bar_height,
                    "width": round(max(length, 0), 1),
                    "height": bar_height - 3,
                    "text_x": round(label_width + length + 6, 1),
                    "text_y": y + j * bar_height + bar_height - 5,
                    "text": _bar_text(value, percent),
                }
            )
        out_rows.append({"label": label, "y": y + row_height / 2 - 2, "bars": bars})
    legend = [
        {"name": name, "colour": SERIES_COLOURS[j % len(SERIES_COLOURS)], "y": 10 + 20 * j}
        for j, name in enumerate(series)
    ]
    return {
        "width": width,
        "height": top + row_height * len(rows) + 10,
        "label_width": label_width,
        "rows": out_rows,
        "legend": legend,
    }


def _bar_text(value: float | None, percent: bool) -> str:
    if value is None:
        return "none"
    return f"{value:.0%}" if percent else f"{value:g}"


# Colours for the points of a scale, from the lowest to the highest.
SCALE_COLOURS = ("#d4351c", "#f47738", "#b1b4b6", "#85994b", "#00703c", "#005a30")


def distribution_bar(
    distribution: Mapping[int | str, int], labels: Sequence[str], *, width: int = 560
) -> list[dict[str, Any]]:
    """Segments of one stacked bar: people at each point of the scale, lowest first."""
    counts = [int(distribution.get(k, 0)) for k in distribution]
    total = sum(counts) or 1
    palette = _palette(len(counts))
    x = 0.0
    segments = []
    for i, count in enumerate(counts):
        length = width * count / total
        segments.append(
            {
                "label": labels[i] if i < len(labels) else str(i),
                "count": count,
                "x": round(x, 1),
                "width": round(length, 1),
                "colour": palette[i],
            }
        )
        x += length
    return segments


def _palette(n: int) -> list[str]:
    if n <= len(SCALE_COLOURS):
        picks = np.linspace(0, len(SCALE_COLOURS) - 1, n).round().astype(int)
        return [SCALE_COLOURS[i] for i in picks]
    return [SCALE_COLOURS[min(i, len(SCALE_COLOURS) - 1)] for i in range(n)]
