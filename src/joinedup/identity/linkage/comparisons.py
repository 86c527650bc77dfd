"""The comparisons the model scores, written once and turned into both Splink levels and Python.

Each level is a small expression over the left (l) and right (r) record. Splink gets SQL built
by its own level library (so the SQL suits DuckDB and Spark alike); the real-time matcher gets
Python predicates built from the same expression. Keeping one source for both is what makes
their match weights identical.

The expressions never use NOT, so SQL's NULL (unknown) behaves exactly as Python's False.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import jellyfish

Expr = tuple[Any, ...]
Record = dict[str, Any]
Predicate = Callable[[Record, Record], bool]


@dataclass(frozen=True)
class Level:
    label: str
    expr: Expr
    tf_column: str | None = None  # term-frequency adjustment, on exact-match levels only
    is_null: bool = False


@dataclass(frozen=True)
class ComparisonSpec:
    name: str
    description: str
    levels: tuple[Level, ...] = field(default_factory=tuple)


def exact(col: str) -> Expr:
    return ("exact", col)


def jw(col: str, threshold: float) -> Expr:
    return ("jw", col, threshold)


def dl(col: str, distance: int) -> Expr:
    return ("dl", col, distance)


def intersect(col: str) -> Expr:
    return ("intersect", col)


def all_of(*exprs: Expr) -> Expr:
    return ("and", *exprs)


def within(col: str, most: int) -> Expr:
    return ("within", col, most)


DOB_SWAP: Expr = ("dob_swap",)
# The same day and month with the year one out: a year mistyped or misremembered (2012 for
# 2013). A sibling born exactly a year later to the day is rare; one typed a year out is not.
DOB_YEAR_OUT: Expr = ("dob_year_out",)
# Given and family names recorded the wrong way round (Khan Aisha for Aisha Khan), each exactly
# or by its consonant skeleton (Stephenson Elizbeth for Elizabeth Stephenson).
NAMES_SWAPPED: Expr = ("names_swapped",)
ELSE: Expr = ("else",)


def null_level(col: str) -> Level:
    return Level(f"{col} missing", ("null", col), is_null=True)


def else_level() -> Level:
    return Level("All other comparisons", ELSE)


SWAPPED_LABEL = "Given and family names swapped"
SWAPPED_COUNTED_LABEL = "Given and family names swapped (weighed with the given name)"
SOUND_LABEL = "Same consonant skeleton (another spelling)"


def _name_levels(col: str, groups_col: str, nickname_label: str) -> tuple[Level, ...]:
    return (
        null_level(col),
        Level("Exact match", exact(col), tf_column=col),
        Level(SWAPPED_LABEL, NAMES_SWAPPED),
        Level(nickname_label, intersect(groups_col)),
        # Catches typos in short names (Leo / Loe) that Jaro-Winkler scores low.
        Level("One character different", dl(col, 1)),
        Level("Jaro-Winkler >= 0.92", jw(col, 0.92)),
        # Transliterations: Mohammed / Muhammad, Yusuf / Youssef, Oleksandr / Olexander.
        Level(SOUND_LABEL, exact("given_name_sound")),
        Level("Jaro-Winkler >= 0.8", jw(col, 0.8)),
        else_level(),
    )


GIVEN_NAME = ComparisonSpec(
    "given_name",
    "Given name, allowing nicknames (Bill = William) and typos",
    _name_levels("given_name", "given_name_groups", "Nickname or short form"),
)

FAMILY_NAME = ComparisonSpec(
    "family_name",
    "Family name, allowing typos and one part of a hyphenated name",
    (
        null_level("family_name"),
        Level("Exact match", exact("family_name"), tf_column="family_name"),
        # One fact, already weighed by the given name: counted twice, two people called Ali
        # Hassan and Hassan Ali would look like one.
        Level(SWAPPED_COUNTED_LABEL, NAMES_SWAPPED, is_null=True),
        Level("Jaro-Winkler >= 0.92", jw("family_name", 0.92)),
        Level("Shares a part of a hyphenated name", intersect("family_name_parts")),
        Level(SOUND_LABEL, exact("family_name_sound")),
        Level("Jaro-Winkler >= 0.8", jw("family_name", 0.8)),
        else_level(),
    ),
)

DATE_OF_BIRTH = ComparisonSpec(
    "date_of_birth",
    "Date of birth, allowing one typo, day and month swapped, a near miss or the year one out",
    (
        null_level("date_of_birth"),
        Level("Exact match", exact("date_of_birth")),
        Level("One character different", dl("date_of_birth", 1)),
        Level("Day and month swapped", DOB_SWAP),
        Level("Within a month", within("dob_days", 31)),
        Level("Year one out, day and month the same", DOB_YEAR_OUT),
        else_level(),
    ),
)

SAME_HOME = all_of(exact("address_number"), jw("address", 0.88))

HOUSEHOLD = ComparisonSpec(
    "household",
    "Where the person lives: postcode and street address as one piece of evidence",
    (
        Level("No postcode or address", ("household_null",), is_null=True),
        # How common the postcode is (a block of flats, a refuge) adjusts both postcode levels.
        Level("Same home and postcode", all_of(exact("postcode"), SAME_HOME), tf_column="postcode"),
        Level("Same home, postcode differs or missing", SAME_HOME),
        # How common the postcode is (a block of flats, a refuge) adjusts sharing only it.
        Level(
            "Same postcode, different or missing address", exact("postcode"), tf_column="postcode"
        ),
        Level("Same postcode sector", exact("postcode_sector")),
        else_level(),
    ),
)

# The alternative the benchmark measures against: the same facts as two separate comparisons,
# which counts "lives in the same household" twice.
POSTCODE = ComparisonSpec(
    "postcode",
    "Postcode",
    (
        null_level("postcode"),
        Level("Exact match", exact("postcode")),
        Level("Same postcode sector", exact("postcode_sector")),
        else_level(),
    ),
)
ADDRESS = ComparisonSpec(
    "address",
    "Street address",
    (null_level("address"), Level("Same home", SAME_HOME), else_level()),
)


def _identifier(col: str, description: str) -> ComparisonSpec:
    # No "one character different" level: a mistyped identifier is a different identifier, and
    # NHS numbers with a typo almost always fail their check digit and are already missing.
    return ComparisonSpec(
        col, description, (null_level(col), Level("Exact match", exact(col)), else_level())
    )


NHS_NUMBER = _identifier("nhs_number", "NHS number (checked with its check digit)")
UPN = _identifier("upn", "Unique pupil number")
SEX = _identifier("sex", "Sex")
# Another identifier two agencies may share (a council person number, a police reference).
# Without a check digit, a mistyped one still says something: its own level, weighed by EM.
OTHER_ID = ComparisonSpec(
    "other_id",
    "Other shared identifier, allowing one character mistyped",
    (
        null_level("other_id"),
        Level("Exact match", exact("other_id")),
        Level("One character different", dl("other_id", 1)),
        else_level(),
    ),
)

JOINEDUP_COMPARISONS = (
    GIVEN_NAME, FAMILY_NAME, DATE_OF_BIRTH, HOUSEHOLD, NHS_NUMBER, UPN, OTHER_ID, SEX,
)  # fmt: skip
SEPARATE_HOUSEHOLD_COMPARISONS = (
    GIVEN_NAME, FAMILY_NAME, DATE_OF_BIRTH, POSTCODE, ADDRESS, NHS_NUMBER, UPN, OTHER_ID, SEX,
)  # fmt: skip


# ---- Words for people ----------------------------------------------------------------------

# The level labels are the model's keys (a saved model is checked against them), written for
# whoever builds the model. People reviewing a match read these instead.
COMPARISON_LABELS = {
    "given_name": "Given name",
    "family_name": "Family name",
    "date_of_birth": "Date of birth",
    "household": "Home (postcode and address)",
    "postcode": "Postcode",
    "address": "Address",
    "nhs_number": "NHS number",
    "upn": "Unique pupil number",
    "other_id": "Other identifier",
    "sex": "Sex",
}
PLAIN_LEVELS = {
    "Exact match": "The same",
    "All other comparisons": "Different",
    "Jaro-Winkler >= 0.92": "Spelt almost the same (a typo or two)",
    "Jaro-Winkler >= 0.8": "Spelt similarly",
    SOUND_LABEL: "Sounds the same, spelt another way",
    "No postcode or address": "Not recorded on one or both records",
}
MISSING_PLAIN = "Not recorded on one or both records"


def plain_comparison(name: str) -> str:
    return COMPARISON_LABELS.get(name, name)


def plain_level(label: str) -> str:
    """A level's label in plain English ("nhs_number missing" -> "Not recorded on one or both
    records"); labels already plain, or unknown, are returned as they are."""
    if label in PLAIN_LEVELS:
        return PLAIN_LEVELS[label]
    column = label.removesuffix(" missing")
    if column != label and column in COMPARISON_LABELS:
        return MISSING_PLAIN
    return label


