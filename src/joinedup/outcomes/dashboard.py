"""The partnership dashboard: figures stored as cells by a rebuild, added up on request.

A cell holds a count (and a sum) for one figure, month, locality, need and key. A rebuild reads
the casework once; the page only adds cells up, so it answers from an index whatever the size of
the partnership. No cell names a child or a family.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from joinedup.core.bulk import insert_rows
from joinedup.outcomes.charts import HBarChart, hbar_chart
from joinedup.outcomes.models import DashboardBuild, DashboardCell, OutcomeCategory
from joinedup.sharing import policy

SMALL = 5  # counts under this are suppressed
SHOWN = 25  # rows a figure shows on the page; the export has them all
OTHERS = "All other organisations"
CASELOAD_BANDS = [
    (5, "Leads with 1 to 5 open episodes"),
    (10, "Leads with 6 to 10"),
    (15, "Leads with 11 to 15"),
    (20, "Leads with 16 to 20"),
    (30, "Leads with 21 to 30"),
    (10**9, "Leads with more than 30"),
]
PERIODS = {"3": 3, "6": 6, "12": 12, "24": 24, "all": None}
DEFAULT_PERIOD = "12"


@dataclass(frozen=True)
class Figure:
    code: str
    title: str
    formula: str
    # How a row's value is shown: "count", "mean" (total / count) or "share" (of a base key).
    kind: str = "count"
    snapshot: bool = False


FIGURES = [
    Figure(
        "requests_received",
        "Requests for support received, by source",
        "Requests received in the period, counted by the sector of the organisation that raised "
        "them.",
    ),
    Figure(
        "requests_decided",
        "Requests decided, by decision",
        "Front-door decisions made in the period, by decision. Conversion to early help = "
        "decisions for early help ÷ all decisions.",
    ),
    Figure(
        "first_meeting",
        "Days from opening to the first team meeting",
        "For episodes opened in the period with a meeting: the mean number of days from the "
        "episode opening to the team's first meeting.",
        kind="mean",
    ),
    Figure(
        "episode_events",
        "Episodes opened, stepped up, stepped down and closed",
        "Episodes opened in the period, and changes of status (step-up, step-down, closure) "
        "made in it.",
    ),
    Figure(
        "closure_reasons",
        "Why episodes closed",
        "Episodes closed in the period, by the reason recorded at closure.",
    ),
    Figure(
        "open_now",
        "Episodes open now",
        "Episodes not closed when the figures were built, by status (not filtered by period).",
        snapshot=True,
    ),
    Figure(
        "re_referrals",
        "Re-referrals within 12 months",
        "Requests received in the period about a child or family whose episode had closed in "
        "the 12 months before. Rate = again ÷ all requests.",
    ),
    Figure(
        "caseload_lead",
        "Caseload per lead professional",
        "How many lead professionals hold how many open episodes, when the figures were built "
        "(not filtered by period). Leads are counted, not named: this is not a league table.",
        snapshot=True,
    ),
    Figure(
        "caseload_organisation",
        "Caseload per organisation",
        "Open episodes per lead professional's organisation when the figures were built: the 25 "
        "organisations with the most, and all others together.",
        snapshot=True,
    ),
    Figure(
        "outcomes_improved",
        "Outcomes by headline: share of families improved",
        "For each headline outcome, the families whose need under it has team scores at two "
        "dates or more, latest in the period: the share whose latest score is higher than their "
        "first (the mean over the need's outcomes).",
        kind="share",
    ),
    Figure(
        "outcomes_distance",
        "Outcomes by headline: mean distance travelled",
        "The same families: the mean of (latest team score − first team score), on the 0–10 "
        "scale. The family's own scores are shown beside the team's on each episode, never "
        "averaged with them.",
        kind="mean",
    ),
    Figure(
        "closure_ratings",
        "The family's closure ratings",
        "Ratings given in the period by family members at closure: how much the help made a "
        "difference, 1 (none) to 5 (a very big one).",
    ),
]
BY_CODE = {f.code: f for f in FIGURES}


# --- Building the cells -------------------------------------------------------------------------


def month_of(day: date) -> date:
    return day.replace(day=1)


EVERY = ""  # the need or locality of a cell counting every one
NO_LOCALITY = "Not recorded"


class Cells:
    """Cells being built: every fact is counted once for every need it has and once for
    "every need" (need ""), so filtering by need never double-counts; and once in its locality
    and once for "every locality" (""), so the page without a locality filter reads only the
    cells already added up over localities.

    Facts are first added up by what tells them apart (figure, month, locality, needs, key): a
    partnership of a million people has hundreds of thousands of facts but only tens of
    thousands of such groups, and only the groups are spread over needs and localities."""

    def __init__(self) -> None:
        self.groups: dict[tuple[str, date | None, str, tuple[str, ...], str], list[float]] = {}
        # Snapshot figures counted per holder first (a lead, an organisation), then stored as a
        # distribution or the largest few, so the page never reads one cell per holder.
        self.held: Counter[tuple[str, str, tuple[str, ...], str]] = Counter()
        self._needs: dict[tuple[str, ...], tuple[str, ...]] = {}

    def _spread(self, needs: Iterable[str]) -> tuple[str, ...]:
        """Every need a fact is counted under: "every need" first, then its own, once each."""
        given = needs if isinstance(needs, tuple) else tuple(needs)
        spread = self._needs.get(given)
        if spread is None:
            spread = self._needs[given] = (EVERY, *sorted(set(given)))
        return spread

    def add_held(self, figure: str, locality: str, needs: Iterable[str], holder: str) -> None:
        self.held[(figure, locality or NO_LOCALITY, self._spread(needs), holder)] += 1

    def add(
        self,
        figure: str,
        month: date | None,
        locality: str,
        needs: Iterable[str],
        key: str,
        total: float = 0.0,
        count: int = 1,
    ) -> None:
        group = (figure, month, locality or NO_LOCALITY, self._spread(needs), key[:200])
        cell = self.groups.get(group)
        if cell is None:
            self.groups[group] = [count, total]
        else:
            cell[0] += count
            cell[1] += total

    def _cells(self) -> dict[tuple[str, date | None, str, str, str], list[float]]:
        cells: dict[tuple[str, date | None, str, str, str], list[float]] = defaultdict(
            lambda: [0, 0.0]
        )
        for (figure, month, place, needs, key), (count, total) in self.groups.items():
            for need in needs:
                for where in (EVERY, place):
                    cell = cells[(figure, month, where, need, key)]
                    cell[0] += count
                    cell[1] += total
        self._add_held(cells)
        return cells

    def _add_held(self, cells: dict[tuple[str, date | None, str, str, str], list[float]]) -> None:
        # A holder comes first in its place's counter where it first came in the facts, so
        # ties among the largest few are broken as they always were.
        holders: dict[tuple[str, str, str], Counter[str]] = defaultdict(Counter)
        for (figure, place, needs, holder), episodes in self.held.items():
            for need in needs:
                for where in (EVERY, place):
                    holders[(figure, where, need)][holder] += episodes
        for (figure, where, need), held in holders.items():
            if figure == "caseload_lead":
                for episodes in held.values():
                    band = next(b for top, b in CASELOAD_BANDS if episodes <= top)
                    cell = cells[(figure, None, where, need, band)]
                    cell[0] += 1
                    cell[1] += episodes
                continue
            ranked = held.most_common()
            for holder, episodes in ranked[:SHOWN]:
                cells[(figure, None, where, need, holder[:200])] = [episodes, 0.0]
            rest = sum(n for _, n in ranked[SHOWN:])
            if rest:
                cells[(figure, None, where, need, OTHERS)] = [rest, 0.0]

    def values(self) -> list[tuple[str, date | None, str, str, str, int, float]]:
        """(figure, month, locality, need, key, count, total) for every cell."""
        return [
            (figure, month, where, need, key, int(count), float(total))
            for (figure, month, where, need, key), (count, total) in self._cells().items()
        ]

    def rows(self) -> list[DashboardCell]:
        return [
            DashboardCell(figure=f, month=m, locality=loc, need=n, key=k, count=c, total=t)
            for f, m, loc, n, k, c, t in self.values()
        ]


CELL_COLUMNS = ("figure", "month", "locality", "need", "key", "count", "total")


@transaction.atomic
def store(cells: Cells, as_of: date, seconds: float) -> DashboardBuild:
    DashboardCell.objects.all().delete()
    rows = cells.values()
    insert_rows(DashboardCell, CELL_COLUMNS, rows)  # COPY: a model per cell was the slow part
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh statistics for the page's one query
            cursor.execute(f"ANALYZE {DashboardCell._meta.db_table}")
    return DashboardBuild.objects.create(as_of=as_of, cells=len(rows), seconds=seconds)


def rebuild(as_of: date | None = None) -> DashboardBuild:
    """Read the casework once and store the dashboard's cells (nightly, or on demand)."""
    from joinedup.outcomes import dashboard_build

    began = time.perf_counter()
    day = as_of or timezone.localdate()
    cells = dashboard_build.cells_from_database(day)
    return store(cells, day, time.perf_counter() - began)


