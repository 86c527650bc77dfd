"""The partnership-health rebuild: read casework and survey answers, compute every figure, and
store the results the pages read, in one transaction.

Started nightly by `joinedup insight-rebuild` (cron) or from the overview page's button (a
background job whose progress the page shows). A failed rebuild writes nothing but its own
failure; the pages keep showing the previous results.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from statistics import median
from typing import Any

import numpy as np
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from scipy import sparse

from joinedup.insight import continuum, layout, prompts, surveys, voice
from joinedup.insight import network as net
from joinedup.insight.models import (
    BuildStatus,
    ContinuumResult,
    InsightBuild,
    NetworkNode,
    NetworkResult,
    NodeKind,
    Prompt,
    RoundStatus,
    SurveyResponse,
    SurveyResult,
    SurveyRound,
    SurveyTrend,
    VoiceResult,
)
from joinedup.insight.reading import Casework, NodeInfo, read_casework
from joinedup.outcomes.prompts import outcome_prompts
from joinedup.partnership.models import Profession, Sector

PERIODS = net.STANDARD_PERIODS_DAYS
GROUPINGS = ("profession", "sector")
STORED_TIES = 5_000  # the strongest ties kept for the whole partnership (exports, API)
LOCALITY_TIES = 500
COMMUNITY_MEMBERS_LISTED = 12
FLOWS_LISTED = 50
CONTINUUM_PAIRS_KEPT = 2_000
BUILDS_KEPT = 5
# Reading, three kinds of node per period, voice and continuum per period, surveys, prompts, save.
STEPS = 1 + 3 * len(PERIODS) + len(PERIODS) + 2 + 1

Progress = Callable[[str], None]


def build_run(*, build_id: int) -> None:
    """Run one rebuild, recording progress on the build; a failure is recorded, then raised."""
    began = time.perf_counter()
    build = InsightBuild.objects.get(pk=build_id)
    done = 0

    def progress(stage: str) -> None:
        nonlocal done
        done += 1
        InsightBuild.objects.filter(pk=build_id).update(step=min(done, STEPS), stage=stage)

    try:
        progress("Reading casework")
        casework = read_casework(as_of=build.as_of)
        read_seconds = time.perf_counter() - began
        computed = compute(casework, progress=progress)
        progress("Saving the results")
        stored_began = time.perf_counter()
        with transaction.atomic():
            counts = store(build, computed)
            figures = {
                **computed.figures,
                **counts,
                "queries_reading_casework": casework.queries,
                "read_seconds": round(read_seconds, 2),
                "store_seconds": round(time.perf_counter() - stored_began, 2),
                "seconds": round(time.perf_counter() - began, 2),
            }
            InsightBuild.objects.filter(pk=build_id).update(
                status=BuildStatus.DONE,
                finished_at=timezone.now(),
                step=STEPS,
                stage="Done",
                figures=figures,
            )
            _forget_old_builds()
    except Exception as error:
        InsightBuild.objects.filter(pk=build_id).update(
            status=BuildStatus.FAILED,
            finished_at=timezone.now(),
            message=f"{type(error).__name__}: {error}"[:2000],
        )
        raise


def _forget_old_builds() -> None:
    keep = list(
        InsightBuild.objects.filter(status=BuildStatus.DONE).values_list("pk", flat=True)[
            :BUILDS_KEPT
        ]
    )
    InsightBuild.objects.exclude(pk__in=keep).exclude(status=BuildStatus.RUNNING).delete()


# ----------------------------------------------------------------------------- computing


@dataclass
class Computed:
    networks: list[tuple[dict[str, Any], list[dict[str, Any]]]] = field(default_factory=list)
    voices: list[dict[str, Any]] = field(default_factory=list)
    continua: list[dict[str, Any]] = field(default_factory=list)
    surveys: list[dict[str, Any]] = field(default_factory=list)
    trends: list[dict[str, Any]] = field(default_factory=list)
    prompts: list[dict[str, Any]] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)


def compute(casework: Casework, *, progress: Progress = lambda stage: None) -> Computed:
    """Every partnership-health figure, as rows ready to store."""
    out = Computed()
    as_of = casework.as_of
    org_networks: dict[int, tuple[net.EcosystemNetwork, net.NetworkMetrics]] = {}
    rows = {kind: _rows(casework, kind) for kind in NodeKind.values}
    for days in PERIODS:
        period = net.Period.ending(as_of, days)
        for kind in NodeKind.values:
            progress(f"Network of {NodeKind(kind).label.lower()}, {days} days")
            network, metrics = _network_results(out, casework, rows[kind], kind, days, period)
            if kind == NodeKind.ORGANISATION:
                org_networks[days] = (network, metrics)
    survey_data = _read_surveys()
    ratings = _latest_pair_ratings(survey_data)
    for days in PERIODS:
        progress(f"Balance of voice and the continuum, {days} days")
        period = net.Period.ending(as_of, days)
        for group_by in GROUPINGS:
            out.voices.append(_voice_result(casework, period, days, group_by))
        out.continua.append(_continuum_result(casework, org_networks[days][0], period, ratings))
    progress("Survey results")
    survey_prompts = _survey_results(out, survey_data)
    progress("Prompts for conversations")
    out.prompts = _prompts(casework, rows, org_networks, survey_prompts, ratings)
    out.figures = {
        "organisations": len(casework.organisations),
        "involvements_read": len(casework.involvements),
        "team_members_read": len(casework.members),
        "meetings_read": len(casework.meetings),
        "requests_read": len(casework.requests),
        "survey_responses_read": sum(len(r.responses) for r in survey_data),
    }
    return out


@dataclass(frozen=True)
class _Rows:
    families: list[net.Involvement]
    referrals: list[net.Referral]
    meetings: list[net.MeetingAttendance]


def _rows(casework: Casework, kind: str) -> _Rows:
    return _Rows(
        casework.family_rows(kind), casework.referral_rows(kind), casework.meeting_rows(kind)
    )


# ----------------------------------------------------------------------------- networks


def _network_results(
    out: Computed, casework: Casework, rows: _Rows, kind: str, days: int, period: net.Period
) -> tuple[net.EcosystemNetwork, net.NetworkMetrics]:
    nodes = casework.nodes(kind)
    network = net.build_network(
        period=period,
        sectors={key: info.sector for key, info in nodes.items()},
        involvements=rows.families,
        referrals=rows.referrals,
        meetings=rows.meetings,
    )
    metrics = net.network_metrics(network)
    out.networks.append(_network_out(network, metrics, nodes, kind, days, "", STORED_TIES))
    # Locality views for organisations (teams sit inside them): a view per locality keeps the
    # rebuild within budget at 10,000 organisations in 50 localities.
    if kind == NodeKind.ORGANISATION:
        for locality, indices in _localities(network, nodes).items():
            sub = sub_network(network, indices)
            sub_metrics = net.network_metrics(sub)
            out.networks.append(
                _network_out(sub, sub_metrics, nodes, kind, days, locality, LOCALITY_TIES)
            )
    return network, metrics


def _localities(
    network: net.EcosystemNetwork, nodes: Mapping[Hashable, NodeInfo]
) -> dict[str, list[int]]:
    grouped: dict[str, list[int]] = defaultdict(list)
    for i, node in enumerate(network.nodes):
        info = nodes.get(node)
        if info is not None and info.locality:
            grouped[info.locality].append(i)
    return {name: found for name, found in sorted(grouped.items()) if len(found) >= 2}


def sub_network(network: net.EcosystemNetwork, indices: list[int]) -> net.EcosystemNetwork:
    """The organisations at `indices` and the ties between them (weights as in the whole)."""
    keep = np.asarray(indices, dtype=np.int64)

    def part(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
        return sparse.csr_matrix(sparse.csr_matrix(matrix)[keep][:, keep])

    nodes = tuple(network.nodes[i] for i in keep.tolist())
    return net.EcosystemNetwork(
        period=network.period,
        nodes=nodes,
        sectors=tuple(network.sectors[i] for i in keep.tolist()),
        families=part(network.families),
        shared_families=part(network.shared_families),
        meetings=part(network.meetings),
        referrals=part(network.referrals),
        caseload=network.caseload[keep],
        shared_caseload=network.shared_caseload[keep],
        index={node: i for i, node in enumerate(nodes)},
    )


def _ei(value: net.EIIndex) -> dict[str, Any]:
    return {"value": value.value, "external": value.external, "internal": value.internal}


def _network_out(
    network: net.EcosystemNetwork,
    metrics: net.NetworkMetrics,
    nodes: Mapping[Hashable, NodeInfo],
    kind: str,
    days: int,
    locality: str,
    ties_cap: int,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    labels = {key: info.label for key, info in nodes.items()}

    def name(node: Hashable) -> str:
        return labels.get(node, str(node))

    meetings = np.asarray(sparse.csr_matrix(network.meetings).sum(axis=1)).ravel()
    node_rows = [
        {
            "key": f"{kind}:{org.organisation}",
            "label": name(org.organisation),
            "sector": org.sector,
            "locality": getattr(nodes.get(org.organisation), "locality", ""),
            "ties": org.ties,
            "strength": round(org.strength, 4),
            "share_of_strength": round(org.share_of_strength, 6),
            "meetings_strength": round(float(meetings[i]), 4),
            "caseload": org.caseload,
            "shared_caseload": org.shared_caseload,
            "betweenness": round(org.betweenness, 6),
            "community": None if org.community is None else org.community + 1,
            "referrals_sent": org.referrals_sent,
            "referrals_received": org.referrals_received,
        }
        for i, org in enumerate(metrics.by_organisation)
    ]
    ties, total = _ties(network, name, ties_cap)
    summary = {
        "nodes": metrics.organisations,
        "ties": metrics.ties,
        "density": metrics.density,
        "components": metrics.components,
        "largest_component": metrics.largest_component,
        "isolated": metrics.isolated,
        "centralisation": metrics.centralisation,
        "ei_index": _ei(metrics.ei_index),
        "ei_index_weighted": _ei(metrics.ei_index_weighted),
        "ei_by_sector": [
            {"sector": s, "label": layout.sector_label(s), **_ei(v)}
            for s, v in metrics.ei_by_sector.items()
        ],
        "communities": [
            {
                "number": i + 1,
                "size": len(members),
                "members": sorted(name(m) for m in members)[:COMMUNITY_MEMBERS_LISTED],
                "more": max(0, len(members) - COMMUNITY_MEMBERS_LISTED),
            }
            for i, members in enumerate(metrics.communities)
        ],
        "modularity": metrics.modularity,
        "betweenness_approximate": metrics.betweenness_approximate,
        "betweenness_samples": metrics.betweenness_samples,
        "brokers": [
            {
                "label": name(b.organisation),
                "sector": b.sector,
                "sector_label": layout.sector_label(b.sector),
                "betweenness": b.betweenness,
            }
            for b in metrics.brokers
        ],
        "largest_share": None
        if metrics.largest_share is None
        else {
            "label": name(metrics.largest_share.organisation),
            "share": metrics.largest_share.share_of_strength,
        },
        "flows": [
            {
                "from": name(f.from_organisation),
                "to": name(f.to_organisation),
                "referrals": f.referrals,
                "returned": f.returned,
            }
            for f in net.referral_flows(network)[:FLOWS_LISTED]
        ],
    }
    result = {
        "period_days": days,
        "period_start": network.period.start,
        "period_end": network.period.end,
        "nodes_are": kind,
        "locality": locality,
        "summary": summary,
        "map": layout.network_map(network, metrics, labels),
        "ties": ties,
        "ties_total": total,
    }
    return result, node_rows


def _ties(
    network: net.EcosystemNetwork, name: Callable[[Hashable], str], cap: int
) -> tuple[list[dict[str, Any]], int]:
    """Every pair with any joint work, strongest (families, then meetings) first, up to `cap`."""
    families = sparse.csr_matrix(network.families)
    shared = sparse.csr_matrix(network.shared_families)
    meetings = sparse.csr_matrix(network.meetings)
    referrals = sparse.csr_matrix(network.referrals)
    any_tie = sparse.triu(families + meetings + referrals + referrals.T, k=1).tocoo()
    if any_tie.nnz == 0:
        return [], 0
    rows, cols = any_tie.row, any_tie.col

    def at(matrix: sparse.csr_matrix, r: np.ndarray, c: np.ndarray) -> np.ndarray:
        return np.asarray(matrix[r, c]).ravel()

    fam, meet = at(families, rows, cols), at(meetings, rows, cols)
    keep = np.lexsort((-meet, -fam))[:cap]
    rows, cols, fam, meet = rows[keep], cols[keep], fam[keep], meet[keep]
    out = [
        {
            "a": name(network.nodes[a]),
            "b": name(network.nodes[b]),
            "a_sector": network.sectors[a],
            "b_sector": network.sectors[b],
            "families": round(float(f), 4),
            "shared_families": int(s),
            "meetings": round(float(m), 4),
            "referrals_a_to_b": int(ab),
            "referrals_b_to_a": int(ba),
        }
        for a, b, f, m, s, ab, ba in zip(
            rows.tolist(),
            cols.tolist(),
            fam.tolist(),
            meet.tolist(),
            at(shared, rows, cols).tolist(),
            at(referrals, rows, cols).tolist(),
            at(referrals, cols, rows).tolist(),
            strict=True,
        )
    ]
    return out, int(any_tie.nnz)


# ----------------------------------------------------------------------------- voice

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


# ----------------------------------------------------------------------------- continuum


def _incidence(pairs: Iterable[tuple[Hashable, int]], n: int) -> sparse.csr_matrix:
    """Groups × organisations, 1 where the organisation took part in the group."""
    groups: dict[Hashable, int] = {}
    rows, cols = [], []
    for group, column in set(pairs):
        rows.append(groups.setdefault(group, len(groups)))
        cols.append(column)
    matrix = sparse.coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(groups), n))
    return sparse.csr_matrix(matrix)


def _together(incidence: sparse.csr_matrix) -> sparse.csr_matrix:
    """Pairs of organisations × how many groups they were both in."""
    return sparse.csr_matrix(incidence.T @ incidence)


def _continuum_result(
    casework: Casework,
    network: net.EcosystemNetwork,
    period: net.Period,
    ratings: _PairRatings | None,
) -> dict[str, Any]:
    index = network.index
    n = len(network.nodes)
    work = _team_work(casework, period)

    def org(practitioner: int) -> int | None:
        node = casework.practitioner_node(NodeKind.ORGANISATION, practitioner)
        return index.get(node) if node is not None else None

    in_team = [(e, i) for e, ps in work.teams.items() for p in ps if (i := org(p)) is not None]
    planned = [(e, i) for e, i in in_team if work.actions_by_episode.get(e)]
    acting = [(e, i) for e, p in work.action_owners for i in [org(p)] if i is not None]
    outcomes = [(o, i) for o, p in work.outcome_owners for i in [org(p)] if i is not None]
    meeting = [(m, i) for m, p in work.attendees for i in [org(p)] if i is not None]
    signals = {
        "information_exchanged": sparse.csr_matrix(network.shared_families),
        "shared_plan_actions": _together(_incidence(planned, n)),
        "joint_actions": _together(_incidence(acting, n)),
        "referrals": sparse.csr_matrix(network.referrals + network.referrals.T),
        "joint_meetings": _together(_incidence(meeting, n)),
        "shared_outcomes": _together(_incidence(outcomes, n)),
    }
    stages, pairs, total = _continuum_pairs(casework, network, signals, ratings)
    possible = n * (n - 1) // 2
    return {
        "period_days": (period.end - period.start).days + 1,
        "period_start": period.start,
        "period_end": period.end,
        "payload": {
            "teams": _team_stages(casework, work),
            "pair_stages": [
                {
                    "stage": s.label,
                    "value": int(s),
                    "pairs": int(stages[int(s)]) if s else possible - int(stages[1:].sum()),
                }
                for s in continuum.Stage
            ],
            "pairs": pairs,
            "pairs_total": total,
            "rated_round": ratings.round_name if ratings else None,
        },
    }


def _observed_stages(values: dict[str, np.ndarray]) -> np.ndarray:
    """The continuum stage of every pair at once, each distinct pattern of signals present
    classified by continuum.classify (so the rule lives in one place)."""
    rule = continuum.DEFAULT_RULE
    present = {name: v >= getattr(rule, name) for name, v in values.items()}
    names = list(present)
    code = sum(present[name].astype(np.int64) << bit for bit, name in enumerate(names))
    stages = np.zeros(len(code), dtype=np.int64)
    for pattern in np.unique(code).tolist():
        signals = continuum.Signals(
            **{
                name: getattr(rule, name) if pattern >> bit & 1 else 0
                for bit, name in enumerate(names)
            }
        )
        stages[code == pattern] = int(continuum.classify(signals, rule))
    return stages


def _continuum_pairs(
    casework: Casework,
    network: net.EcosystemNetwork,
    signals: dict[str, sparse.csr_matrix],
    ratings: _PairRatings | None,
) -> tuple[np.ndarray, list[dict[str, Any]], int]:
    """Pairs by stage (counts), and the pairs kept for the page: every pair either organisation
    rated, largest gap first, then the most integrated, up to CONTINUUM_PAIRS_KEPT."""
    total = sum(signals.values(), sparse.csr_matrix(signals["referrals"].shape))
    upper = sparse.triu(total, k=1).tocoo()
    rated = ratings.levels if ratings else {}
    rated_pairs = set()
    for rater, rated_org in rated:
        ia, ib = network.index.get(rater), network.index.get(rated_org)
        if ia is not None and ib is not None and ia != ib:
            rated_pairs.add((min(ia, ib), max(ia, ib)))
    seen = set(zip(upper.row.tolist(), upper.col.tolist(), strict=True))
    extra = sorted(rated_pairs - seen)
    rows = np.concatenate([upper.row, np.array([a for a, _ in extra], dtype=np.int64)])
    cols = np.concatenate([upper.col, np.array([b for _, b in extra], dtype=np.int64)])
    values = {
        name: np.asarray(matrix[rows, cols]).ravel() if len(rows) else np.zeros(0)
        for name, matrix in signals.items()
    }
    observed = _observed_stages(values)
    stages = np.bincount(observed, minlength=len(continuum.Stage))
    n = len(network.nodes)
    rated_keys = np.array([a * n + b for a, b in rated_pairs], dtype=np.int64)
    is_rated = np.isin(rows * n + cols, rated_keys)
    strongest = np.lexsort((-values["information_exchanged"], -observed))
    keep = [int(k) for k in np.flatnonzero(is_rated)] + [
        int(k) for k in strongest[:CONTINUUM_PAIRS_KEPT] if not is_rated[k]
    ]
    names: dict[Hashable, str] = {key: v[0] for key, v in casework.organisations.items()}
    kept = [_pair_row(network, int(rows[k]), int(cols[k]), values, k, names, ratings) for k in keep]
    kept.sort(key=_pair_order)
    return stages, kept[:CONTINUUM_PAIRS_KEPT], len(rows)


def _pair_order(pair: dict[str, Any]) -> tuple[int, int, str, str]:
    # Rated pairs with the largest gap first, then the most integrated.
    return (-pair["largest_gap"], -pair["observed"], pair["a"], pair["b"])


def _pair_row(
    network: net.EcosystemNetwork,
    i: int,
    j: int,
    values: dict[str, np.ndarray],
    k: int,
    names: Mapping[Hashable, str],
    ratings: _PairRatings | None,
) -> dict[str, Any]:
    a, b = network.nodes[i], network.nodes[j]
    counts = continuum.Signals(**{name: int(values[name][k]) for name in values})
    rated = ratings.levels if ratings else {}
    compared = continuum.compare(
        (a, b), counts, level_rated_by_a=rated.get((a, b)), level_rated_by_b=rated.get((b, a))
    )
    return {
        "a": names.get(a, str(a)),
        "b": names.get(b, str(b)),
        "signals": {name: getattr(counts, name) for name in values},
        "observed": int(compared.observed),
        "observed_label": compared.observed.label,
        "rated_by_a": _stage(compared.rated_by_a),
        "rated_by_b": _stage(compared.rated_by_b),
        "a_rates_b": ratings.scores.get((a, b), {}) if ratings else {},
        "b_rates_a": ratings.scores.get((b, a), {}) if ratings else {},
        "largest_gap": compared.largest_gap,
    }


def _stage(stage: continuum.Stage | None) -> dict[str, Any] | None:
    return None if stage is None else {"value": int(stage), "label": stage.label}


@dataclass
class _TeamWork:
    teams: dict[int, set[int]]  # episode → practitioners in the team in the period
    actions_by_episode: Counter[int]
    action_owners: list[tuple[int, int]]  # (episode, practitioner)
    outcome_owners: list[tuple[int, int]]  # (outcome, practitioner)
    attendees: list[tuple[int, int]]  # (meeting, practitioner)
    referrals_in: Counter[int]  # episode → requests from another organisation than the lead's


def _team_work(casework: Casework, period: net.Period) -> _TeamWork:
    members = casework.members
    teams: dict[int, set[int]] = defaultdict(set)
    for member in members.values():
        if period.overlaps(member.joined_on, member.left_on):
            teams[member.episode].add(member.practitioner)
    work = _TeamWork(teams, Counter(), [], [], [], Counter())
    for owner, episode, outcome, created in casework.actions:
        if period.contains(created) and owner in members:
            who = members[owner].practitioner
            work.actions_by_episode[episode] += 1
            work.action_owners.append((episode, who))
            if outcome is not None:
                work.outcome_owners.append((outcome, who))
    for meeting, member_id in casework.attendance:
        if period.contains(casework.meetings[meeting][1]) and member_id in members:
            work.attendees.append((meeting, members[member_id].practitioner))
    for _, raised_by, received, episode_id in casework.requests:
        row = casework.episodes.get(episode_id) if episode_id else None
        if row is not None and episode_id is not None and period.contains(received):
            source = casework.practitioner_node(NodeKind.ORGANISATION, raised_by)
            if source != casework.practitioner_node(NodeKind.ORGANISATION, row.lead):
                work.referrals_in[episode_id] += 1
    return work


def _team_stages(casework: Casework, work: _TeamWork) -> dict[str, Any]:
    """Each team around a family on the continuum, counted by stage: no family is named."""

    def org(practitioner: int) -> Hashable | None:
        return casework.practitioner_node(NodeKind.ORGANISATION, practitioner)

    actors: dict[int, set[Hashable]] = defaultdict(set)
    for episode, who in work.action_owners:
        actors[episode].add(org(who))
    outcome_orgs: dict[int, set[Hashable]] = defaultdict(set)
    outcome_episode: dict[int, int] = {}
    for outcome, who in work.outcome_owners:
        outcome_orgs[outcome].add(org(who))
    for _, episode_id, towards, _ in casework.actions:
        if towards is not None:
            outcome_episode[towards] = episode_id
    shared_outcomes: Counter[int] = Counter(
        outcome_episode[o] for o, orgs in outcome_orgs.items() if len(orgs) >= 2
    )
    meeting_orgs: dict[int, set[Hashable]] = defaultdict(set)
    for meeting, who in work.attendees:
        meeting_orgs[meeting].add(org(who))
    joint_meetings: Counter[int] = Counter(
        casework.meetings[m][0] for m, orgs in meeting_orgs.items() if len(orgs) >= 2
    )
    stages: Counter[int] = Counter()
    for episode, people in work.teams.items():
        several = len({org(p) for p in people}) >= 2
        signals = continuum.Signals(
            information_exchanged=int(several),
            shared_plan_actions=work.actions_by_episode[episode] if several else 0,
            joint_actions=int(len(actors.get(episode, ())) >= 2),
            referrals=work.referrals_in[episode],
            joint_meetings=joint_meetings[episode],
            shared_outcomes=shared_outcomes[episode],
        )
        stages[int(continuum.classify(signals))] += 1
    return {
        "total": sum(stages.values()),
        "stages": [
            {"stage": s.label, "value": int(s), "teams": stages.get(int(s), 0)}
            for s in continuum.Stage
        ],
    }


# ----------------------------------------------------------------------------- surveys


@dataclass
class _RoundData:
    round: SurveyRound
    instrument: surveys.Instrument
    responses: list[SurveyResponse]


def _read_surveys() -> list[_RoundData]:
    """Every round that has opened, its instrument and its responses (two queries)."""
    from joinedup.insight.services import instrument_parse

    rounds = list(
        SurveyRound.objects.exclude(status=RoundStatus.SCHEDULED)
        .select_related("instrument")
        .order_by("opens_on", "pk")
    )
    responses: dict[int, list[SurveyResponse]] = defaultdict(list)
    for response in SurveyResponse.objects.filter(round__in=rounds).order_by():
        responses[response.round_id].append(response)
    return [_RoundData(r, instrument_parse(r.instrument), responses[r.pk]) for r in rounds]


def _as_responses(
    data: _RoundData, names: Mapping[int, str], *, by_name: bool
) -> list[surveys.SurveyResponse]:
    sectors = dict(Sector.choices)
    return [
        surveys.SurveyResponse(
            respondent=i,
            organisation=names.get(r.organisation_id, "") if by_name else r.organisation_id,
            sector=sectors.get(r.sector, r.sector),
            round=data.round.name,
            answers={k: (None if v is None else int(v)) for k, v in r.answers.items()},
            partner=r.partner_id,
        )
        for i, r in enumerate(data.responses)
    ]


def _spread(value: surveys.Spread, labels: list[str]) -> dict[str, Any]:
    if value.suppressed:
        return {"suppressed": True}
    return {
        "suppressed": False,
        "n": value.n,
        "mean": value.mean,
        "median": value.median,
        "sd": value.sd,
        "minimum": value.minimum,
        "maximum": value.maximum,
        "distribution": [
            {"point": point, "label": labels[i], "people": count}
            for i, (point, count) in enumerate((value.distribution or {}).items())
        ],
    }


def _group_payload(
    instrument: surveys.Instrument, result: surveys.GroupResult, label: str
) -> dict[str, Any]:
    def labels(scale: str) -> list[str]:
        return [p.label for p in instrument.scales[scale].points]

    return {
        "group": result.group,
        "label": label,
        "scores": {
            rule_id: {
                **_spread(score.spread, labels(score.rule.scale)),
                "concern": score.concern,
                "strength": score.strength,
            }
            for rule_id, score in result.scores.items()
        },
        "items": {
            item.id: _spread(result.items[item.id], labels(item.scale)) for item in instrument.items
        },
    }


def _organisation_names() -> dict[int, str]:
    from joinedup.partnership.models import Organisation

    return dict(Organisation.objects.values_list("pk", "name"))


def _survey_results(out: Computed, rounds: list[_RoundData]) -> list[surveys.GroupResult]:
    """Themed rounds: results for all, by organisation and by sector, with trends; partner
    rounds: each organisation's ratings. Returns the latest closed themed round's results."""
    names = _organisation_names()
    sectors = dict(Sector.choices)
    latest: list[surveys.GroupResult] = []
    by_instrument: dict[int, list[_RoundData]] = defaultdict(list)
    for data in rounds:
        instrument = data.instrument
        if instrument.kind == "relational":
            out.surveys.append(_relational_payload(data, names))
            continue
        by_instrument[data.round.instrument_id].append(data)
        responses = _as_responses(data, names, by_name=True)
        everyone = surveys.score_responses(instrument, responses, by="all")
        groups = {
            "all": [(r, "Everyone") for r in everyone]
            or [(_empty_result(instrument, data.round.name, None), "Everyone")],
            "organisation": _every_group(
                instrument,
                data,
                surveys.score_responses(instrument, responses, by="organisation"),
                sorted(names.values()),
            ),
            "sector": _every_group(
                instrument,
                data,
                surveys.score_responses(instrument, responses, by="sector"),
                [sectors[s] for s in Sector.values],
            ),
        }
        for group_by, results in groups.items():
            out.surveys.append(
                {
                    "round": data.round,
                    "group_by": group_by,
                    "payload": {
                        "groups": [_group_payload(instrument, r, label) for r, label in results],
                        "respondents_shown": len(data.responses)
                        if len(data.responses) >= surveys.MIN_RESPONSES
                        else None,
                    },
                }
            )
        if data.round.status == RoundStatus.CLOSED:
            latest = everyone + surveys.score_responses(instrument, responses, by="sector")
    for instrument_rounds in by_instrument.values():
        out.trends.append(_trend_payload(instrument_rounds, names))
    return latest


def _empty_result(
    instrument: surveys.Instrument, round_name: str, group: Hashable | None
) -> surveys.GroupResult:
    return surveys.GroupResult(
        round=round_name,
        group=group,
        scores={
            rule.id: surveys.ScoreResult(rule, surveys.SUPPRESSED) for rule in instrument.scoring
        },
        items={item.id: surveys.SUPPRESSED for item in instrument.items},
    )


def _every_group(
    instrument: surveys.Instrument,
    data: _RoundData,
    results: list[surveys.GroupResult],
    every: list[str],
) -> list[tuple[surveys.GroupResult, str]]:
    """Every organisation (sector) in the partnership, answered or not, so that a suppressed
    group and one with no answers look the same."""
    found = {str(r.group): r for r in results}
    return [
        (found.get(label) or _empty_result(instrument, data.round.name, label), label)
        for label in every
    ]


TREND_GROUPS = (("all", "Everyone"), ("sector", "By sector"), ("organisation", "By organisation"))


def _trend_payload(rounds: list[_RoundData], names: Mapping[int, str]) -> dict[str, Any]:
    """Each score across the rounds of one instrument version: for everyone, by sector and by
    organisation (a group's figure suppressed in a round where it had fewer than three)."""
    instrument = rounds[-1].instrument
    responses = [r for data in rounds for r in _as_responses(data, names, by_name=True)]
    order = [data.round.name for data in rounds]
    by_kind = {
        kind: surveys.score_responses(instrument, responses, by=kind)  # type: ignore[arg-type]
        for kind, _ in TREND_GROUPS
    }
    scores = []
    for rule in instrument.scoring:
        groups = []
        for kind, heading in TREND_GROUPS:
            points: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for point in surveys.trend(by_kind[kind], rule.id, rounds=order):
                points["Everyone" if point.group is None else str(point.group)].append(
                    {
                        "round": point.round,
                        "mean": point.spread.mean,
                        "sd": point.spread.sd,
                        "suppressed": point.spread.suppressed,
                        "change": point.change,
                    }
                )
            groups += [
                {"kind": kind, "heading": heading, "label": label, "points": points[label]}
                for label in sorted(points)
            ]
        scores.append({"rule": rule.id, "title": rule.title, "groups": groups})
    return {
        "instrument": rounds[-1].round.instrument,
        "payload": {"rounds": order, "scores": scores},
    }


@dataclass
class _PairRatings:
    round_name: str
    pairs: list[surveys.PairRating]
    levels: dict[tuple[Hashable, Hashable], float]  # (rater, rated) → collaboration 0–5
    scores: dict[tuple[Hashable, Hashable], dict[str, float]]


def _latest_pair_ratings(rounds: list[_RoundData]) -> _PairRatings | None:
    """The newest partner-rating round that has answers (closed rounds first)."""
    candidates = [d for d in rounds if d.instrument.kind == "relational" and d.responses]
    candidates.sort(key=lambda d: (d.round.status == RoundStatus.CLOSED, d.round.opens_on))
    if not candidates:
        return None
    data = candidates[-1]
    pairs = surveys.pair_ratings(data.instrument, _as_responses(data, {}, by_name=False))
    level_rule = next((r for r in data.instrument.scoring if r.id == "level"), None)
    levels = {}
    if level_rule is not None and data.instrument.scales[level_rule.scale].maximum == 5:
        levels = {
            (p.rater, p.rated): p.scores[level_rule.id] for p in pairs if level_rule.id in p.scores
        }
    return _PairRatings(
        data.round.name,
        pairs,
        levels,  # type: ignore[arg-type]
        {(p.rater, p.rated): p.scores for p in pairs},  # type: ignore[misc]
    )


def _relational_payload(data: _RoundData, names: Mapping[int, str]) -> dict[str, Any]:
    instrument = data.instrument
    pairs = surveys.pair_ratings(instrument, _as_responses(data, names, by_name=False))
    received = surveys.ratings_received(instrument, pairs)
    differences = surveys.rating_differences(surveys.mutual_ratings(pairs))

    def name(org: Any) -> str:
        return names.get(org, str(org))

    def labels(scale: str) -> list[str]:
        return [p.label for p in instrument.scales[scale].points]

    return {
        "round": data.round,
        "group_by": "pairs",
        "payload": {
            "pairs": sorted(
                (
                    {
                        "rater": name(p.rater),
                        "rated": name(p.rated),
                        "scores": p.scores,
                    }
                    for p in pairs
                ),
                key=lambda p: (p["rater"], p["rated"]),
            ),
            "received": sorted(
                (
                    {
                        "organisation": name(org),
                        "scores": {
                            rule.id: _spread(spreads[rule.id], labels(rule.scale))
                            for rule in instrument.scoring
                        },
                    }
                    for (_, org), spreads in received.items()
                ),
                key=lambda r: r["organisation"],
            ),
            "differences": [
                {
                    "a": name(d.a),
                    "b": name(d.b),
                    "score": d.score,
                    "a_rates_b": d.a_rates_b,
                    "b_rates_a": d.b_rates_a,
                    "difference": d.difference,
                }
                for d in differences
            ],
            "respondents_shown": len(data.responses)
            if len(data.responses) >= surveys.MIN_RESPONSES
            else None,
        },
    }


# ----------------------------------------------------------------------------- prompts

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


# ----------------------------------------------------------------------------- storing


def store(build: InsightBuild, computed: Computed) -> dict[str, int]:
    """Write every result for the build (inside the caller's transaction)."""
    nodes: list[NetworkNode] = []
    for fields, node_rows in computed.networks:
        result = NetworkResult.objects.create(build=build, **fields)
        nodes += [NetworkNode(result=result, **row) for row in node_rows]
    NetworkNode.objects.bulk_create(nodes, batch_size=2_000)
    VoiceResult.objects.bulk_create(VoiceResult(build=build, **v) for v in computed.voices)
    ContinuumResult.objects.bulk_create(
        ContinuumResult(build=build, **c) for c in computed.continua
    )
    SurveyResult.objects.bulk_create(SurveyResult(build=build, **s) for s in computed.surveys)
    SurveyTrend.objects.bulk_create(SurveyTrend(build=build, **t) for t in computed.trends)
    _store_prompts(build, computed.prompts)
    return {
        "network_results": len(computed.networks),
        "network_nodes": len(nodes),
        "prompts": len(computed.prompts),
    }


def _store_prompts(build: InsightBuild, rows: list[dict[str, Any]]) -> None:
    """Prompts keep their identity (and what was discussed) across rebuilds."""
    seen = {row["fingerprint"]: row for row in rows}
    existing = {p.fingerprint: p for p in Prompt.objects.filter(fingerprint__in=list(seen))}
    for fingerprint, row in seen.items():
        prompt = existing.get(fingerprint)
        if prompt is None:
            Prompt.objects.create(**row, active=True, first_seen=build, last_seen=build)
            continue
        for name, value in row.items():
            setattr(prompt, name, value)
        prompt.active, prompt.last_seen = True, build
        prompt.save()
    Prompt.objects.exclude(fingerprint__in=list(seen)).update(active=False)
