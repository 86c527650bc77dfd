"""Prompts for the partnership to discuss, each with its evidence."""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import replace
from datetime import date, timedelta
from statistics import median
from typing import Any

import numpy as np
from django.urls import reverse

from joinedup.insight import network as net
from joinedup.insight import prompts, surveys
from joinedup.insight.models import (
    NodeKind,
    SurveyRound,
)
from joinedup.insight.reading import Casework
from joinedup.insight.rebuild.common import PERIODS, _Rows
from joinedup.insight.rebuild.surveys import _PairRatings
from joinedup.outcomes.prompts import outcome_prompts

QUARTER_DAYS = 91


def _prompts(
    casework: Casework,
    rows: Mapping[str, _Rows],
    org_networks: Mapping[int, tuple[net.EcosystemNetwork, net.NetworkMetrics]],
    survey_results: list[surveys.GroupResult],
    ratings: _PairRatings | None,
) -> list[dict[str, Any]]:
    names = {pk: v[0] for pk, v in casework.organisations.items()}
    network_year, metrics_year = org_networks[max(PERIODS)]
    network_now, metrics_now = org_networks[min(PERIODS)]
    days = min(PERIODS)
    earlier = net.Period.ending(casework.as_of - timedelta(days=days), days)
    organisation_rows = rows[NodeKind.ORGANISATION]
    earlier_network = net.build_network(
        period=earlier,
        sectors=dict(zip(network_now.nodes, network_now.sectors, strict=True)),
        involvements=organisation_rows.families,
        referrals=organisation_rows.referrals,
        meetings=organisation_rows.meetings,
    )
    # The prompt compares only the period and its degree centralisation, so the earlier period
    # needs no communities or betweenness: the same figures with those two replaced.
    degrees = np.asarray(net.binary(earlier_network.ties("families")).sum(axis=1)).ravel()
    previous = replace(
        metrics_now, period=earlier, centralisation=net.degree_centralisation(degrees)
    )
    found: list[tuple[prompts.Prompt, str, str]] = []
    network_url = reverse("insight:network")
    continuum_url = reverse("insight:continuum")
    rounds = dict(SurveyRound.objects.values_list("name", "pk"))
    for p in prompts.factors_below_threshold(survey_results):
        group = p.evidence["group"]
        p = replace(p, title=f"{p.title}, {'everyone' if group is None else group}")
        round_pk = rounds.get(p.evidence["round"])
        link = reverse("insight:round", args=[round_pk]) if round_pk else ""
        if link and p.evidence["group"] is not None:
            link += "?by=sector"
        found.append(
            (p, link, f"{p.evidence['round']}|{p.evidence['group']}|{p.evidence['score']}")
        )
    if ratings is not None:
        differences = surveys.rating_differences(surveys.mutual_ratings(ratings.pairs))
        for p in prompts.ratings_differ(differences, names=names):
            p = replace(p, title=f"{p.title} ({p.evidence['score']})")
            key = "|".join(
                map(str, [*p.evidence["organisations"], p.evidence["round"], p.evidence["score"]])
            )
            found.append((p, f"{continuum_url}#pairs", key))
        for p in prompts.shared_caseload_low_trust(network_year, ratings.pairs, names=names):
            key = "|".join(map(str, [*p.evidence["organisations"], p.evidence["round"]]))
            found.append((p, f"{network_url}?period=365#ties", key))
    for p in prompts.centralisation_rising(previous, metrics_now):
        found.append((p, f"{network_url}?period={days}#figures", ""))
    for p in prompts.organisation_share_high(metrics_year, names=names):
        found.append(
            (p, f"{network_url}?period=365#organisations", str(p.evidence["organisation"]))
        )
    for p in prompts.families_without_joint_meeting(_family_teams(casework, network_now.period)):
        # Security: insight pages never name a family; the evidence keeps only how many.
        p.evidence["families"] = len(p.evidence["families"])
        found.append((p, f"{continuum_url}?period={days}#teams", ""))
    series = _quarterly_series(casework)
    for p in prompts.re_referrals_worsening(series["re_referral_rate"]):
        found.append((p, "", ""))
    for p in prompts.first_meeting_slower(series["days_to_first_meeting"]):
        found.append((p, "", ""))
    found.extend(outcome_prompts(casework.as_of))
    return [_prompt_row(p, link, key, names) for p, link, key in found]