# --- Reading the cells --------------------------------------------------------------------------


@dataclass
class Row:
    key: str
    count: int | None  # None: suppressed
    value: float | None
    text: str


@dataclass
class FigureView:
    figure: Figure
    rows: list[Row]
    chart: HBarChart
    headline: str = ""

    @property
    def shown(self) -> list[Row]:
        return self.rows[:SHOWN]

    @property
    def more(self) -> int:
        return max(len(self.rows) - SHOWN, 0)


@dataclass
class DashboardView:
    build: DashboardBuild | None
    period: str
    locality: str
    need: str
    periods: list[tuple[str, str]]
    localities: list[str]
    needs: list[tuple[str, str]]
    figures: list[FigureView] = field(default_factory=list)

    def query(self) -> str:
        from urllib.parse import urlencode

        return urlencode({"period": self.period, "locality": self.locality, "need": self.need})


def _suppressed(count: float) -> bool:
    return 0 < count < SMALL


def _rows(figure: Figure, sums: Mapping[str, tuple[int, float]]) -> list[Row]:
    rows = []
    if figure.kind == "share":
        # outcomes_improved: key "improved|<headline>" over "all|<headline>".
        for key in sorted(k.split("|", 1)[1] for k in sums if k.startswith("all|")):
            base = sums.get(f"all|{key}", (0, 0.0))[0]
            improved = sums.get(f"improved|{key}", (0, 0.0))[0]
            if _suppressed(base) or _suppressed(improved):
                rows.append(Row(key, None, None, "Fewer than 5 families"))
            else:
                share = improved / base if base else 0.0
                rows.append(Row(key, base, share, f"{share:.0%} of {base}"))
        return rows
    bands = {band: i for i, (_, band) in enumerate(CASELOAD_BANDS)}
    order = (
        (lambda kv: (bands.get(kv[0], 0), kv[0]))
        if figure.code == "caseload_lead"
        else (lambda kv: (-kv[1][0], kv[0]))
    )
    for key, (count, total) in sorted(sums.items(), key=order):
        if _suppressed(count):
            rows.append(Row(key, None, None, "Fewer than 5"))
        elif figure.code == "caseload_lead":
            rows.append(Row(key, count, float(count), f"{count} ({total / count:.1f} on average)"))
        elif figure.kind == "mean":
            mean = total / count if count else 0.0
            rows.append(
                Row(
                    key,
                    count,
                    mean,
                    f"{mean:+.1f}"
                    if figure.code == "outcomes_distance"
                    else f"{mean:.1f} (of {count})",
                )
            )
        else:
            rows.append(Row(key, count, float(count), str(count)))
    return rows


