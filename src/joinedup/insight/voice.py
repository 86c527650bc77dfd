"""Balance of voice: who leads, acts, attends and decides, by profession or by sector.

A group whose share of lead-professional roles is well below its share of team memberships is
flagged, so a partnership can ask why (a prompt for a conversation, not a league table).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from joinedup.errors import ApplicationError

DEFAULT_LEAD_RATIO = 0.5  # flagged when lead share < 0.5 × membership share ...
DEFAULT_MIN_MEMBERSHIPS = 10  # ... and the group holds at least this many memberships

# The counts compared across groups; each gets its share, Gini and Herfindahl.
MEASURES = (
    "memberships",
    "lead_roles",
    "actions_owned",
    "meetings_attended",
    "decisions_recorded",
    "disagreements_raised",
    "disagreements_upheld",
)


@dataclass(frozen=True)
class GroupActivity:
    """One profession's (or sector's) counts for a period; the database tallies these."""

    group: str
    memberships: int = 0
    lead_roles: int = 0
    actions_owned: int = 0
    meetings_attended: int = 0
    decisions_recorded: int = 0
    disagreements_raised: int = 0
    disagreements_upheld: int = 0
    # Days from a request to this group's answer; one entry per answered request.
    response_days: Sequence[float] = field(default=())

    def __post_init__(self) -> None:
        for measure in MEASURES:
            if getattr(self, measure) < 0:
                raise ApplicationError(f"{measure} cannot be negative.", field=measure)
        if self.disagreements_upheld > self.disagreements_raised:
            raise ApplicationError(
                "More disagreements upheld than raised.", field="disagreements_upheld"
            )


@dataclass(frozen=True)
class GroupVoice:
    group: str
    counts: dict[str, int]
    shares: dict[str, float]  # measure → this group's share of the partnership total
    lead_to_membership: float | None  # lead share ÷ membership share; 1 = proportionate
    disagreements_upheld_rate: float | None
    median_response_days: float | None
    under_represented: bool


@dataclass(frozen=True)
class Concentration:
    gini: float
    herfindahl: float
    herfindahl_normalised: float


@dataclass(frozen=True)
class VoiceBalance:
    groups: tuple[GroupVoice, ...]
    concentration: dict[str, Concentration]  # measure → how unevenly it is spread
    flagged: tuple[GroupVoice, ...]
    lead_ratio: float
    min_memberships: int


def gini(values: Iterable[float]) -> float:
    """Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n² mean); 0 when equal, approaching 1 when one holds everything.

    Computed from the sorted values in O(n log n). All zero (or no values) gives 0.
    """
    xs = sorted(float(v) for v in values)
    if any(x < 0 for x in xs):
        raise ValueError("Gini is defined for non-negative values only.")
    n, total = len(xs), sum(xs)
    if n == 0 or total == 0:
        return 0.0
    # Σᵢ (2i − n − 1) xᵢ over ascending values, i from 1, equals ½ Σᵢ Σⱼ |xᵢ − xⱼ|.
    weighted = sum((2 * i - n - 1) * x for i, x in enumerate(xs, start=1))
    return max(0.0, weighted / (n * total))


def herfindahl(values: Iterable[float]) -> float:
    """Σ sᵢ² over shares sᵢ = xᵢ / Σx; 1/n when equal, 1 when one group holds everything."""
    xs = [float(v) for v in values]
    total = sum(xs)
    if total == 0:
        return 0.0
    return sum((x / total) ** 2 for x in xs)


def herfindahl_normalised(values: Iterable[float]) -> float:
    """(H − 1/n) / (1 − 1/n): 0 when equal, 1 when one group holds everything."""
    xs = [float(v) for v in values]
    n = len(xs)
    if n < 2 or sum(xs) == 0:
        return 0.0
    return (herfindahl(xs) - 1 / n) / (1 - 1 / n)


def concentration(values: Sequence[float]) -> Concentration:
    return Concentration(
        gini=gini(values),
        herfindahl=herfindahl(values),
        herfindahl_normalised=herfindahl_normalised(values),
    )


def balance_of_voice(
    activity: Iterable[GroupActivity],
    *,
    lead_ratio: float = DEFAULT_LEAD_RATIO,
    min_memberships: int = DEFAULT_MIN_MEMBERSHIPS,
) -> VoiceBalance:
    """Shares per group, how concentrated each measure is, and the under-representation flag."""
    rows = list(activity)
    if len({row.group for row in rows}) != len(rows):
        raise ApplicationError("Each group may appear only once.", field="group")
    totals = {m: sum(getattr(row, m) for row in rows) for m in MEASURES}
    groups = tuple(_group_voice(row, totals, lead_ratio, min_memberships) for row in rows)
    return VoiceBalance(
        groups=groups,
        concentration={m: concentration([getattr(row, m) for row in rows]) for m in MEASURES},
        flagged=tuple(g for g in groups if g.under_represented),
        lead_ratio=lead_ratio,
        min_memberships=min_memberships,
    )


def _group_voice(
    row: GroupActivity, totals: dict[str, int], lead_ratio: float, min_memberships: int
) -> GroupVoice:
    counts = {m: int(getattr(row, m)) for m in MEASURES}
    shares = {m: (counts[m] / totals[m] if totals[m] else 0.0) for m in MEASURES}
    member_share, lead_share = shares["memberships"], shares["lead_roles"]
    return GroupVoice(
        group=row.group,
        counts=counts,
        shares=shares,
        lead_to_membership=lead_share / member_share if member_share else None,
        disagreements_upheld_rate=(
            row.disagreements_upheld / row.disagreements_raised
            if row.disagreements_raised
            else None
        ),
        median_response_days=(
            float(statistics.median(row.response_days)) if row.response_days else None
        ),
        under_represented=(
            row.memberships >= min_memberships
            and totals["lead_roles"] > 0
            and lead_share < lead_ratio * member_share
        ),
    )
