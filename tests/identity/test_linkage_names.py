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
