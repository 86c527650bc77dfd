"""The integration continuum: how far each pair of organisations works together."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse

from joinedup.insight import continuum
from joinedup.insight import network as net
from joinedup.insight.models import (
    NodeKind,
)
from joinedup.insight.reading import Casework
from joinedup.insight.rebuild.common import CONTINUUM_PAIRS_KEPT
from joinedup.insight.rebuild.surveys import _PairRatings


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