def _headline(figure: Figure, rows: list[Row], sums: Mapping[str, tuple[int, float]]) -> str:
    if figure.code == "requests_decided":
        decided = sum(c for c, _ in sums.values())
        early = sums.get("Early help", (0, 0.0))[0]
        if decided and not _suppressed(decided) and not _suppressed(early):
            return f"Conversion to early help: {early / decided:.0%} of {decided} decisions"
        return "Conversion to early help: fewer than 5 decisions" if decided else ""
    if figure.code == "re_referrals":
        total = sum(c for c, _ in sums.values())
        again = sums.get("Again within 12 months", (0, 0.0))[0]
        if total and not _suppressed(total) and not _suppressed(again):
            return f"Re-referral rate: {again / total:.0%} of {total} requests"
        return "Re-referral rate: fewer than 5 requests" if total else ""
    return ""


def _filters(params: Mapping[str, Any]) -> tuple[str, str, str]:
    period = str(params.get("period") or DEFAULT_PERIOD)
    if period not in PERIODS:
        period = DEFAULT_PERIOD
    return period, str(params.get("locality") or "")[:100], str(params.get("need") or "")[:60]


def figure_sums(
    build: DashboardBuild | None, period: str, locality: str, need: str
) -> dict[str, dict[str, tuple[int, float]]]:
    """One indexed query: every figure's cells added up by key."""
    if build is None:
        return {}
    months = PERIODS[period]
    cells = DashboardCell.objects.filter(need=need, locality=locality or EVERY)
    if months is not None:
        start = month_of(build.as_of) - timedelta(days=31 * (months - 1))
        cells = cells.filter(Q(month__isnull=True) | Q(month__gte=month_of(start)))
    sums: dict[str, dict[str, tuple[int, float]]] = defaultdict(dict)
    for figure, key, count, total in (
        cells.values("figure", "key")
        .annotate(c=Sum("count"), t=Sum("total"))
        .values_list("figure", "key", "c", "t")
    ):
        sums[figure][key] = (int(count or 0), float(total or 0.0))
    return sums


