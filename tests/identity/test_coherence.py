"""Persons that hold together: the cannot-link rules of a batch run, without a database."""

from __future__ import annotations

from joinedup.identity.linkage import normalise
from joinedup.identity.linkage.coherence import (
    DIFFERENT_PERSON,
    NAMES_DIFFER,
    Records,
    cluster,
)

FIELDS = ("source", "given_name", "family_name", "date_of_birth", "sex", "nhs_number", "upn",
          "other_id")  # fmt: skip


def records(*rows: tuple) -> Records:
    normal = []
    for row in rows:
        raw = dict(zip(FIELDS, row, strict=True))
        normal.append(normalise.normalise_record(raw) | {"source": raw["source"]})
    return Records({name: [r.get(name) for r in normal] for name in normal[0]})


def test_two_valid_nhs_numbers_are_never_one_person():
    data = records(
        ("gp", "Amira", "Khan", "2015-03-04", "F", "9434765919", "", ""),
        ("school", "Amira", "Khan", "2015-03-04", "F", "", "", ""),
        ("hospital", "Amira", "Khan", "2015-03-04", "F", "4010232137", "", ""),
    )
    done = cluster(data, [(0, 1, 0.99, False), (1, 2, 0.98, False)], 0.9)
    assert done.person[0] == done.person[1] != done.person[2]
    assert done.refusals[0].rule == "two different NHS numbers"


def test_a_sibling_is_not_chained_in_through_a_record_without_a_date_of_birth():
    data = records(
        ("gp", "Tom", "Ward", "2012-01-05", "M", "", "", ""),
        ("police", "Tom", "Ward", "", "M", "", "", ""),  # no date: agrees with both boys
        ("school", "Tim", "Ward", "2014-07-30", "M", "", "", ""),
    )
    done = cluster(data, [(0, 1, 0.97, False), (1, 2, 0.95, False)], 0.9)
    assert done.person[0] == done.person[1] != done.person[2]
    assert done.refusals[0].rule in (NAMES_DIFFER, DIFFERENT_PERSON)


def test_twins_stay_apart_and_a_corrupted_name_without_twins_links():
    twins = records(
        ("gp", "Amelia", "Hart", "2016-02-02", "F", "", "", ""),
        ("school", "Amelia", "Hart", "2016-02-02", "F", "", "", ""),
        ("gp", "Isla", "Hart", "2016-02-02", "F", "", "", ""),
        ("school", "Isla", "Hart", "2016-02-02", "F", "", "", ""),
    )
    edges = [(0, 1, 0.99, False), (2, 3, 0.99, False), (1, 2, 0.97, True), (0, 3, 0.96, True)]
    done = cluster(twins, edges, 0.9)
    assert done.person[0] == done.person[1] != done.person[2] == done.person[3]
    typo = records(
        ("A", "Naomi", "Reid", "1998-05-21", "", "", "", ""),
        ("B", "Max", "Reid", "1998-05-21", "", "", "", ""),  # each the other's only match
    )
    linked = cluster(typo, [(0, 1, 0.99, True)], 0.9)
    assert linked.person[0] == linked.person[1] and linked.released == 1


def test_another_spelling_or_swapped_names_still_agree():
    data = records(
        ("gp", "Mohammed", "Chaudhry", "2011-09-10", "M", "", "", ""),
        ("school", "Muhammad", "Choudhury", "2011-09-10", "M", "", "", ""),
        ("housing", "Choudhury", "Muhammad", "10/09/2011", "M", "", "", ""),
    )
    assert data.names_agree(0, 1)
    done = cluster(data, [(0, 1, 0.99, False), (1, 2, 0.95, False)], 0.9)
    assert len(set(done.person)) == 1


def test_a_tie_between_best_links_does_not_depend_on_the_engines_order():
    data = records(
        ("A", "Naomi", "Reid", "1998-05-21", "", "", "", ""),
        ("B", "Max", "Reid", "1998-05-21", "", "", "", ""),  # held: the names differ
        ("C", "Naomi", "Reid", "1998-05-21", "", "", "", ""),
    )
    edges = [(0, 1, 0.99, True), (0, 2, 0.99, False)]
    first, second = cluster(data, edges, 0.9), cluster(data, edges[::-1], 0.9)
    assert first.person == second.person
    assert first.released == second.released == 1


