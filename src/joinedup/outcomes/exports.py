"""Audited CSV / XLSX exports: the dashboard's figures (counts only, small numbers suppressed)
and the families meeting the successful-outcome rule or close to it (by episode reference)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from joinedup.audit import services as audit
from joinedup.audit.models import Action
from joinedup.errors import NotFound
from joinedup.insight.exports import FORMATS, Export, Table, _csv, _xlsx
from joinedup.outcomes import dashboard, selectors

__all__ = ["Export", "dashboard_figure", "successful_families"]


def _audit(user: Any, what: str, fmt: str, rows: int, **detail: Any) -> None:
    with transaction.atomic():
        audit.record(
            actor=user,
            action=Action.EXPORT,
            object_type=f"outcomes.{what}",
            purpose="outcomes",
            detail={"format": fmt, "rows": rows, **{k: v for k, v in detail.items() if v}},
        )


def successful_families(*, user: Any) -> Export:
    """Every family checked: met, close (with what is missing) — episode references only."""
    lists = selectors.rule_lists(user=user)
    rows: list[list[Any]] = []
    for status, checks in (("Meets the rule", lists.met), ("Close", lists.close)):
        for c in checks:
            missing = "; ".join(f"{p.label}: {p.detail}" for p in c.missing)
            needs = "; ".join(f"{n.name}: {n.detail}" for n in c.needs)
            rows.append([c.reference, status, missing, needs])
    table = Table("Successful family outcomes", ["Episode", "Status", "Missing", "Needs"], rows)
    _audit(user, "successful_families", "csv", len(rows))
    return Export("successful-family-outcomes.csv", FORMATS["csv"], _csv(table), len(rows))


def dashboard_figure(*, user: Any, figure: str, fmt: str, params: Mapping[str, Any]) -> Export:
    """One figure as a table, as the page shows it (suppressed numbers stay suppressed)."""
    view = dashboard.dashboard(user=user, params=params)
    found = next((f for f in view.figures if f.figure.code == figure), None)
    if found is None or fmt not in FORMATS:
        raise NotFound()
    header = ["Group", "Count", "Figure"]
    rows = [[r.key, "fewer than 5" if r.count is None else r.count, r.text] for r in found.rows]
    table = Table(found.figure.title[:31], header, rows)
    content = _csv(table) if fmt == "csv" else _xlsx([table])
    _audit(
        user,
        f"dashboard.{figure}",
        fmt,
        len(rows),
        period=view.period,
        locality=view.locality,
        need=view.need,
    )
    return Export(f"dashboard-{figure}.{fmt}", FORMATS[fmt], content, len(rows))