# ---- Python predicates -------------------------------------------------------------------


def _python(expr: Expr) -> Predicate:
    # x is the left record and y the right, as Splink's _l and _r columns.
    kind = expr[0]
    if kind == "null":
        col = expr[1]
        return lambda x, y: x[col] is None or y[col] is None
    if kind == "household_null":
        return lambda x, y: _no_home(x) or _no_home(y)
    if kind == "exact":
        col = expr[1]
        return lambda x, y: x[col] is not None and x[col] == y[col]
    if kind == "jw":
        return _jw_predicate(expr[1], expr[2])
    if kind == "dl":
        return _dl_predicate(expr[1], expr[2])
    if kind == "intersect":
        col = expr[1]
        return lambda x, y: bool(x[col] and y[col] and not set(x[col]).isdisjoint(y[col]))
    if kind == "dob_swap":
        return _dob_swapped
    if kind == "dob_year_out":
        return _dob_year_out
    if kind == "names_swapped":
        return names_swapped
    if kind == "within":
        col, most = expr[1], expr[2]
        return lambda x, y: (
            x[col] is not None and y[col] is not None and abs(x[col] - y[col]) <= most
        )
    if kind == "and":
        parts = [_python(e) for e in expr[1:]]
        return lambda x, y: all(part(x, y) for part in parts)
    if kind == "else":
        return lambda x, y: True
    raise ValueError(f"Unknown comparison expression {expr!r}")


