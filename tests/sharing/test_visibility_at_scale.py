"""The policy's "which may I see" as UNIONs of indexed lookups (issue 13): the same answers by
every route (a list, a long list walked in name order, a count, one person's decision), and
pages whose queries do not grow with the data."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from joinedup.episodes import services as episodes
from joinedup.people import selectors
from joinedup.people import services as people_services
from joinedup.people.models import Person
from joinedup.sharing import policy
from joinedup.sharing import services as sharing
from tests import factories

pytestmark = pytest.mark.django_db


def _visible_by_every_route(user) -> set[int]:
    short = set(policy.persons_visible_to(user).values_list("pk", flat=True))
    walked = set(policy.persons_visible_to(user, long_list=True).values_list("pk", flat=True))
    # Lists leave out a person merged into another (they are reached through that one).
    listed = Person.objects.filter(merged_into__isnull=True)
    one_by_one = {p.pk for p in listed if policy.person_decision(user, p).allowed}
    assert short == walked == one_by_one
    # Asked about a few (a person's relatives), each ground narrowed to them: the same answer.
    everyone = Person.objects.values_list("pk", flat=True)
    assert policy.persons_visible_among(user, everyone) == short
    assert policy.persons_visible_among(user, []) == set()
    assert policy.persons_visible_count(user) == len(short)
    return short


def test_every_ground_and_only_those_by_every_route(teacher, school, other_org):
    mine = factories.person("Mine", "Current")
    ended = factories.person("Ended", "Involvement")
    factories.involvement(school, mine)
    old = factories.involvement(school, ended, since_days=90)
    people_services.involvement_end(
        actor=None, involvement=old, ended_on=date.today() - timedelta(1)
    )
    ending_today = factories.person("Ending", "Today")  # still current until the day is out
    today = factories.involvement(school, ending_today)
    people_services.involvement_end(actor=None, involvement=today, ended_on=date.today())
    in_team = factories.person("Team", "Child")
    elsewhere = factories.practitioner(other_org)
    factories.involvement(other_org, in_team)
    episode = episodes.episode_open_practitioner_led(actor=elsewhere, persons=[in_team])
    episodes.member_add(actor=elsewhere, episode=episode, role="Member", practitioner=teacher)
    merged_away = factories.person("Merged", "Away")
    factories.involvement(school, merged_away)
    Person.objects.filter(pk=merged_away.pk).update(merged_into=mine)
    stranger = factories.person("Not", "Mine")
    factories.involvement(other_org, stranger)

    assert _visible_by_every_route(teacher) == {mine.pk, ending_today.pk, in_team.pk}
    assert policy.person_decision(teacher, in_team).basis == policy.BASIS_EPISODE
    assert policy.person_decision(teacher, mine).basis == policy.BASIS_OWN_INVOLVEMENT
    assert _visible_by_every_route(factories.practitioner(factories.organisation())) == set()


def test_a_long_list_pages_in_name_order_with_the_right_count(teacher, school, monkeypatch):
    for i in range(7):
        factories.involvement(school, factories.person(f"Child{i}", f"Family{6 - i}"))
    merged_away = factories.person("Merged", "Away")  # reached through the one it joined
    factories.involvement(school, merged_away)
    Person.objects.filter(pk=merged_away.pk).update(merged_into=Person.objects.first())
    with CaptureQueriesContext(connection) as captured:
        short = selectors.my_people(user=teacher, per_page=3, page=2)
    # The grounds (a union over involvements, teams, requests) are worked out once for the
    # count and the page on PostgreSQL; elsewhere in one query for the page and one for the
    # count (the merged persons subtracted in the same statement).
    grounds = [q for q in captured.captured_queries if "people_involvement" in q["sql"]]
    assert len(grounds) == (1 if connection.vendor == "postgresql" else 2)
    monkeypatch.setattr(selectors, "LONG_LIST", 1)  # the walk in name order, as at scale
    walked = selectors.my_people(user=teacher, per_page=3, page=2)
    assert [p.family_name for p in walked] == [p.family_name for p in short]
    assert [p.family_name for p in walked] == ["Family3", "Family4", "Family5"]
    assert walked.paginator.count == short.paginator.count == 7
    assert walked.paginator.num_pages == 3
    last = selectors.my_people(user=teacher, per_page=3, page=99)  # past the end: the last page
    assert last.number == 3 and [p.family_name for p in last] == ["Family6"]


def test_a_search_counts_and_pages_in_one_query(teacher, school):
    for i in range(5):
        factories.involvement(school, factories.person(f"Child{i}", "Searched"))
    factories.involvement(school, factories.person("Other", "Name"))
    with CaptureQueriesContext(connection) as captured:
        page = selectors.my_people(user=teacher, name="searched", per_page=2, page=3)
        names = [p.given_name for p in page]
    reads = [q for q in captured.captured_queries if "people_person" in q["sql"].split("WHERE")[0]]
    assert len(reads) == 1
    assert names == ["Child4"] and page.paginator.count == 5 and page.paginator.num_pages == 3
    empty = selectors.my_people(user=teacher, name="nobody")
    assert empty.paginator.count == 0 and list(empty) == []


def _person_page_queries(user, person) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        selectors.person_get(user=user, person_id=person.pk)
    return [q["sql"] for q in captured.captured_queries]


def test_the_person_page_asks_for_consent_once_however_many_organisations(teacher, school, child):
    sharing.consent_give(
        actor=teacher,
        person=child,
        given_by="young_person",
        organisations=[school],
        sectors=[],
        purposes=["planning", "assessment"],
        method="verbal",
        given_on=timezone.localdate(),
    )
    factories.involvement(factories.organisation("Police", sector="police"), child)
    _person_page_queries(teacher, child)  # warm: what is looked up once per process
    few = _person_page_queries(teacher, child)
    for i in range(4):
        org = factories.organisation(f"Health {i}", sector="health")
        factories.involvement(org, child, service="Clinic")
    many = _person_page_queries(teacher, child)
    assert len(many) == len(few)
    consent_reads = [sql for sql in many if sql.startswith('SELECT "sharing_consentrecord"."id"')]
    assert len(consent_reads) == 1


def test_open_episodes_are_the_visible_ones_that_are_not_closed(teacher, school, other_org):
    elsewhere = factories.practitioner(other_org)

    def opened(by, org, name):
        child = factories.person(name, "Child")
        factories.involvement(org, child)
        return episodes.episode_open_practitioner_led(actor=by, persons=[child])

    led = opened(teacher, school, "Led")
    member_of = opened(elsewhere, other_org, "Team")
    episodes.member_add(actor=elsewhere, episode=member_of, role="Member", practitioner=teacher)
    closed = opened(teacher, school, "Closed")
    closed.status = "closed"
    closed.save(update_fields=["status"])
    not_mine = opened(elsewhere, other_org, "Other")

    visible = set(policy.episodes_visible_to(teacher).values_list("pk", flat=True))
    assert visible == {led.pk, member_of.pk, closed.pk}
    open_ = set(policy.open_episodes_visible_to(teacher).values_list("pk", flat=True))
    assert open_ == {led.pk, member_of.pk}
    assert not_mine.pk not in open_
    assert not policy.open_episodes_visible_to(AnonymousUser()).exists()
