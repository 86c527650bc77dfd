"""Responses validated and scored: by theme, spread (suppressed under the minimum), trends, and
the organisations' ratings of each other."""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from joinedup.errors import ApplicationError
from joinedup.insight.surveys.instrument import (
    MIN_ANSWERED_SHARE,
    MIN_RESPONSES,
    GroupBy,
    Instrument,
    ResponseError,
    Scale,
    ScoringRule,
)


@dataclass(frozen=True)
class SurveyResponse:
    """One person's answers in one round (None: "don't know" or skipped)."""

    respondent: Hashable
    organisation: Hashable
    sector: str
    round: str
    answers: Mapping[str, int | None]
    partner: Hashable | None = None  # relational surveys: the organisation being rated


def validate_response(instrument: Instrument, response: SurveyResponse) -> None:
    """Refuse answers outside their item's scale, unknown items and a missing partner."""
    known = {item.id: item for item in instrument.items}
    for item_id, answer in response.answers.items():
        item = known.get(item_id)
        if item is None:
            raise ResponseError(
                f"'{item_id}' is not an item of {instrument.title}.", field=str(item_id)
            )
        scale = instrument.scales[item.scale]
        if answer is not None and answer not in scale:
            raise ResponseError(
                f"The answer to '{item_id}' must be from {scale.minimum} to {scale.maximum}; "
                f"{answer!r} is outside the scale.",
                field=item_id,
            )
    if instrument.kind == "relational":
        if response.partner is None:
            raise ResponseError("Say which partner organisation is being rated.", field="partner")
        if response.partner == response.organisation:
            raise ResponseError("An organisation does not rate itself.", field="partner")


def respondent_score(
    instrument: Instrument, rule: ScoringRule, answers: Mapping[str, int | None]
) -> float | None:
    """Mean of the rule's answered items (reverse items flipped); None if under half answered."""
    scale = instrument.scales[rule.scale]
    values = []
    for item_id in rule.items:
        answer = answers.get(item_id)
        if answer is None:
            continue
        flipped = instrument.item(item_id).reverse
        values.append(scale.minimum + scale.maximum - answer if flipped else answer)
    if not values or len(values) < MIN_ANSWERED_SHARE * len(rule.items):
        return None
    return sum(values) / len(values)


@dataclass(frozen=True)
class Spread:
    """A figure with its spread; every field None when suppressed (fewer than three)."""

    suppressed: bool
    n: int | None = None
    mean: float | None = None
    median: float | None = None
    sd: float | None = None  # sample standard deviation (n − 1)
    minimum: float | None = None
    maximum: float | None = None
    distribution: dict[int, int] | None = None  # scale point → people (scores rounded)


SUPPRESSED = Spread(suppressed=True)


def spread(values: Sequence[float], scale: Scale, *, min_n: int = MIN_RESPONSES) -> Spread:
    """n, mean, median, sd, min, max and people per scale point; suppressed below `min_n`."""
    if len(values) < max(min_n, 1):
        return SUPPRESSED
    distribution = {point.value: 0 for point in scale.points}
    for value in values:
        distribution[_nearest_point(value, scale)] += 1
    return Spread(
        suppressed=False,
        n=len(values),
        mean=statistics.fmean(values),
        median=float(statistics.median(values)),
        sd=statistics.stdev(values) if len(values) > 1 else 0.0,
        minimum=float(min(values)),
        maximum=float(max(values)),
        distribution=distribution,
    )


def _nearest_point(value: float, scale: Scale) -> int:
    # Halves round up (3.5 → 4), unlike Python's round(), so the rule is easy to state.
    return min(max(math.floor(value + 0.5), scale.minimum), scale.maximum)


@dataclass(frozen=True)
class ScoreResult:
    rule: ScoringRule
    spread: Spread

    @property
    def concern(self) -> bool:
        """Mean below the rule's concern threshold; never True for a suppressed figure."""
        threshold, mean = self.rule.concern_below, self.spread.mean
        return threshold is not None and mean is not None and mean < threshold

    @property
    def strength(self) -> bool:
        threshold, mean = self.rule.strength_from, self.spread.mean
        return threshold is not None and mean is not None and mean >= threshold


@dataclass(frozen=True)
class GroupResult:
    """One round's results for everyone, one organisation or one sector (group None = all)."""

    round: str
    group: Hashable | None
    scores: dict[str, ScoreResult]
    items: dict[str, Spread]


def score_responses(
    instrument: Instrument,
    responses: Iterable[SurveyResponse],
    *,
    by: GroupBy = "all",
    min_n: int = MIN_RESPONSES,
) -> list[GroupResult]:
    """Validate every response, then summarise each score and item per round and group."""
    grouped: dict[tuple[str, Hashable | None], list[SurveyResponse]] = defaultdict(list)
    for response in responses:
        validate_response(instrument, response)
        group = {"all": None, "organisation": response.organisation, "sector": response.sector}
        grouped[(response.round, group[by])].append(response)
    return [
        _group_result(instrument, round_, group, members, min_n)
        for (round_, group), members in sorted(grouped.items(), key=lambda kv: str(kv[0]))
    ]