def latest_build() -> DashboardBuild | None:
    return DashboardBuild.objects.order_by("-built_at", "-pk").first()


def _choices() -> tuple[list[str], list[tuple[str, str]]]:
    from joinedup.partnership.models import Organisation

    localities = sorted(
        {loc for loc in Organisation.objects.values_list("locality", flat=True) if loc}
    )
    needs = [
        (c.code, f"{c.name} ({c.framework.name})")
        for c in OutcomeCategory.objects.select_related("framework").order_by(
            "framework__name", "position"
        )
    ]
    return localities, needs


def dashboard(*, user: Any, params: Mapping[str, Any]) -> DashboardView:
    """Security: partnership managers and administrators only; anyone else sees a missing page."""
    policy.require_partnership_manager(user, object_type="outcomes.dashboard")
    period, locality, need = _filters(params)
    build = latest_build()
    localities, needs = _choices()
    view = DashboardView(
        build,
        period,
        locality,
        need,
        [
            ("3", "3 months"),
            ("6", "6 months"),
            ("12", "12 months"),
            ("24", "24 months"),
            ("all", "Everything"),
        ],
        localities,
        needs,
    )
    sums = figure_sums(build, period, locality, need)
    for figure in FIGURES:
        rows = _rows(figure, sums.get(figure.code, {}))
        if figure.code == "outcomes_improved":
            data = [
                (r.key, r.value * 100 if r.value is not None else None, r.text)
                for r in rows[:SHOWN]
            ]
        else:
            data = [(r.key, r.value, r.text) for r in rows[:SHOWN]]
        view.figures.append(
            FigureView(
                figure, rows, hbar_chart(data), _headline(figure, rows, sums.get(figure.code, {}))
            )
        )
    return view
