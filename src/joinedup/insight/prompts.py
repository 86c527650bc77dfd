"""Prompts for conversations: patterns worth talking about, each with the evidence behind it.

Prompts are not league tables: each names a pattern and suggests a question, never a rank. Every
rule is a pure function with its thresholds as keyword arguments; `evidence` holds the figures
and ids the page links to (the Django layer checks access before linking to any family).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from joinedup.insight.network import EcosystemNetwork, NetworkMetrics
from joinedup.insight.surveys import GroupResult, PairRating, RatingDifference

DEFAULT_MIN_SHARED_FAMILIES = 20
DEFAULT_TRUST_BELOW = 2.5
DEFAULT_CENTRALISATION_RISE = 0.05
DEFAULT_MAX_SHARE = 0.2
DEFAULT_MIN_AGENCIES = 3
DEFAULT_RE_REFERRAL_RISE = 0.05  # five percentage points
DEFAULT_FIRST_MEETING_RISE_DAYS = 7.0


@dataclass(frozen=True)
class Prompt:
    kind: str
    title: str
    text: str
    evidence: dict[str, Any] = field(default_factory=dict)


def _name(names: Mapping[Any, str] | None, node: Hashable) -> str:
    return (names or {}).get(node, str(node))


def factors_below_threshold(results: Iterable[GroupResult]) -> list[Prompt]:
    """A survey score whose mean is below its instrument's threshold (never a suppressed one)."""
    prompts = []
    for result in results:
        for score in result.scores.values():
            if not score.concern:
                continue
            who = "across the partnership" if result.group is None else f"for {result.group}"
            prompts.append(
                Prompt(
                    kind="factor_below_threshold",
                    title=f"{score.rule.title}: below {score.rule.concern_below:g}",
                    text=(
                        f"In {result.round}, people scored '{score.rule.title}' {who} at "
                        f"{score.spread.mean:.1f} on average, below {score.rule.concern_below:g}. "
                        "What lies behind that, and what would help?"
                    ),
                    evidence={
                        "round": result.round,
                        "group": result.group,
                        "score": score.rule.id,
                        "mean": score.spread.mean,
                        "n": score.spread.n,
                        "sd": score.spread.sd,
                        "threshold": score.rule.concern_below,
                        "metric": "survey_score",
                    },
                )
            )
    return prompts


def ratings_differ(
    differences: Iterable[RatingDifference], *, names: Mapping[Any, str] | None = None
) -> list[Prompt]:
    """Two organisations whose ratings of each other differ by the set amount (default 2)."""
    return [
        Prompt(
            kind="ratings_differ",
            title=f"{_name(names, d.a)} and {_name(names, d.b)} see each other differently",
            text=(
                f"On {d.score}, {_name(names, d.a)} rates {_name(names, d.b)} {d.a_rates_b:.1f} "
                f"and {_name(names, d.b)} rates {_name(names, d.a)} {d.b_rates_a:.1f}. "
                "A conversation about what each expects of the other may help."
            ),
            evidence={
                "organisations": [d.a, d.b],
                "round": d.round,
                "score": d.score,
                "a_rates_b": d.a_rates_b,
                "b_rates_a": d.b_rates_a,
                "difference": d.difference,
                "metric": "rating_difference",
            },
        )
        for d in differences
    ]


def shared_caseload_low_trust(
    network: EcosystemNetwork,
    ratings: Iterable[PairRating],
    *,
    score: str = "trust",
    min_shared_families: int = DEFAULT_MIN_SHARED_FAMILIES,
    trust_below: float = DEFAULT_TRUST_BELOW,
    names: Mapping[Any, str] | None = None,
) -> list[Prompt]:
    """An organisation that shares many families with a partner but rates its trust low."""
    prompts = []
    for rating in ratings:
        trust = rating.scores.get(score)
        i, j = network.index.get(rating.rater), network.index.get(rating.rated)
        if trust is None or trust >= trust_below or i is None or j is None:
            continue
        shared = int(network.shared_families[i, j])
        if shared < min_shared_families:
            continue
        rater, rated = _name(names, rating.rater), _name(names, rating.rated)
        prompts.append(
            Prompt(
                kind="shared_caseload_low_trust",
                title=f"{rater} and {rated}: many families together, low trust",
                text=(
                    f"{rater} and {rated} worked with {shared} of the same families, and "
                    f"{rater} rates its trust in {rated} at {trust:.1f}. What would make "
                    "that joint work easier?"
                ),
                evidence={
                    "organisations": [rating.rater, rating.rated],
                    "round": rating.round,
                    "shared_families": shared,
                    "trust": trust,
                    "thresholds": {
                        "min_shared_families": min_shared_families,
                        "trust_below": trust_below,
                    },
                    "metric": "shared_families",
                },
            )
        )
    return prompts