def _group_result(
    instrument: Instrument,
    round_: str,
    group: Hashable | None,
    members: list[SurveyResponse],
    min_n: int,
) -> GroupResult:
    scores = {}
    for rule in instrument.scoring:
        values = [respondent_score(instrument, rule, r.answers) for r in members]
        present = [v for v in values if v is not None]
        scores[rule.id] = ScoreResult(
            rule, spread(present, instrument.scales[rule.scale], min_n=min_n)
        )
    items = {}
    for item in instrument.items:
        answers = [r.answers.get(item.id) for r in members]
        present = [float(a) for a in answers if a is not None]
        items[item.id] = spread(present, instrument.scales[item.scale], min_n=min_n)
    return GroupResult(round=round_, group=group, scores=scores, items=items)


@dataclass(frozen=True)
class TrendPoint:
    round: str
    group: Hashable | None
    score: str
    spread: Spread
    change: float | None  # mean minus the last shown mean of the same group; None if either hidden


def trend(
    results: Iterable[GroupResult], score: str, *, rounds: Sequence[str] | None = None
) -> list[TrendPoint]:
    """One score across rounds, per group, in `rounds` order (default: rounds sorted)."""
    by_group: dict[Hashable | None, dict[str, GroupResult]] = defaultdict(dict)
    for result in results:
        by_group[result.group][result.round] = result
    points = []
    for group, per_round in by_group.items():
        order = [r for r in (rounds or sorted(per_round)) if r in per_round]
        previous: float | None = None
        for round_ in order:
            shown = per_round[round_].scores[score].spread
            change = None if shown.mean is None or previous is None else shown.mean - previous
            points.append(TrendPoint(round_, group, score, shown, change))
            previous = shown.mean if shown.mean is not None else previous
    return points


@dataclass(frozen=True)
class PairRating:
    """How one organisation rates a partner in one round (mean over its respondents)."""

    rater: Hashable
    rated: Hashable
    round: str
    scores: dict[str, float]
    respondents: int


def pair_ratings(instrument: Instrument, responses: Iterable[SurveyResponse]) -> list[PairRating]:
    """Each rater organisation's rating of each partner, per round and scoring rule.

    A relational instrument is answered on behalf of an organisation (respondent =
    "organisation"), so a pair rating is an organisation's view, shown even from one respondent;
    figures pooled across raters (ratings_received) are suppressed below three.
    """
    if instrument.kind != "relational":
        raise ApplicationError(
            f"{instrument.title} is not a relational survey.", field="instrument"
        )
    grouped: dict[tuple[str, Hashable, Hashable], list[SurveyResponse]] = defaultdict(list)
    for response in responses:
        validate_response(instrument, response)
        grouped[(response.round, response.organisation, response.partner)].append(response)
    pairs = []
    for (round_, rater, rated), members in grouped.items():
        scores = {}
        for rule in instrument.scoring:
            values = [respondent_score(instrument, rule, r.answers) for r in members]
            present = [v for v in values if v is not None]
            if present:
                scores[rule.id] = statistics.fmean(present)
        pairs.append(PairRating(rater, rated, round_, scores, len(members)))
    return pairs


@dataclass(frozen=True)
class MutualRating:
    """Two organisations' ratings of each other in one round (a is the lesser id as text)."""

    a: Hashable
    b: Hashable
    round: str
    a_rates_b: dict[str, float]
    b_rates_a: dict[str, float]

    def difference(self, score: str) -> float | None:
        if score in self.a_rates_b and score in self.b_rates_a:
            return abs(self.a_rates_b[score] - self.b_rates_a[score])
        return None


def mutual_ratings(pairs: Iterable[PairRating]) -> list[MutualRating]:
    """Pairs where both organisations rated each other in the same round."""
    index = {(p.round, p.rater, p.rated): p for p in pairs}
    mutual = []
    for (round_, rater, rated), pair in index.items():
        back = index.get((round_, rated, rater))
        if back is not None and str(rater) < str(rated):
            mutual.append(MutualRating(rater, rated, round_, pair.scores, back.scores))
    return mutual


@dataclass(frozen=True)
class RatingDifference:
    a: Hashable
    b: Hashable
    round: str
    score: str
    a_rates_b: float
    b_rates_a: float
    difference: float


def rating_differences(
    mutual: Iterable[MutualRating], *, min_difference: float = 2.0
) -> list[RatingDifference]:
    """Pairs whose ratings of each other differ by `min_difference` or more, on any score."""
    found = []
    for pair in mutual:
        for score in sorted(pair.a_rates_b):
            gap = pair.difference(score)
            if gap is not None and gap >= min_difference:
                found.append(
                    RatingDifference(
                        pair.a,
                        pair.b,
                        pair.round,
                        score,
                        pair.a_rates_b[score],
                        pair.b_rates_a[score],
                        gap,
                    )
                )
    return found


def ratings_received(
    instrument: Instrument,
    pairs: Iterable[PairRating],
    *,
    min_n: int = MIN_RESPONSES,
) -> dict[tuple[str, Hashable], dict[str, Spread]]:
    """How partners rate each organisation, per (round, organisation), suppressed below `min_n`."""
    pooled: dict[tuple[str, Hashable], dict[str, list[float]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for pair in pairs:
        for score, value in pair.scores.items():
            pooled[(pair.round, pair.rated)][score].append(value)
    return {
        key: {
            rule.id: spread(values.get(rule.id, []), instrument.scales[rule.scale], min_n=min_n)
            for rule in instrument.scoring
        }
        for key, values in pooled.items()
    }
