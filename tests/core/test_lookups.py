"""`__any_of`: the same rows as `__in`, with the list sent as one value on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from joinedup.core.lookups import lists_if_any
from joinedup.people.models import Involvement, Person
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    org = f.organisation()
    persons = [f.person(given=f"P{i}") for i in range(6)]
    for p in persons[:4]:
        f.involvement(org, p)
    return persons


def test_a_key_is_one_of_the_list(people):
    wanted = [people[0].pk, people[2].pk, people[5].pk]
    got = set(Person.objects.filter(pk__any_of=wanted).values_list("pk", flat=True))
    assert got == set(Person.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    assert got == set(wanted)


def test_a_relation_is_one_of_the_list(people):
    wanted = [people[1].pk, people[3].pk, people[5].pk]  # the sixth has no involvement
    got = Involvement.objects.filter(person_id__any_of=wanted)
    assert sorted(i.person_id for i in got) == [people[1].pk, people[3].pk]
    assert Involvement.objects.filter(person__any_of=wanted).count() == 2


def test_an_empty_list_matches_nothing_without_a_query(people):
    with CaptureQueriesContext(connection) as queries:
        assert list(Person.objects.filter(pk__any_of=[])) == []
    assert len(queries) == 0
    assert Person.objects.exclude(pk__any_of=[]).count() == len(people)


def test_nulls_are_left_out_and_values_are_checked(people):
    assert Person.objects.filter(pk__any_of=[people[0].pk, None]).count() == 1
    with pytest.raises((TypeError, ValueError)):
        list(Person.objects.filter(pk__any_of=["1; drop table people_person"]))


def test_a_long_list_is_one_parameter_on_postgresql(people):
    wanted = [p.pk for p in people] + list(range(10**6, 10**6 + 500))
    with CaptureQueriesContext(connection) as queries:
        assert Person.objects.filter(pk__any_of=wanted).count() == len(people)
    sql = queries[0]["sql"]
    if connection.vendor == "postgresql":
        assert "= ANY(" in sql and sql.count("IN (") == 0
    else:
        assert " IN (" in sql


def test_a_subquery_is_refused_with_a_clear_message():
    with pytest.raises(TypeError, match="__in for a subquery"):
        Person.objects.filter(pk__any_of=Person.objects.values("pk"))


def test_lists_if_any_asks_which_lists_have_rows_in_one_query(people):
    involved = [p.pk for p in people[:4]]
    with CaptureQueriesContext(connection) as queries:
        found = lists_if_any(
            (Involvement.objects.filter(person_id__any_of=involved), lambda qs: qs.order_by("pk")),
            (Person.objects.filter(given_name="nobody"), lambda qs: qs),  # empty: not read
            (None, lambda qs: qs),  # not asked for
            (Person.objects.filter(pk__any_of=[]), lambda qs: qs),  # cannot match: not asked
            (Person.objects.filter(given_name="P5"), lambda qs: qs.only("given_name")),
        )
    assert [len(rows) for rows in found] == [4, 0, 0, 0, 1]
    assert sorted(i.person_id for i in found[0]) == involved
    assert found[4][0].given_name == "P5"
    # One question for the four lists asked, then only the two with rows are read.
    assert len(queries) == 3
    assert queries[0]["sql"].startswith("SELECT EXISTS")


def test_lists_if_any_without_a_list_to_ask_asks_nothing():
    with CaptureQueriesContext(connection) as queries:
        assert lists_if_any((None, lambda qs: qs)) == [[]]
    assert len(queries) == 0