def centralisation_rising(
    previous: NetworkMetrics,
    current: NetworkMetrics,
    *,
    min_rise: float = DEFAULT_CENTRALISATION_RISE,
) -> list[Prompt]:
    """Freeman centralisation up by `min_rise` or more between two periods."""
    before, now = previous.centralisation, current.centralisation
    if before is None or now is None or now - before < min_rise:
        return []
    return [
        Prompt(
            kind="centralisation_rising",
            title="The network is leaning on fewer organisations",
            text=(
                f"Degree centralisation rose from {before:.2f} to {now:.2f}. Joint work is "
                "gathering around fewer organisations; is that by design, and can they sustain it?"
            ),
            evidence={
                "previous_period": [previous.period.start, previous.period.end],
                "current_period": [current.period.start, current.period.end],
                "previous": before,
                "current": now,
                "min_rise": min_rise,
                "metric": "centralisation",
            },
        )
    ]


def organisation_share_high(
    metrics: NetworkMetrics,
    *,
    max_share: float = DEFAULT_MAX_SHARE,
    names: Mapping[Any, str] | None = None,
) -> list[Prompt]:
    """Any organisation holding more than `max_share` of all tie strength."""
    return [
        Prompt(
            kind="organisation_share_high",
            title=f"{_name(names, org.organisation)} holds a large share of joint work",
            text=(
                f"{_name(names, org.organisation)} holds {org.share_of_strength:.0%} of the "
                f"partnership's joint work (above {max_share:.0%}). What happens to families "
                "if it is stretched?"
            ),
            evidence={
                "organisation": org.organisation,
                "share": org.share_of_strength,
                "max_share": max_share,
                "period": [metrics.period.start, metrics.period.end],
                "metric": "share_of_strength",
            },
        )
        for org in metrics.by_organisation
        if org.share_of_strength > max_share
    ]


@dataclass(frozen=True)
class FamilyTeam:
    """A family's team in the period: the organisations involved and joint meetings held."""

    family: Hashable
    organisations: frozenset[Hashable]
    joint_meetings: int


def families_without_joint_meeting(
    teams: Iterable[FamilyTeam], *, min_organisations: int = DEFAULT_MIN_AGENCIES
) -> list[Prompt]:
    """One prompt naming the families with `min_organisations`+ agencies and no joint meeting."""
    found = sorted(
        (
            t.family
            for t in teams
            if len(t.organisations) >= min_organisations and t.joint_meetings == 0
        ),
        key=str,
    )
    if not found:
        return []
    return [
        Prompt(
            kind="families_without_joint_meeting",
            title=f"{len(found)} families with {min_organisations} or more agencies have not met",
            text=(
                f"{len(found)} families have {min_organisations} or more organisations involved "
                "but no meeting where they came together. Would a team around the family help?"
            ),
            evidence={
                "families": found,
                "min_organisations": min_organisations,
                "metric": "families_without_joint_meeting",
            },
        )
    ]


@dataclass(frozen=True)
class PeriodFigure:
    """A figure for one period, e.g. ("2025-26 Q3", 0.18)."""

    period: str
    value: float


def _worsening(
    series: Sequence[PeriodFigure], min_rise: float
) -> tuple[PeriodFigure, PeriodFigure] | None:
    if len(series) < 2:
        return None
    before, now = series[-2], series[-1]
    return (before, now) if now.value - before.value >= min_rise else None


def re_referrals_worsening(
    series: Sequence[PeriodFigure], *, min_rise: float = DEFAULT_RE_REFERRAL_RISE
) -> list[Prompt]:
    """The re-referral rate (0–1) up by `min_rise` or more since the previous period."""
    pair = _worsening(series, min_rise)
    if pair is None:
        return []
    before, now = pair
    return [
        Prompt(
            kind="re_referrals_worsening",
            title="More families are coming back",
            text=(
                f"Re-referrals rose from {before.value:.0%} in {before.period} to "
                f"{now.value:.0%} in {now.period}. What is happening after support ends?"
            ),
            evidence={
                "series": [(f.period, f.value) for f in series],
                "min_rise": min_rise,
                "metric": "re_referral_rate",
            },
        )
    ]


def first_meeting_slower(
    series: Sequence[PeriodFigure], *, min_rise_days: float = DEFAULT_FIRST_MEETING_RISE_DAYS
) -> list[Prompt]:
    """Median days from request to the team's first meeting up by `min_rise_days` or more."""
    pair = _worsening(series, min_rise_days)
    if pair is None:
        return []
    before, now = pair
    return [
        Prompt(
            kind="first_meeting_slower",
            title="Teams are taking longer to first meet",
            text=(
                f"The median time to a family's first team meeting went from {before.value:.0f} "
                f"days in {before.period} to {now.value:.0f} days in {now.period}. What is "
                "holding meetings up?"
            ),
            evidence={
                "series": [(f.period, f.value) for f in series],
                "min_rise_days": min_rise_days,
                "metric": "days_to_first_meeting",
            },
        )
    ]
