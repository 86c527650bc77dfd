"""Persons that hold together: clustering scored pairs under cannot-link rules.

Pair scores alone chain people together: a sibling's record links to a weak record of the
household (no given name, no date of birth), which links to the child, and the three become one
person although the two children's own records clearly differ. So pairs are joined strongest
first (each record goes first to its best match), and a join is refused when the two clusters
would hold records that cannot be one person:

- two different valid NHS numbers, or two different unique pupil numbers (hard evidence: only a
  person can put them together, through the review queue);
- two records, sharing no identifier, whose dates of birth clearly differ (at "All other
  comparisons") and whose given names are not the same: siblings, even when one name is a
  typo or a nickname of the other (Tom and Tim, Alfie and Freddie), but not two letters
  turned round (Amber, Ambre), which no parent's choice of names explains; unless more
  pairs of records across the two clusters confirm each other (a shared identifier, or the
  given name and date of birth agreeing) than conflict so: one record's mistyped date of
  birth is outvoted, while a sibling's records find no such confirmation;
- a record with a given name that no named record of the other cluster vouches for, by a shared
  identifier or by a given name that agrees at any level (a nickname or another spelling
  included) with a date of birth that does not clearly differ: a twin, or a sibling chained in
  through a record with no given name or no date of birth.

The conflicting-names guard holds back pairs whose given names clearly differ. The data decide
whether that is a twin or a typo: a held pair is released only when each record is the other's
best match, the two come from different agencies (unless all come from one), their recorded
sexes agree, and not both have
a match whose given name does agree (which two twins' own records would give). Without twins in the
data (FEBRL's name corruptions) such pairs then link; twins, whose own records find each other,
stay apart. Where such twins in sight are most of the held pairs, the data hold twins, and
nothing is released: a twin whose own records are few looks just like a mistyped name.

Every refusal is kept, with the rule that fired, to explain the outcome.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from joinedup.identity.linkage import comparisons as cmp

HARD_RULES = (
    ("nhs_number", "two different NHS numbers"),
    ("upn", "two different unique pupil numbers"),
)
IDENTIFIERS = ("nhs_number", "upn", "other_id")
NAMES_DIFFER = "no record of the other cluster agrees on the given name and date of birth"
DIFFERENT_PERSON = "dates of birth and given names differ, and no identifier is shared"
ATTRIBUTES = ("source", "given_name", "given_name_groups", "given_name_canon",
              "given_name_sound", "family_name", "family_name_canon", "family_name_sound",
              "date_of_birth", "dob_days", "sex", "nhs_number", "upn", "other_id")  # fmt: skip


@dataclass(frozen=True)
class Refusal:
    """A link above the threshold that was not made, and why."""

    left: int  # row indices of the two records
    right: int
    probability: float
    rule: str
    # The two records (row indices) whose conflict fired the rule.
    between: tuple[int, int]


@dataclass
class Clustering:
    person: list[int]  # dense person number (1, 2, ...) per row, in order of first row
    strongest: list[float | None]  # the strongest link that placed each row
    refusals: list[Refusal] = field(default_factory=list)
    released: int = 0  # held pairs the data showed to be no twins


def _levels(name: str) -> list[tuple[cmp.Level, cmp.Predicate]]:
    spec = next(spec for spec in cmp.JOINEDUP_COMPARISONS if spec.name == name)
    return list(zip(spec.levels, cmp.python_levels(spec), strict=True))


class Records:
    """The attributes the rules read, one Python list per column, rows by index."""

    def __init__(self, columns: dict[str, Sequence[Any]]) -> None:
        self.columns = columns
        self.size = len(columns["given_name"])
        self._name_level: dict[tuple[str, str], bool] = {}
        self._dob_level: dict[tuple[str, str], bool] = {}
        # Swapped names depend on the family names as well: asked of each pair below, so the
        # other levels can be remembered by the two given names alone.
        self._given_levels = [
            (level, test)
            for level, test in _levels("given_name")
            if level.expr != cmp.NAMES_SWAPPED
        ]
        self._dob_levels = _levels("date_of_birth")

    @classmethod
    def from_table(cls, table: Any) -> Records:
        return cls({name: table[name].to_pylist() for name in ATTRIBUTES})

    def row(self, index: int) -> dict[str, Any]:
        return {name: values[index] for name, values in self.columns.items()}

    def names_agree(self, a: int, b: int) -> bool:
        """Given names at any level above "All other comparisons" (missing counts as no)."""
        given = self.columns["given_name"]
        if given[a] is None or given[b] is None:
            return False
        key = (given[a], given[b]) if given[a] <= given[b] else (given[b], given[a])
        known = self._name_level.get(key)
        if known is None:
            x, y = self.row(a), self.row(b)
            level = next(lv for lv, test in self._given_levels if test(x, y))
            known = self._name_level[key] = level.expr != cmp.ELSE
        return known or cmp.names_swapped(self.row(a), self.row(b))

    def shares_identifier(self, a: int, b: int) -> bool:
        for name in IDENTIFIERS:
            values = self.columns[name]
            if values[a] is not None and values[a] == values[b]:
                return True
        return False

    def hard_conflict(self, a: int, b: int) -> str | None:
        for name, rule in HARD_RULES:
            values = self.columns[name]
            if values[a] is not None and values[b] is not None and values[a] != values[b]:
                return rule
        return None

    def dates_agree(self, a: int, b: int) -> bool | None:
        """None when either date of birth is missing; else at any level but the last."""
        dob = self.columns["date_of_birth"]
        if dob[a] is None or dob[b] is None:
            return None
        key = (dob[a], dob[b])
        known = self._dob_level.get(key)
        if known is None:
            x, y = self.row(a), self.row(b)
            level = next(lv for lv, test in self._dob_levels if test(x, y))
            known = self._dob_level[key] = level.expr != cmp.ELSE
        return known

    def different_person(self, a: int, b: int) -> bool:
        """Dates of birth clearly differ and the given names are not the same: a sibling (Tom
        and Tim, Alfie and Freddie), not a typo.

        The same name keyed with two letters turned round (Amber, Ambre) is the same: no
        parent names a second child so."""
        given = self.columns["given_name"]
        if given[a] is None or given[b] is None or given[a] == given[b]:
            return False
        return (
            self.dates_agree(a, b) is False
            and not self.shares_identifier(a, b)
            and not _letters_turned(given[a], given[b])
        )

    def supports(self, a: int, b: int) -> bool:
        """a vouches for b: a shared identifier, or the given name agrees and the date of birth
        does not clearly differ."""
        if self.shares_identifier(a, b):
            return True
        return self.names_agree(a, b) and self.dates_agree(a, b) is not False

    def confirms(self, a: int, b: int) -> bool:
        """a vouches for b on evidence a sibling's record would not give: a shared identifier,
        or the given name and the date of birth agree."""
        if self.shares_identifier(a, b):
            return True
        return self.dates_agree(a, b) is True and self.names_agree(a, b)

    def sexes_differ(self, a: int, b: int) -> bool:
        sex = self.columns["sex"]
        return sex[a] is not None and sex[b] is not None and sex[a] != sex[b]


def _letters_turned(x: str, y: str) -> bool:
    """The two differ only by two neighbouring letters in the other order."""
    if len(x) != len(y):
        return False
    differ = [i for i, (p, q) in enumerate(zip(x, y, strict=True)) if p != q]
    return (
        len(differ) == 2
        and differ[1] == differ[0] + 1
        and x[differ[0]] == y[differ[1]]
        and x[differ[1]] == y[differ[0]]
    )


def join_conflict(
    records: Records, big: list[int], small: list[int], vouched: tuple[int, int] | None = None
) -> tuple[str, tuple[int, int]] | None:
    """The rule refusing to put two clusters together, or None when they may be one.

    `vouched`: a released pair, whose two records support each other despite their names."""
    given = records.columns["given_name"]
    siblings: list[tuple[int, int]] = []
    for b in small:
        for a in big:
            rule = records.hard_conflict(a, b)
            if rule:
                return rule, (a, b)
            if records.different_person(a, b):
                siblings.append((a, b))
    if siblings:
        vouching = sum(records.confirms(a, b) for b in small for a in big)
        if len(siblings) >= vouching:
            return DIFFERENT_PERSON, siblings[0]
    named = [a for a in big if given[a] is not None]
    for b in small:
        if given[b] is None or not named:
            continue
        if not any(records.supports(a, b) or {a, b} == set(vouched or ()) for a in named):
            return NAMES_DIFFER, (named[0], b)
    return None


def _released(records: Records, edges: list[tuple[int, int, float, bool]]) -> set[int]:
    """Held pairs (by position) that the data show to be one person, not twins."""
    # Each row's best link: the strongest, then the lowest rows, so a tie never depends on the
    # order the engine returned the pairs in.
    best: dict[int, tuple[float, int, int, int]] = {}
    agreeing: set[int] = set()  # rows with a link whose given name agrees
    for position, (a, b, p, held) in enumerate(edges):
        key = (p, -min(a, b), -max(a, b), position)
        for end in (a, b):
            if end not in best or key[:3] > best[end][:3]:
                best[end] = key
        if not held and records.names_agree(a, b):
            agreeing.update((a, b))
    # Held pairs whose two records both have a link whose given name agrees are twins in
    # sight. Where they are most of the held pairs, the data hold twins, and a held pair
    # without its twin's records is more likely a twin than a mistyped name: none is released.
    held_pairs = [(a, b) for a, b, _, is_held in edges if is_held]
    twins = sum(a in agreeing and b in agreeing for a, b in held_pairs)
    if held_pairs and twins * 2 >= len(held_pairs):
        return set()
    released = set()
    source = records.columns["source"]
    # One agency's two records with clearly different given names are most likely twins, when
    # there are several agencies to compare; a single file has only itself.
    one_source = len(set(source)) == 1
    for position, (a, b, _, held) in enumerate(edges):
        # A twin's own records find each other: at most one side may have such a link.
        if not held or (a in agreeing and b in agreeing):
            continue
        if best[a][3] != position or best[b][3] != position:
            continue
        if (source[a] == source[b] and not one_source) or records.sexes_differ(a, b):
            continue
        released.add(position)
    return released


def cluster(
    records: Records, edges: list[tuple[int, int, float, bool]], threshold: float
) -> Clustering:
    """Edges are (row, row, match probability, held by the guard), at or above `threshold`."""
    # Strongest first, then by rows (the keys made once: a lambda per comparison is slower).
    order = sorted(range(len(edges)), key=[(-p, a, b) for a, b, p, _ in edges].__getitem__)
    released = _released(records, edges)
    parent = list(range(records.size))
    members: dict[int, list[int]] = {}
    strongest: list[float | None] = [None] * records.size
    refusals: list[Refusal] = []

    def find(node: int) -> int:
        root = node
        while parent[root] != root:
            root = parent[root]
        while parent[node] != root:
            parent[node], node = root, parent[node]
        return root

    for position in order:
        a, b, p, held = edges[position]
        if p < threshold or (held and position not in released):
            continue
        ra, rb = find(a), find(b)
        if ra != rb:
            big, small = members.get(ra, [ra]), members.get(rb, [rb])
            if len(big) < len(small):
                ra, rb, big, small = rb, ra, small, big
            conflict = join_conflict(records, big, small, (a, b) if held else None)
            if conflict:
                refusals.append(Refusal(a, b, p, conflict[0], conflict[1]))
                continue
            parent[rb] = ra
            members[ra] = big + small
            members.pop(rb, None)
        for end in (a, b):
            if strongest[end] is None or p > strongest[end]:  # type: ignore[operator]
                strongest[end] = p
    numbering: dict[int, int] = {}
    person = [numbering.setdefault(find(row), len(numbering) + 1) for row in range(records.size)]
    return Clustering(person, strongest, refusals, len(released))
