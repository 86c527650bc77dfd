"""The SQL a run scores with and the Python the real-time matcher uses choose the same levels.

The SQL asks cheap questions before slow ones (can two values be one edit apart? do two given
names have more than one nickname group?); these pairs check it never answers differently."""

from __future__ import annotations

import itertools

import pyarrow as pa
import pytest

from joinedup.identity.linkage import comparisons as cmp
from joinedup.identity.linkage import normalise

GIVEN = ["Tom", "Tim", "Jon", "John", "Xjohn", "Ab", "Ba", "A", "B", "Leo", "Loe", "Alex",
         "Alexander", "Sasha", "Oleksandr", "Bill", "William", "Kuba", "Jakub", "Kai", "Kye",
         "Mohammed", "Muhammad", "Jonathon", "Jonathan", ""]  # fmt: skip
DATES = ["2012-11-14", "2011-11-14", "2009-11-14", "2010-11-14", "2013-11-14", "2012-11-41",
         "2012-11-15", "2012-14-11", "2021-11-14", "2012-12-14", "2012-01-14", "2012-11-24",
         "2011-11-15", ""]  # fmt: skip
OTHER_IDS = ["AB123", "AB124", "BA123", "AB12", "XAB123", "AB1234", "A", "B", ""]


def _record(given: str = "", dob: str = "", other: str = "") -> dict:
    return normalise.normalise_record(
        {"given_name": given, "family_name": "Khan", "date_of_birth": dob, "other_id": other}
    )


def _python_levels(spec: cmp.ComparisonSpec, pairs: list[tuple[dict, dict]]) -> list[str]:
    tests = list(zip(spec.levels, cmp.python_levels(spec), strict=True))
    return [next(level.label for level, test in tests if test(x, y)) for x, y in pairs]


def _sql_levels(spec: cmp.ComparisonSpec, pairs: list[tuple[dict, dict]]) -> list[str]:
    import duckdb

    comparison = cmp.splink_comparison(spec).get_comparison("duckdb")
    whens = [
        f"WHEN {level.sql_condition} THEN {index}"
        for index, level in enumerate(comparison.comparison_levels)
        if level.sql_condition != "ELSE"
    ]
    columns = {
        f"{name}_{side}": [pair[i][name] for pair in pairs]
        for name in pairs[0][0]
        for i, side in enumerate("lr")
    }
    connection = duckdb.connect()
    connection.register("pairs", pa.table(columns))
    last = len(spec.levels) - 1
    # The conditions are the model's own levels, not input.
    sql = f"SELECT CASE {' '.join(whens)} ELSE {last} END FROM pairs"  # noqa: S608
    return [spec.levels[row[0]].label for row in connection.execute(sql).fetchall()]


@pytest.mark.parametrize(
    ("spec", "values", "field"),
    [(cmp.GIVEN_NAME, GIVEN, "given"), (cmp.DATE_OF_BIRTH, DATES, "dob"),
     (cmp.OTHER_ID, OTHER_IDS, "other")],
)  # fmt: skip
def test_sql_and_python_choose_the_same_level(
    spec: cmp.ComparisonSpec, values: list[str], field: str
) -> None:
    pairs = [
        (_record(**{field: a}), _record(**{field: b}))
        for a, b in itertools.product(values, repeat=2)
    ]
    assert _sql_levels(spec, pairs) == _python_levels(spec, pairs)


NAMES = [("Robin", "Morrison"), ("Morrion", "Robin"), ("Morrison", "Robin"), ("Hassan", "Ali"),
         ("Ali", "Hassan"), ("Alli", "Hasan"), ("Hasan", "Alli"), ("Li", "Ann"), ("Ann", "Lee"),
         ("Ab", "Ba"), ("Ba", "Ab"), ("Robin", ""), ("Amelia", "Taylor-Stewart"),
         ("TAYLOR-STEWART", "AMELIA"), ("Stewart", "Amelia"), ("Asante", "Chinedu Sanjay"),
         ("Chinedu", "Asante"), ("Sanjay", "Asante"), ("Wojciech", "Jackson"),
         ("Jackson", "Wojtek"), ("Jackson", "Tomek")]  # fmt: skip


def test_swapped_names_sql_and_python_agree() -> None:
    records = [normalise.normalise_record({"given_name": g, "family_name": f}) for g, f in NAMES]
    pairs = list(itertools.product(records, repeat=2))
    assert _sql_levels(cmp.GIVEN_NAME, pairs) == _python_levels(cmp.GIVEN_NAME, pairs)
    assert _sql_levels(cmp.FAMILY_NAME, pairs) == _python_levels(cmp.FAMILY_NAME, pairs)
    [level] = _python_levels(cmp.GIVEN_NAME, [(records[0], records[1])])
    assert level == cmp.SWAPPED_LABEL


def test_a_year_mistyped_has_its_own_level() -> None:
    [level] = _python_levels(
        cmp.DATE_OF_BIRTH, [(_record(dob="2010-11-14"), _record(dob="2009-11-14"))]
    )
    assert level == "Year one out, day and month the same"
    [level] = _python_levels(
        cmp.DATE_OF_BIRTH, [(_record(dob="2012-11-14"), _record(dob="2009-11-14"))]
    )
    assert level == "All other comparisons"


def test_familiar_forms_beyond_english_are_nicknames() -> None:
    pairs = [("Kuba", "Jakub"), ("Tomek", "Tomasz"), ("Seun", "Oluwaseun"), ("Dima", "Dmytro")]
    records = [(_record(given=a), _record(given=b)) for a, b in pairs]
    assert set(_python_levels(cmp.GIVEN_NAME, records)) == {"Nickname or short form"}


def test_both_names_keys_are_made_alike_in_a_batch() -> None:
    from joinedup.identity.linkage.reading import names_keys

    given = pa.array(["ali", "hassan", None, "amy"])
    family = pa.array(["hassan", "ali", "khan", None])
    expected = [
        normalise.names_key(g, f)
        for g, f in zip(given.to_pylist(), family.to_pylist(), strict=True)
    ]
    assert names_keys(given, family).to_pylist() == expected
    assert expected == ["ali|hassan", "ali|hassan", None, None]


def test_a_swapped_double_barrelled_name_or_familiar_form_is_swapped() -> None:
    # Written as the given name, a double-barrelled family name keeps its first part only; a
    # middle name written after a swapped family name joins that name; a familiar form written
    # as the family name is still that form.
    pairs = [
        (("Amelia", "Taylor-Stewart"), ("TAYLOR-STEWART", "AMELIA")),
        (("Chinedu", "Asante"), ("Asante", "Chinedu Sanjay")),
        (("Wojciech", "Jackson"), ("Jackson", "Wojtek")),  # a familiar form, swapped
    ]
    for left, right in pairs:
        x, y = (
            normalise.normalise_record({"given_name": g, "family_name": f})
            for g, f in (left, right)
        )
        assert _python_levels(cmp.GIVEN_NAME, [(x, y), (y, x)]) == [cmp.SWAPPED_LABEL] * 2
        assert _sql_levels(cmp.GIVEN_NAME, [(x, y), (y, x)]) == [cmp.SWAPPED_LABEL] * 2
    # Another part of the name is not a swap: Sanjay Asante is not Chinedu Asante swapped.
    x, y = (
        normalise.normalise_record({"given_name": g, "family_name": f})
        for g, f in (("Sanjay", "Asante"), ("Asante", "Chinedu Sanjay"))
    )
    assert _python_levels(cmp.GIVEN_NAME, [(x, y)]) != [cmp.SWAPPED_LABEL]