def test_whether_given_names_agree_by_a_swap_is_asked_of_each_pair():
    # Taylor / Amelia agree as a swap only where the family names are swapped too; what one
    # pair answered is not remembered for another pair with the same given names.
    data = records(
        ("gp", "Amelia", "Taylor-Stewart", "2019-08-11", "F", "", "", ""),
        ("police", "TAYLOR-STEWART", "AMELIA", "2019-08-11", "F", "", "", ""),
        ("school", "Amelia", "Jones", "2019-08-11", "F", "", "", ""),
        ("housing", "Taylor", "Brown", "2019-08-11", "F", "", "", ""),
    )
    assert data.names_agree(0, 1)
    assert not data.names_agree(2, 3)
    plain = records(
        ("gp", "Robin", "Morrison", "2012-01-02", "", "", "", ""),
        ("police", "Morrison", "Robin", "2012-01-02", "", "", "", ""),
        ("school", "Robin", "Smith", "2012-01-02", "", "", "", ""),
        ("housing", "Morrison", "Jones", "2012-01-02", "", "", "", ""),
    )
    assert plain.names_agree(0, 1)
    assert not plain.names_agree(2, 3)


def test_a_keying_error_in_the_date_of_birth_is_outvoted_by_records_that_agree():
    # FEBRL-style corruption: one record's date of birth is wrong, another's given name is
    # keyed with a typo; and a given name with two letters turned round is no sibling's.
    data = records(
        ("A", "Finlay", "White", "1970-03-09", "", "", "", "1233871"),
        ("B", "Finlay", "White", "1970-03-09", "", "", "", "1233871"),
        ("C", "Finlhy", "White", "1970-03-09", "", "", "", ""),
        ("D", "Finlay", "White", "1956-06-28", "", "", "", "1233871"),
        ("E", "Filnay", "White", "1964-01-21", "", "", "", ""),
    )
    assert data.different_person(2, 3)  # Finlhy and Finlay, born years apart: siblings?
    assert not data.different_person(0, 4)  # Finlay and Filnay: a keying error
    edges = [(0, 1, 0.99, False), (1, 2, 0.99, False), (0, 3, 0.98, False)]
    done = cluster(data, edges, 0.9)
    # Two records confirm D by the shared identifier against the one that conflicts.
    assert done.person[0] == done.person[1] == done.person[2] == done.person[3]
    assert not done.refusals


def test_a_sibling_is_not_outvoted_by_records_without_a_date_of_birth():
    data = records(
        ("gp", "Ava", "Lewandowski", "2017-01-05", "F", "", "", ""),
        ("police", "Ava", "Lewandowski", "", "F", "", "", ""),
        ("housing", "Ava", "Lewandowski", "", "F", "", "", ""),
        ("school", "Evie", "Lewandowski", "2019-05-01", "F", "", "", ""),
        ("food bank", "Evie", "Lewandowski", "", "F", "", "", ""),
    )
    edges = [(0, 1, 0.99, False), (1, 2, 0.99, False), (3, 4, 0.99, False),
             (2, 4, 0.95, False)]  # fmt: skip
    done = cluster(data, edges, 0.9)
    assert done.person[0] == done.person[1] == done.person[2] != done.person[3]
    assert done.refusals[0].rule == DIFFERENT_PERSON


def test_where_the_data_hold_twins_a_lone_pair_with_different_names_is_not_released():
    data = records(
        ("gp", "Amelia", "Hart", "2016-02-02", "F", "", "", ""),
        ("school", "Amelia", "Hart", "2016-02-02", "F", "", "", ""),
        ("gp", "Isla", "Hart", "2016-02-02", "F", "", "", ""),
        ("school", "Isla", "Hart", "2016-02-02", "F", "", "", ""),
        # Each the other's only match, like a mistyped name: but the data hold twins.
        ("gp", "Priya", "Harris", "2014-07-27", "F", "", "", ""),
        ("housing", "Ava", "Harris", "2014-07-27", "F", "", "", ""),
    )
    edges = [(0, 1, 0.99, False), (2, 3, 0.99, False), (1, 2, 0.97, True), (0, 3, 0.96, True),
             (4, 5, 0.98, True)]  # fmt: skip
    done = cluster(data, edges, 0.9)
    assert done.released == 0 and done.person[4] != done.person[5]
    # Without the twins in sight, the lone pair is released as a mistyped name.
    alone = cluster(data, [(4, 5, 0.98, True)], 0.9)
    assert alone.released == 1 and alone.person[4] == alone.person[5]
