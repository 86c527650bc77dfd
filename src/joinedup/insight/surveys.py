"""Partnership self-assessment surveys: instrument files, validation, scoring with spread.

An instrument is a versioned TOML file (see instruments/README.md for the format). Results show
disagreement, not only means, and any figure resting on fewer than three responses is suppressed:
neither its value nor its count is shown.
"""

from __future__ import annotations

import math
import re
import statistics
import tomllib
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from joinedup.errors import ApplicationError

MIN_RESPONSES = 3  # small-cell suppression: fewer than this are never shown
MIN_ANSWERED_SHARE = 0.5  # a respondent's score needs at least half the rule's items answered
KINDS = ("themed", "relational")
REQUIRED_KEYS = ("id", "version", "title", "licence", "kind")
GroupBy = Literal["all", "organisation", "sector"]


class SurveyFileError(ApplicationError):
    """An instrument file that cannot be used, naming the line at fault where there is one."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(f"Line {line}: {message}" if line else message, field="file")
        self.line = line
        self.reason = message


class ResponseError(ApplicationError):
    """A survey response that does not fit its instrument; `field` names the item."""


# ----------------------------------------------------------------------------- instrument


@dataclass(frozen=True)
class ScalePoint:
    value: int
    label: str


@dataclass(frozen=True)
class Scale:
    id: str
    points: tuple[ScalePoint, ...]

    @property
    def minimum(self) -> int:
        return self.points[0].value

    @property
    def maximum(self) -> int:
        return self.points[-1].value

    def label(self, value: int) -> str:
        return self.points[value - self.minimum].label

    def __contains__(self, value: object) -> bool:
        return (
            isinstance(value, int)
            and not isinstance(value, bool)
            and (self.minimum <= value <= self.maximum)
        )


@dataclass(frozen=True)
class Theme:
    id: str
    title: str
    description: str = ""


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    scale: str
    theme: str | None = None
    reverse: bool = False  # scored as (min + max − answer), for negatively worded items


@dataclass(frozen=True)
class ScoringRule:
    """A score: the mean of a respondent's answers to `items`, then summarised across people."""

    id: str
    title: str
    items: tuple[str, ...]
    scale: str
    concern_below: float | None = None
    strength_from: float | None = None


@dataclass(frozen=True)
class Instrument:
    id: str
    version: str
    title: str
    licence: str
    kind: str  # "themed", or "relational" (each organisation rates each partner)
    respondent: str  # "individual", or "organisation" (answered on its behalf)
    description: str
    scales: dict[str, Scale]
    themes: tuple[Theme, ...]
    items: tuple[Item, ...]
    scoring: tuple[ScoringRule, ...]

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    def item(self, item_id: str) -> Item:
        return next(i for i in self.items if i.id == item_id)

    def rule(self, rule_id: str) -> ScoringRule:
        return next(r for r in self.scoring if r.id == rule_id)


def load_instrument(path: Path | str) -> Instrument:
    path = Path(path)
    return parse_instrument(path.read_text(encoding="utf-8"))


def shipped_instruments() -> dict[str, Instrument]:
    """The open instruments that come with joinedup, by "id@version"."""
    folder = resources.files("joinedup.insight") / "instruments"
    found = [
        parse_instrument(entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    ]
    return {instrument.key: instrument for instrument in found}


def parse_instrument(source: str) -> Instrument:
    """Parse and validate an instrument file's text; SurveyFileError names the line at fault."""
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+)", str(error))
        raise SurveyFileError(
            f"Not valid TOML: {error}", int(match[1]) if match else None
        ) from None
    where = _Locator(source)
    _check_header(data, where)
    scales = _parse_scales(data, where)
    themes = _parse_themes(data, where)
    items = _parse_items(data, where, scales, {t.id for t in themes})
    scoring = _parse_scoring(data, where, {i.id: i for i in items})
    return Instrument(
        id=data["id"],
        version=str(data["version"]),
        title=data["title"],
        licence=data["licence"],
        kind=data["kind"],
        respondent=data.get("respondent", "individual"),
        description=data.get("description", "").strip(),
        scales=scales,
        themes=themes,
        items=items,
        scoring=scoring,
    )


