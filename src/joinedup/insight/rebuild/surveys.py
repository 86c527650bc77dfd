"""Survey results: answers by theme, spread, trends and the organisations' ratings of each other."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from joinedup.insight import surveys
from joinedup.insight.models import (
    RoundStatus,
    SurveyResponse,
    SurveyRound,
)
from joinedup.insight.rebuild.common import Computed
from joinedup.partnership.models import Sector


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
