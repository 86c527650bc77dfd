"""Given names: nicknames and short forms are the same name; different names are not."""

from __future__ import annotations

import pytest

from joinedup.identity.linkage import comparisons as cmp
from joinedup.identity.linkage import normalise


def _level(left: str, right: str) -> str:
    pair = [normalise.normalise_record({"given_name": name}) for name in (left, right)]
    for level, predicate in zip(cmp.GIVEN_NAME.levels, cmp.python_levels(cmp.GIVEN_NAME),
                                strict=True):  # fmt: skip
        if predicate(*pair):
            return level.label
    raise AssertionError("no level matched")


@pytest.mark.parametrize(
    ("left", "right"),
    [("William", "Bill"), ("Liam", "William"), ("Will", "Bill"), ("Elizabeth", "Beth"),
     ("Lizzie", "Betty"), ("Margaret", "Peggy"), ("Maggie", "Peggy"), ("Alex", "Alexandra"),
     ("Alex", "Alexander")],
)  # fmt: skip
def test_nicknames_match(left: str, right: str) -> None:
    assert _level(left, right) == "Nickname or short form"


def test_canonical_name_for_blocking() -> None:
    assert normalise.given_name_canonical("bill") == "william"
    assert normalise.given_name_canonical("peggy") == "margaret"
    assert normalise.given_name_canonical("zebedee") == "zebedee"


def test_different_names_are_not_nicknames() -> None:
    assert _level("Amelia", "Isla") == "All other comparisons"
    assert _level("Jack", "Jack") == "Exact match"
    assert _level("Jonathon", "Jonathan") == "One character different"
    assert _level("Leo", "Loe") == "One character different"
    assert _level("Mohammed", "Muhammad") == "Same consonant skeleton (another spelling)"
    assert _level("", "Jack") == "given_name missing"


def test_nickname_table_ships_with_the_package() -> None:
    groups = normalise.nickname_groups()
    assert "william" in groups["liam"]
    assert set(groups["alex"]) == {"alexander", "alexandra"}


def test_levels_read_in_plain_english() -> None:
    from joinedup.identity.linkage.comparisons import plain_comparison, plain_level

    assert plain_level("nhs_number missing") == "Not recorded on one or both records"
    assert plain_level("given_name missing") == "Not recorded on one or both records"
    assert plain_level("All other comparisons") == "Different"
    assert plain_level("Exact match") == "The same"
    assert plain_level("Day and month swapped") == "Day and month swapped"
    assert plain_level("Not recorded on one or both records") == (
        "Not recorded on one or both records"
    )
    assert plain_comparison("upn") == "Unique pupil number"


def _records(*names: tuple[str, str]) -> list[dict]:
    return [normalise.normalise_record({"given_name": g, "family_name": f}) for g, f in names]


def _first_level(spec: cmp.ComparisonSpec, left: dict, right: dict) -> cmp.Level:
    return next(
        level
        for level, test in zip(spec.levels, cmp.python_levels(spec), strict=True)
        if test(left, right)
    )


def test_swapped_names_with_a_typo_are_weighed_once() -> None:
    left, right = _records(("Elizabeth", "Stephenson"), ("Stephenson", "Elizbeth"))
    assert _first_level(cmp.GIVEN_NAME, left, right).label == cmp.SWAPPED_LABEL
    # The family name's own swapped level carries no weight: one fact, counted once.
    family = _first_level(cmp.FAMILY_NAME, left, right)
    assert family.label == cmp.SWAPPED_COUNTED_LABEL and family.is_null
    assert left["names_sound_key"] == right["names_sound_key"]


def test_a_home_is_its_house_number_and_street_name() -> None:
    import pyarrow as pa

    from joinedup.identity.linkage.reading import rare_keys

    assert normalise.home_key(normalise.address("12 Cedar Avenue")) == "12 cedar"
    # A flat is its building's number and its own, written first or last.
    assert normalise.home_key(normalise.address("Flat 3, 12 Cedar Ave")) == "12/3 cedar"
    assert normalise.home_key(normalise.address("12 Cedar Ave, Flat 3")) == "12/3 cedar"
    assert normalise.home_key(normalise.address("Flat 4, 12 Cedar Ave")) == "12/4 cedar"
    # A place called a flat (Kangaroo Flat, Captains Flat) is no flat's number.
    assert normalise.address_number(normalise.address("7 Bulloo Pl, Kangaroo Flat 4621 WA")) == "7"
    assert normalise.home_key(normalise.address("Rose Cottage")) is None
    assert normalise.home_key(None) is None
    # A key more records hold than the limit is a common one, and no key at all.
    keys = pa.array(["12 cedar"] * 3 + ["4 high"] + [None])
    assert rare_keys(keys, 2).to_pylist() == [None, None, None, "4 high", None]
    assert rare_keys(keys, 3).to_pylist() == keys.to_pylist()


def test_names_swapped_in_formal_form_share_a_blocking_key(tmp_path) -> None:
    import csv

    from joinedup.identity.linkage.reading import read_records

    pairs = [(("Patel", "Mati"), ("Mateusz", "Patel")),
             (("Murphy", "Harry"), ("Harry", "Murphy-Brown"))]  # fmt: skip
    for left, right in pairs:
        a, b = _records(left, right)
        assert a["names_key"] != b["names_key"]
        assert a["names_canon_key"] == b["names_canon_key"] is not None
    # A batch derives the same key as one record does.
    path = tmp_path / "names.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source", "record_id", "given_name", "family_name"])
        for number, (given, family) in enumerate(name for pair in pairs for name in pair):
            writer.writerow(["gp", str(number), given, family])
    batch = read_records([path]).table["names_canon_key"].to_pylist()
    one_by_one = [r["names_canon_key"] for pair in pairs for r in _records(*pair)]
    assert batch == one_by_one
