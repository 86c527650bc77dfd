"""CSV and XLSX exports of the stored partnership-health results, each one audited.

Exports hold organisations, teams, professions and counts only: never a person or a family.
A CSV holds one table (the topic's main one); an XLSX workbook holds every table of the topic.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from openpyxl import Workbook

from joinedup.audit import services as audit
from joinedup.audit.models import Action
from joinedup.core.spreadsheets import SafeWriter, safe_row
from joinedup.errors import NotFound
from joinedup.insight import selectors
from joinedup.insight.models import NetworkResult, SurveyRound
from joinedup.sharing import policy

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass
class Table:
    name: str
    header: list[str]
    rows: list[list[Any]]


@dataclass
class Export:
    filename: str
    content_type: str
    content: bytes
    rows: int


def _network(params: dict[str, Any]) -> tuple[list[Table], dict[str, Any]]:
    view = selectors.network_view(
        user=params["user"],
        period=params.get("period"),
        nodes=params.get("nodes"),
        locality=params.get("locality"),
    )
    result: NetworkResult | None = view.result
    if result is None:
        return [], {}
    nodes = Table(
        "Nodes",
        [
            "Name",
            "Sector",
            "Locality",
            "Ties",
            "Strength (families)",
            "Share of joint work",
            "Meetings together",
            "Families worked with",
            "Shared families",
            "Betweenness",
            "Community",
            "Referrals sent",
            "Referrals received",
        ],
        [
            [
                n.label,
                n.sector,
                n.locality,
                n.ties,
                n.strength,
                n.share_of_strength,
                n.meetings_strength,
                n.caseload,
                n.shared_caseload,
                n.betweenness,
                n.community,
                n.referrals_sent,
                n.referrals_received,
            ]
            for n in result.nodes.all().iterator(chunk_size=5_000)
        ],
    )
    ties = Table(
        "Ties",
        [
            "A",
            "B",
            "Sector of A",
            "Sector of B",
            "Families (weighted)",
            "Shared families",
            "Meetings (weighted)",
            "Referrals A to B",
            "Referrals B to A",
        ],
        [
            [
                t["a"],
                t["b"],
                t["a_sector"],
                t["b_sector"],
                t["families"],
                t["shared_families"],
                t["meetings"],
                t["referrals_a_to_b"],
                t["referrals_b_to_a"],
            ]
            for t in result.ties
        ],
    )
    summary = result.summary
    figures = Table(
        "Summary",
        ["Figure", "Value"],
        [
            ["Period", f"{result.period_start:%-d %B %Y} to {result.period_end:%-d %B %Y}"],
            ["Nodes are", result.nodes_are],
            ["Locality", result.locality or "Whole partnership"],
            ["Nodes", summary["nodes"]],
            ["Ties", summary["ties"]],
            ["Ties in this file", len(result.ties)],
            ["Density", summary["density"]],
            ["Connected groups", summary["components"]],
            ["Isolated", summary["isolated"]],
            ["Degree centralisation", summary["centralisation"]],
            ["E-I index", summary["ei_index"]["value"]],
            ["E-I index by strength", summary["ei_index_weighted"]["value"]],
            ["Communities", len(summary["communities"])],
            ["Modularity", summary["modularity"]],
            ["Betweenness estimated from a sample", summary["betweenness_approximate"]],
        ],
    )
    flows = Table(
        "Referral flows",
        ["From", "To", "Referrals", "Referrals back"],
        [[f["from"], f["to"], f["referrals"], f["returned"]] for f in summary["flows"]],
    )
    return [nodes, ties, figures, flows], {
        "period_days": result.period_days,
        "nodes_are": result.nodes_are,
        "locality": result.locality,
    }


def _voice(params: dict[str, Any]) -> tuple[list[Table], dict[str, Any]]:
    _, result, days, group_by = selectors.voice_view(
        user=params["user"], period=params.get("period"), by=params.get("by")
    )
    if result is None:
        return [], {}
    measures = ["memberships", "lead_roles", "actions_owned", "meetings_attended",
                "decisions_recorded", "disagreements_raised", "disagreements_upheld"]  # fmt: skip
    groups = Table(
        "Groups",
        [
            group_by.capitalize(),
            *[m.replace("_", " ") for m in measures],
            *[f"share of {m.replace('_', ' ')}" for m in measures],
            "lead share ÷ membership share",
            "disagreements upheld rate",
            "median days to answer a request",
            "few lead roles for its size",
        ],
        [
            [
                g["label"],
                *[g["counts"][m] for m in measures],
                *[g["shares"][m] for m in measures],
                g["lead_to_membership"],
                g["disagreements_upheld_rate"],
                g["median_response_days"],
                g["under_represented"],
            ]
            for g in result.payload["groups"]
        ],
    )
    concentration = Table(
        "Concentration",
        ["Measure", "Gini", "Herfindahl", "Herfindahl normalised"],
        [
            [m.replace("_", " "), c["gini"], c["herfindahl"], c["herfindahl_normalised"]]
            for m, c in result.payload["concentration"].items()
        ],
    )
    return [groups, concentration], {"period_days": days, "group_by": group_by}


def _continuum(params: dict[str, Any]) -> tuple[list[Table], dict[str, Any]]:
    _, result, days = selectors.continuum_view(user=params["user"], period=params.get("period"))
    if result is None:
        return [], {}
    signal_names = ["information_exchanged", "shared_plan_actions", "joint_actions", "referrals",
                    "joint_meetings", "shared_outcomes"]  # fmt: skip

    def stage(value: dict[str, Any] | None) -> str:
        return value["label"] if value else ""

    pairs = Table(
        "Pairs",
        [
            "A",
            "B",
            "Observed stage",
            "A rates B",
            "B rates A",
            "Largest gap",
            *[s.replace("_", " ") for s in signal_names],
        ],
        [
            [
                p["a"],
                p["b"],
                p["observed_label"],
                stage(p["rated_by_a"]),
                stage(p["rated_by_b"]),
                p["largest_gap"],
                *[p["signals"][s] for s in signal_names],
            ]
            for p in result.payload["pairs"]
        ],
    )
    teams = Table(
        "Teams around families",
        ["Stage", "Teams"],
        [[s["stage"], s["teams"]] for s in result.payload["teams"]["stages"]],
    )
    pair_stages = Table(
        "Pairs by stage",
        ["Stage", "Pairs of organisations"],
        [[s["stage"], s["pairs"]] for s in result.payload["pair_stages"]],
    )
    return [pairs, teams, pair_stages], {"period_days": days}


def _spread_row(spread: dict[str, Any]) -> list[Any]:
    if spread.get("suppressed"):
        return ["Fewer than 3 responses: not shown", "", "", "", "", "", ""]
    people = "; ".join(f"{d['label']}: {d['people']}" for d in spread["distribution"])
    return [spread["n"], spread["mean"], spread["median"], spread["sd"], spread["minimum"],
            spread["maximum"], people]  # fmt: skip


def _surveys(params: dict[str, Any]) -> tuple[list[Table], dict[str, Any]]:
    user = params["user"]
    survey_round: SurveyRound = selectors.round_get(user=user, round_id=params.get("round"))
    tables = []
    header = [
        "n",
        "Mean",
        "Median",
        "Standard deviation",
        "Lowest",
        "Highest",
        "People at each point",
    ]
    for group_by in ("all", "organisation", "sector"):
        found = selectors.round_results(user=user, survey_round=survey_round, by=group_by)
        if found.result is None:
            continue
        if found.group_by == "pairs":
            tables.append(
                Table(
                    "Partner ratings",
                    ["Rater", "Rated", *[r.title for r in found.instrument.scoring]],
                    [
                        [
                            p["rater"],
                            p["rated"],
                            *[p["scores"].get(r.id) for r in found.instrument.scoring],
                        ]
                        for p in found.result.payload["pairs"]
                    ],
                )
            )
            break
        rows = [
            [
                group["label"],
                rule.title,
                *_spread_row(group["scores"].get(rule.id, {"suppressed": True})),
            ]
            for group in found.result.payload["groups"]
            for rule in found.instrument.scoring
        ]
        tables.append(Table(f"Scores by {group_by}", ["Group", "Score", *header], rows))
    return tables, {"round": survey_round.pk}


TOPICS: dict[str, Callable[[dict[str, Any]], tuple[list[Table], dict[str, Any]]]] = {
    "network": _network,
    "voice": _voice,
    "continuum": _continuum,
    "survey": _surveys,
}


def export(*, user: Any, what: str, fmt: str, params: dict[str, Any]) -> Export:
    """Build one export and audit it. Security: a non-manager is refused as a missing page."""
    policy.require_partnership_manager(user, object_type=f"insight.export.{what}"[:60])
    if what not in TOPICS or fmt not in FORMATS:
        raise NotFound()
    tables, detail = TOPICS[what]({**params, "user": user})
    if not tables:
        raise NotFound()
    content = _csv(tables[0]) if fmt == "csv" else _xlsx(tables)
    rows = len(tables[0].rows) if fmt == "csv" else sum(len(t.rows) for t in tables)
    build = selectors.latest_build()
    with transaction.atomic():
        audit.record(
            actor=user,
            action=Action.EXPORT,
            object_type=f"insight.{what}",
            object_id=str(build.pk if build else ""),
            purpose="partnership health",
            detail={"format": fmt, "rows": rows, **{k: v for k, v in detail.items() if v != ""}},
        )
    return Export(f"partnership-health-{what}.{fmt}", FORMATS[fmt], content, rows)


def _csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = SafeWriter(buffer)
    writer.writerow(table.header)
    writer.writerows(table.rows)
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx(tables: list[Table]) -> bytes:
    book = Workbook(write_only=True)
    for table in tables:
        sheet = book.create_sheet(title=table.name[:31])
        sheet.append(safe_row(table.header))
        for row in table.rows:
            sheet.append(safe_row(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
