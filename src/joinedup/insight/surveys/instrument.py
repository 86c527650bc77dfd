"""Survey instruments: loaded from a file with line-numbered errors."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
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


# ----------------------------------------------------------------------------- summaries


# ----------------------------------------------------------------------------- relational
