"""Balance of voice: who leads, who acts, who is heard."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

from joinedup.insight import network as net
from joinedup.insight import voice
from joinedup.insight.reading import Casework
from joinedup.partnership.models import Profession, Sector

LABELS = {"profession": dict(Profession.choices), "sector": dict(Sector.choices)}


MEASURE_LABELS = {
    "memberships": "Team memberships",
    "lead_roles": "Lead-professional roles",
    "actions_owned": "Actions owned",
    "meetings_attended": "Meetings attended",
    "decisions_recorded": "Decisions recorded",
    "disagreements_raised": "Disagreements raised",
    "disagreements_upheld": "Disagreements upheld",
}


def _voice_result(
    casework: Casework, period: net.Period, days: int, group_by: str
) -> dict[str, Any]:
    per_person = practitioner_activity(casework, period)
    group_of = _grouping(casework, group_by)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    response_days: dict[str, list[float]] = defaultdict(list)
    for practitioner, tallies in per_person.items():
        group = group_of(practitioner)
        if group is None:
            continue
        counts[group].update({k: v for k, v in tallies.items() if k != "response_days"})
        response_days[group].extend(tallies.get("response_days", []))  # type: ignore[arg-type]
    activity = [
        voice.GroupActivity(
            group=group,
            **{m: int(counts[group].get(m, 0)) for m in voice.MEASURES},
            response_days=tuple(response_days[group]),
        )
        for group in sorted(counts)
    ]
    balance = voice.balance_of_voice(activity)
    labels = LABELS[group_by]
    return {
        "period_days": days,
        "period_start": period.start,
        "period_end": period.end,
        "group_by": group_by,
        "payload": {
            "groups": [
                {
                    "group": g.group,
                    "label": labels.get(g.group, g.group),
                    "counts": g.counts,
                    "shares": g.shares,
                    "lead_to_membership": g.lead_to_membership,
                    "disagreements_upheld_rate": g.disagreements_upheld_rate,
                    "median_response_days": g.median_response_days,
                    "under_represented": g.under_represented,
                }
                for g in sorted(balance.groups, key=lambda g: -g.counts["memberships"])
            ],
            "concentration": {
                m: {
                    "gini": c.gini,
                    "herfindahl": c.herfindahl,
                    "herfindahl_normalised": c.herfindahl_normalised,
                }
                for m, c in balance.concentration.items()
            },
            "measure_labels": MEASURE_LABELS,
            "flagged": [labels.get(g.group, g.group) for g in balance.flagged],
            "lead_ratio": balance.lead_ratio,
            "min_memberships": balance.min_memberships,
            "totals": {m: sum(g.counts[m] for g in balance.groups) for m in voice.MEASURES},
        },
    }


def _grouping(casework: Casework, group_by: str) -> Callable[[int], str | None]:
    orgs = casework.organisations

    def group_of(practitioner: int) -> str | None:
        row = casework.practitioners.get(practitioner)
        if row is None:
            return None
        if group_by == "profession":
            return row[2]
        org = orgs.get(row[0])
        return org[1] if org else None

    return group_of


def practitioner_activity(casework: Casework, period: net.Period) -> dict[int, Counter[Any]]:
    """Each practitioner's memberships, lead roles, actions, meetings, decisions and
    disagreements in the period, and the days they took to answer requests."""
    tally: dict[int, Counter[Any]] = defaultdict(Counter)
    members = casework.members
    for member in members.values():
        if period.overlaps(member.joined_on, member.left_on):
            tally[member.practitioner]["memberships"] += 1
    for episode in casework.episodes.values():
        if period.overlaps(episode.opened_on, episode.closed_on):
            tally[episode.lead]["lead_roles"] += 1
    for _, previous_lead, on in casework.handovers:
        if period.contains(on):
            tally[previous_lead]["lead_roles"] += 1
    for owner, _, _, created in casework.actions:
        if period.contains(created) and owner in members:
            tally[members[owner].practitioner]["actions_owned"] += 1
    for meeting, member_id in casework.attendance:
        if period.contains(casework.meetings[meeting][1]) and member_id in members:
            tally[members[member_id].practitioner]["meetings_attended"] += 1
    for who, taken in casework.decisions:
        if period.contains(taken):
            tally[who]["decisions_recorded"] += 1
    for member_id, raised, upheld in casework.disagreements:
        if period.contains(raised) and member_id in members:
            who = members[member_id].practitioner
            tally[who]["disagreements_raised"] += 1
            tally[who]["disagreements_upheld"] += int(bool(upheld))
    answered: dict[int, list[float]] = defaultdict(list)
    for who, decided, days in casework.answers:
        if period.contains(decided):
            answered[who].append(days)
    for who, days_list in answered.items():
        tally[who]["response_days"] = days_list  # type: ignore[assignment]
    return tally