def _prompt_row(
    prompt: prompts.Prompt, link: str, key: str, names: Mapping[int, str]
) -> dict[str, Any]:
    evidence = _plain(prompt.evidence)
    if "organisations" in evidence:
        evidence["organisation_names"] = [
            names.get(o, str(o)) for o in prompt.evidence["organisations"]
        ]
    if "organisation" in evidence:
        evidence["organisation_name"] = names.get(prompt.evidence["organisation"], "")
    fingerprint = hashlib.sha256(f"{prompt.kind}|{key}".encode()).hexdigest()
    return {
        "fingerprint": fingerprint,
        "kind": prompt.kind,
        "title": prompt.title[:300],
        "text": prompt.text,
        "metric": prompt.evidence.get("metric", ""),
        "evidence": evidence,
        "link": link,
    }


def _plain(value: Any) -> Any:
    """Evidence as JSON: dates as ISO text, tuples as lists, numpy numbers as Python ones."""
    return json.loads(json.dumps(value, default=_json_default))


def _json_default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    raise TypeError(f"{type(value).__name__} is not JSON")


def _family_teams(casework: Casework, period: net.Period) -> list[prompts.FamilyTeam]:
    organisations: dict[int, set[int]] = defaultdict(set)
    for family, org, _, _, start, end in casework.involvements:
        if period.overlaps(start, end):
            organisations[family].add(org)
    meeting_orgs: dict[int, set[Hashable]] = defaultdict(set)
    for meeting, member_id in casework.attendance:
        member = casework.members.get(member_id)
        if member is not None and period.contains(casework.meetings[meeting][1]):
            meeting_orgs[meeting].add(
                casework.practitioner_node(NodeKind.ORGANISATION, member.practitioner)
            )
    joint: Counter[int] = Counter()
    for meeting, orgs in meeting_orgs.items():
        if len(orgs) >= 2:
            episode = casework.episodes.get(casework.meetings[meeting][0])
            if episode is not None:
                joint[episode.family] += 1
    return [
        prompts.FamilyTeam(family, frozenset(orgs), joint[family])
        for family, orgs in organisations.items()
    ]


def _quarterly_series(casework: Casework) -> dict[str, list[prompts.PeriodFigure]]:
    """Re-referral rate and median days to a first meeting, for the last four quarters."""
    closed: dict[int, list[date]] = defaultdict(list)
    for row in casework.episodes.values():
        if row.closed_on is not None:
            closed[row.family].append(row.closed_on)
    first_meeting: dict[int, date] = {}
    for episode, held in casework.meetings.values():
        if episode not in first_meeting or held < first_meeting[episode]:
            first_meeting[episode] = held
    re_referral, to_meeting = [], []
    for q in range(3, -1, -1):
        quarter = net.Period.ending(casework.as_of - timedelta(days=QUARTER_DAYS * q), QUARTER_DAYS)
        label = f"{quarter.start:%-d %b %Y} to {quarter.end:%-d %b %Y}"
        received = [r for r in casework.requests if quarter.contains(r[2])]
        again = sum(
            1
            for pk, _, on, _ in received
            if any(
                on - timedelta(days=365) <= c < on
                for fam in casework.request_families.get(pk, ())
                for c in closed.get(fam, ())
            )
        )
        if received:
            re_referral.append(prompts.PeriodFigure(label, again / len(received)))
        waits = [
            (first_meeting[ep] - on).days
            for _, _, on, ep in received
            if ep is not None and ep in first_meeting and first_meeting[ep] >= on
        ]
        if waits:
            to_meeting.append(prompts.PeriodFigure(label, float(median(waits))))
    return {"re_referral_rate": re_referral, "days_to_first_meeting": to_meeting}