def _no_home(rec: Record) -> bool:
    return rec["postcode"] is None and rec["address"] is None


def _jw_predicate(col: str, threshold: float) -> Predicate:
    def test(x: Record, y: Record) -> bool:
        a, b = x[col], y[col]
        return (
            a is not None and b is not None and jellyfish.jaro_winkler_similarity(a, b) >= threshold
        )

    return test


def _dl_predicate(col: str, distance: int) -> Predicate:
    def test(x: Record, y: Record) -> bool:
        a, b = x[col], y[col]
        return (
            a is not None
            and b is not None
            and jellyfish.damerau_levenshtein_distance(a, b) <= distance
        )

    return test


def _dob_swapped(x: Record, y: Record) -> bool:
    a, b = x["date_of_birth"], y["date_of_birth"]
    if a is None or b is None:
        return False
    return a[:4] == b[:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7]


def _dob_year_out(x: Record, y: Record) -> bool:
    a, b = x["date_of_birth"], y["date_of_birth"]
    if a is None or b is None:
        return False
    return a[5:] == b[5:] and abs(int(a[:4]) - int(b[:4])) == 1


def names_swapped(x: Record, y: Record) -> bool:
    """Each name is the other's, exactly or by its consonant skeleton (a typo besides), or in
    formal form, each given name against the first part of the other's family name: a
    double-barrelled family name written as the given name keeps only its first part there
    (Taylor-Stewart Amelia is given name "taylor"), a middle name written after a swapped
    family name joins it (Asante Chinedu Sanjay), and a familiar form stays familiar when
    written as the family name (Jackson Wojtek, Wojciech Jackson)."""
    # Exactly swapped names agree here too: a given name has no hyphen to split on, and one
    # name has one formal form.
    if (
        x["given_name_canon"] is not None
        and x["given_name_canon"] == y["family_name_canon"]
        and y["given_name_canon"] == x["family_name_canon"]
    ):
        return True
    # A name too short for a skeleton has none: as in SQL, a missing one agrees with nothing.
    if (
        x["given_name_sound"] is not None
        and x["family_name_sound"] is not None
        and x["given_name_sound"] == y["family_name_sound"]
        and x["family_name_sound"] == y["given_name_sound"]
    ):
        return True
    # Or each within one edit of the other's (Morrison Robin, Robin Morrion).
    names = (x["given_name"], y["family_name"], x["family_name"], y["given_name"])
    if any(name is None for name in names):
        return False
    return (
        jellyfish.damerau_levenshtein_distance(names[0], names[1]) <= 1
        and jellyfish.damerau_levenshtein_distance(names[2], names[3]) <= 1
    )