class _Locator:
    """Finds the line of a table, an array-of-tables entry or a key, by scanning the text.

    tomllib gives no positions, so blocks are found from their headers ([name] or [[name]]) in
    order; tomllib keeps array order, so the n-th [[items]] header is items[n]. Entries written as
    inline tables fall back to the nearest line found.
    """

    _header = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]\]?\s*(#.*)?$")

    def __init__(self, source: str):
        self.lines = source.splitlines()
        self.headers = [
            (number, match[1].replace('"', "").replace("'", "").replace(" ", ""))
            for number, line in enumerate(self.lines, start=1)
            if (match := self._header.match(line))
        ]

    def block(self, name: str, index: int = 0) -> tuple[int, int] | None:
        """(first, last) line numbers of the index-th table called `name`."""
        starts = [n for n, header in self.headers if header == name]
        if index >= len(starts):
            return None
        following = [n for n, _ in self.headers if n > starts[index]]
        return starts[index], (following[0] - 1 if following else len(self.lines))

    def line(self, name: str, index: int = 0, key: str | None = None, text: str = "") -> int:
        """The line of `key` (containing `text`) in the table, else its header, else line 1."""
        span = self.block(name, index)
        first, last = span if span else (1, len(self.lines))
        if key is not None:
            pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
            for number in range(first, last + 1):
                if pattern.match(self.lines[number - 1]) and text in self.lines[number - 1]:
                    return number
            if text:
                # The value may continue over several lines (a multi-line array).
                for number in range(first, last + 1):
                    if f'"{text}"' in self.lines[number - 1]:
                        return number
        return first if span else 1

    def top_level_key(self, key: str) -> int:
        limit = self.headers[0][0] if self.headers else len(self.lines) + 1
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        return next((n for n in range(1, limit) if pattern.match(self.lines[n - 1])), 1)


def _check_header(data: dict[str, Any], where: _Locator) -> None:
    for key in REQUIRED_KEYS:
        if not isinstance(data.get(key), str | int) or str(data.get(key)).strip() == "":
            raise SurveyFileError(f"The instrument needs a `{key}`.", where.top_level_key(key))
    if data["kind"] not in KINDS:
        raise SurveyFileError(
            f"`kind` must be one of {', '.join(KINDS)}, not {data['kind']!r}.",
            where.top_level_key("kind"),
        )


def _parse_scales(data: dict[str, Any], where: _Locator) -> dict[str, Scale]:
    raw = data.get("scales")
    if not isinstance(raw, dict) or not raw:
        first_item = where.block("items")
        raise SurveyFileError(
            "The instrument has no scale: add a [scales.<name>] table with `labels`.",
            first_item[0] if first_item else 1,
        )
    scales = {}
    for name, table in raw.items():
        labels = table.get("labels") if isinstance(table, dict) else None
        start = table.get("start", 1) if isinstance(table, dict) else 1
        line = where.line(f"scales.{name}", key="labels")
        if not isinstance(labels, list) or len(labels) < 2:
            raise SurveyFileError(f"Scale '{name}' needs `labels`, at least two.", line)
        if not all(isinstance(label, str) and label.strip() for label in labels):
            raise SurveyFileError(f"Every label of scale '{name}' must be text.", line)
        if not isinstance(start, int) or isinstance(start, bool):
            raise SurveyFileError(
                f"Scale '{name}' `start` must be a whole number.",
                where.line(f"scales.{name}", key="start"),
            )
        points = tuple(ScalePoint(start + i, label) for i, label in enumerate(labels))
        scales[name] = Scale(id=name, points=points)
    return scales


def _parse_themes(data: dict[str, Any], where: _Locator) -> tuple[Theme, ...]:
    themes: list[Theme] = []
    for index, table in enumerate(data.get("themes", [])):
        theme_id, title = table.get("id"), table.get("title")
        if not isinstance(theme_id, str) or not isinstance(title, str):
            raise SurveyFileError(
                "Each theme needs an `id` and a `title`.", where.line("themes", index)
            )
        if any(t.id == theme_id for t in themes):
            raise SurveyFileError(
                f"Duplicate theme id '{theme_id}'.", where.line("themes", index, "id", theme_id)
            )
        themes.append(Theme(theme_id, title, table.get("description", "").strip()))
    return tuple(themes)


def _parse_items(
    data: dict[str, Any], where: _Locator, scales: dict[str, Scale], theme_ids: set[str]
) -> tuple[Item, ...]:
    items: list[Item] = []
    raw = data.get("items", [])
    if not isinstance(raw, list) or not raw:
        raise SurveyFileError("The instrument has no items: add [[items]] entries.", 1)
    for index, table in enumerate(raw):
        items.append(_parse_item(table, index, where, scales, theme_ids, {i.id for i in items}))
    return tuple(items)


def _parse_item(
    table: dict[str, Any],
    index: int,
    where: _Locator,
    scales: dict[str, Scale],
    theme_ids: set[str],
    seen: set[str],
) -> Item:
    item_id, text = table.get("id"), table.get("text")
    if not isinstance(item_id, str) or not item_id.strip():
        raise SurveyFileError("Each item needs an `id`.", where.line("items", index))
    if item_id in seen:
        raise SurveyFileError(
            f"Duplicate item id '{item_id}'.", where.line("items", index, "id", item_id)
        )
    if not isinstance(text, str) or not text.strip():
        raise SurveyFileError(f"Item '{item_id}' needs a `text`.", where.line("items", index))
    scale = table.get("scale", next(iter(scales)) if len(scales) == 1 else None)
    if scale not in scales:
        missing = f"scale '{scale}' is not defined" if scale else "needs a `scale`"
        raise SurveyFileError(
            f"Item '{item_id}': {missing}.", where.line("items", index, "scale", str(scale or ""))
        )
    theme = table.get("theme")
    if theme is not None and theme not in theme_ids:
        raise SurveyFileError(
            f"Item '{item_id}': theme '{theme}' is not defined.",
            where.line("items", index, "theme", str(theme)),
        )
    return Item(item_id, text.strip(), scale, theme, bool(table.get("reverse", False)))


def _parse_scoring(
    data: dict[str, Any], where: _Locator, items: dict[str, Item]
) -> tuple[ScoringRule, ...]:
    raw = data.get("scoring", [])
    if not isinstance(raw, list) or not raw:
        raise SurveyFileError("The instrument has no scoring rule: add [[scoring]] entries.", 1)
    defaults = data.get("thresholds", {})
    rules: list[ScoringRule] = []
    for index, table in enumerate(raw):
        rule = _parse_rule(table, index, where, items, defaults)
        if any(r.id == rule.id for r in rules):
            raise SurveyFileError(
                f"Duplicate scoring rule id '{rule.id}'.",
                where.line("scoring", index, "id", rule.id),
            )
        rules.append(rule)
    return tuple(rules)


def _parse_rule(
    table: dict[str, Any],
    index: int,
    where: _Locator,
    items: dict[str, Item],
    defaults: Mapping[str, Any],
) -> ScoringRule:
    rule_id = table.get("id")
    if not isinstance(rule_id, str) or not rule_id.strip():
        raise SurveyFileError("Each scoring rule needs an `id`.", where.line("scoring", index))
    named = table.get("items")
    if not isinstance(named, list) or not named:
        raise SurveyFileError(
            f"Scoring rule '{rule_id}' names no items.", where.line("scoring", index, "items")
        )
    for item_id in named:
        if item_id not in items:
            raise SurveyFileError(
                f"Scoring rule '{rule_id}' names item '{item_id}', which is not defined.",
                where.line("scoring", index, "items", str(item_id)),
            )
    scales = {items[i].scale for i in named}
    if len(scales) > 1:
        raise SurveyFileError(
            f"Scoring rule '{rule_id}' mixes items on different scales.",
            where.line("scoring", index, "items"),
        )
    if table.get("method", "mean") != "mean":
        raise SurveyFileError(
            f"Scoring rule '{rule_id}': the only method is \"mean\".",
            where.line("scoring", index, "method"),
        )
    thresholds = {}
    for key in ("concern_below", "strength_from"):
        value = table.get(key, defaults.get(key))
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise SurveyFileError(
                f"Scoring rule '{rule_id}': `{key}` must be a number.",
                where.line("scoring", index, key),
            )
        thresholds[key] = None if value is None else float(value)
    return ScoringRule(
        id=rule_id,
        title=str(table.get("title", rule_id)),
        items=tuple(named),
        scale=scales.pop(),
        **thresholds,
    )


# ----------------------------------------------------------------------------- responses


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


# ----------------------------------------------------------------------------- summaries


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


# ----------------------------------------------------------------------------- relational


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