def python_levels(spec: ComparisonSpec) -> list[Predicate]:
    return [_python(level.expr) for level in spec.levels]


# ---- Splink levels -----------------------------------------------------------------------


def _splink_level(expr: Expr) -> Any:
    import splink.comparison_level_library as cll

    kind = expr[0]
    builders: dict[str, Callable[[], Any]] = {
        "null": lambda: cll.NullLevel(expr[1]),
        "exact": lambda: cll.ExactMatchLevel(expr[1]),
        "jw": lambda: cll.JaroWinklerLevel(expr[1], expr[2]),
        "dl": lambda: _dl_level(expr[1], expr[2]),
        "intersect": lambda: _intersect_level(expr[1]),
        "and": lambda: cll.And(*[_splink_level(e) for e in expr[1:]]),
        "else": cll.ElseLevel,
        # substr is 1-based in both DuckDB and Spark SQL, so one string serves both.
        "dob_swap": lambda: cll.CustomLevel(
            "substr(date_of_birth_l, 1, 4) = substr(date_of_birth_r, 1, 4)"
            " AND substr(date_of_birth_l, 6, 2) = substr(date_of_birth_r, 9, 2)"
            " AND substr(date_of_birth_l, 9, 2) = substr(date_of_birth_r, 6, 2)"
        ),
        "dob_year_out": lambda: cll.CustomLevel(
            "substr(date_of_birth_l, 6, 5) = substr(date_of_birth_r, 6, 5)"
            " AND abs(cast(substr(date_of_birth_l, 1, 4) AS int)"
            " - cast(substr(date_of_birth_r, 1, 4) AS int)) = 1"
        ),
        "names_swapped": lambda: cll.CustomLevel(
            "(given_name_canon_l = family_name_canon_r"
            " AND family_name_canon_l = given_name_canon_r)"
            " OR (given_name_sound_l = family_name_sound_r"
            " AND family_name_sound_l = given_name_sound_r)"
            f" OR ({_one_edit_apart('given_name_l', 'family_name_r')}"
            f" AND {_one_edit_apart('family_name_l', 'given_name_r')})"
        ),
        "within": lambda: cll.CustomLevel(f"abs({expr[1]}_l - {expr[1]}_r) <= {int(expr[2])}"),
        "household_null": lambda: cll.CustomLevel(
            "(postcode_l IS NULL AND address_l IS NULL)"
            " OR (postcode_r IS NULL AND address_r IS NULL)"
        ),
    }
    return builders[kind]()


def _one_edit_apart(left: str, right: str) -> str:
    """SQL for two columns within one edit, the distance asked only where one edit is possible
    (the same in DuckDB and Spark)."""
    return (
        f"(abs(length({left}) - length({right})) <= 1"
        f" AND (substr({left}, 1, 1) = substr({right}, 1, 1)"
        f" OR substr({left}, length({left}), 1) = substr({right}, length({right}), 1)"
        f" OR least(length({left}), length({right})) <= 2)"
        f" AND damerau_levenshtein({left}, {right}) <= 1)"
    )


def _one_edit_possible(col: str) -> str:
    """SQL true for every pair of values one edit apart, and false for most other pairs.

    The database computes Damerau-Levenshtein distances slowly, and a run asks for them on
    millions of pairs that differ in far more than one character. One edit (a letter added,
    dropped, changed, or two neighbours swapped) leaves the lengths within one and keeps the
    first or the last character, unless the shorter value has at most two; in an ISO date it
    keeps the year or the month and day. Asked first, this spares most pairs the distance."""
    left, right = f"{col}_l", f"{col}_r"
    if col == "date_of_birth":
        return (
            f"(substr({left}, 1, 4) = substr({right}, 1, 4)"
            f" OR substr({left}, 6, 5) = substr({right}, 6, 5))"
        )
    return (
        f"abs(length({left}) - length({right})) <= 1"
        f" AND (substr({left}, 1, 1) = substr({right}, 1, 1)"
        f" OR substr({left}, length({left}), 1) = substr({right}, length({right}), 1)"
        f" OR least(length({left}), length({right})) <= 2)"
    )


# A list column whose first element is a key of its own: two lists of one element each share
# it exactly when their keys agree. Most given names belong to one nickname group.
LIST_KEYS = {"given_name_groups": "given_name_canon"}


def _intersect_level(col: str) -> Any:
    """The lists share an element; compared as lists only when either holds more than one."""
    import splink.comparison_level_library as cll

    level = cll.ArrayIntersectLevel(col, 1)
    key = LIST_KEYS.get(col)
    if key is None:
        return level
    possible = f"({key}_l = {key}_r OR array_length({col}_l) > 1 OR array_length({col}_r) > 1)"
    return cll.And(cll.CustomLevel(possible, base_dialect_str="duckdb"), level)


def _dl_level(col: str, distance: int) -> Any:
    import splink.comparison_level_library as cll

    level = cll.DamerauLevenshteinLevel(col, distance)
    if distance != 1:
        return level
    return cll.And(cll.CustomLevel(_one_edit_possible(col)), level)


def splink_comparison(
    spec: ComparisonSpec, parameters: Sequence[tuple[Any, Any]] | None = None
) -> Any:
    """Splink's comparison for a spec, with trained (m, u) per level when a model supplies them."""
    import splink.comparison_library as cl

    levels = []
    for index, level in enumerate(spec.levels):
        creator = _splink_level(level.expr)
        options: dict[str, Any] = {"label_for_charts": level.label}
        m, u = parameters[index] if parameters else (None, None)
        if m is not None:
            options["m_probability"] = m
        if u is not None:
            options["u_probability"] = u
        if level.is_null:
            options["is_null_level"] = True
        if level.tf_column:
            options["tf_adjustment_column"] = level.tf_column
        levels.append(creator.configure(**options))
    return cl.CustomComparison(
        levels, output_column_name=spec.name, comparison_description=spec.description
    )


def comparison_names(specs: Sequence[ComparisonSpec]) -> list[str]:
    return [spec.name for spec in specs]


# ---- The conflicting-names guard ---------------------------------------------------------

# A pair whose given names clearly differ is not linked automatically unless an identifier
# (NHS number, UPN or another shared identifier) agrees. Surname, home and date of birth do not
# tell twins apart, and because the model treats them as independent evidence it adds them up;
# the guard sends such pairs to review instead.
GUARD_NAME = ("given_name", "All other comparisons")
GUARD_IDENTIFIERS = (
    ("nhs_number", "Exact match"),
    ("upn", "Exact match"),
    ("other_id", "Exact match"),
)  # a mistyped other_id is not enough to overrule the guard


def gamma(spec: ComparisonSpec, label: str) -> int:
    """Splink's comparison vector value for a level: -1 for null, then counting down to 0."""
    levels = [level for level in spec.levels if not level.is_null]
    for index, level in enumerate(levels):
        if level.label == label:
            return len(levels) - 1 - index
    raise KeyError(label)


def _spec(specs: Sequence[ComparisonSpec], name: str) -> ComparisonSpec:
    return next(spec for spec in specs if spec.name == name)


def guard_sql(specs: Sequence[ComparisonSpec]) -> str:
    """SQL true for pairs the guard holds back, over Splink's gamma_ columns."""
    name, label = GUARD_NAME
    conflict = f"gamma_{name} = {gamma(_spec(specs, name), label)}"
    agreed = [f"gamma_{col} = {gamma(_spec(specs, col), lab)}" for col, lab in GUARD_IDENTIFIERS]
    return f"({conflict} AND NOT ({' OR '.join(agreed)}))"


def guard_holds_back(specs: Sequence[ComparisonSpec], levels: dict[str, str]) -> bool:
    """The same test over the level labels the real-time matcher found for a pair."""
    name, label = GUARD_NAME
    agreed = any(levels.get(col) == lab for col, lab in GUARD_IDENTIFIERS)
    return levels.get(name) == label and not agreed
