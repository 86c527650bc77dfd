"""The policy's hot queries compiled once for each shape of reader and reused (issue 13): the
reused SQL and parameters are exactly what Django compiles afresh, for readers of every shape,
and a reader's answers are their own however many readers came before."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from joinedup.episodes import services as episodes
from joinedup.people.models import Person
from joinedup.sharing import compiled, policy, visibility
from joinedup.sharing.models import BreakGlass
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def readers(teacher, front_door, db):
    """A school's teacher, a front-door practitioner and a practitioner of no organisation."""
    return {"teacher": teacher, "front door": front_door, "no organisation": _unattached()}


def _unattached():
    someone = factories.practitioner(factories.organisation("Gone"))
    someone.organisation = None
    return someone


def _compare(shape, build, **values):
    """Compiled with markers and filled in, against Django's own compile of the same values."""
    compiled._shapes.clear()
    reused = compiled.sql(shape, build, **values)
    again = compiled.sql(shape, build, **values)  # from the cache this time
    fresh_sql, fresh_params = build(**values).query.sql_with_params()
    assert reused == again == (fresh_sql, list(fresh_params))
    return next(iter(compiled._shapes.values()))


@pytest.mark.parametrize("who", ["teacher", "front door", "no organisation"])
def test_reused_sql_is_what_django_compiles(readers, who):
    user = readers[who]
    front = policy.is_front_door(user)
    values = {
        "pk": user.pk,
        "org": user.organisation_id,
        "day": timezone.localdate(),
        "now": timezone.now(),
    }
    reader = visibility._Reader
    entry = _compare(
        ("persons", front),
        lambda pk, org, day, now: visibility._visible_person_ids(
            reader(pk, org), front_door=front, day=day, now=now
        ),
        **values,
    )
    assert entry is not None  # reused, not compiled again each time
    among = frozenset({3, 1, 2})
    entry = _compare(
        ("among", front),
        lambda pk, org, day, now, among: visibility._visible_person_ids(
            reader(pk, org), front_door=front, day=day, now=now, among=among
        ),
        **values,
        among=among,
    )
    # PostgreSQL sends the ids as one array; SQLite writes a placeholder for each, so it
    # compiles that shape each time.
    assert (entry is not None) == (connection.vendor == "postgresql")
    for shape, build in [
        ("episodes", visibility._episode_ids),
        ("requests", lambda r: visibility._request_ids(r, front_door=front)),
    ]:
        ids = _compare((shape,), lambda pk, build=build: build(reader(pk, None)), pk=user.pk)
        assert ids is not None
    entry = _compare(
        ("referrals", front),
        lambda pk, org: visibility._referral_ids(reader(pk, org), front_door=front),
        pk=user.pk,
        org=user.organisation_id,
    )
    assert entry is not None


def test_a_marker_django_writes_otherwise_is_never_guessed():
    # The value is used twice by the query but once as something else: not reused.
    def build(pk):
        return Person.objects.filter(pk=pk, reference=str(pk))

    compiled._shapes.clear()
    _, params = compiled.sql(("odd",), build, pk=5)
    assert params == [5, "5"] and compiled._shapes[(connection.vendor, "odd")] is None


def test_each_reader_gets_their_own_answers_after_others(teacher, outsider, school, other_org):
    compiled._shapes.clear()
    mine = factories.person("Mine", "Only")
    factories.involvement(school, mine)
    theirs = factories.person("Theirs", "Only")
    factories.involvement(other_org, theirs)
    in_team = factories.person("Team", "Child")
    factories.involvement(other_org, in_team)
    episode = episodes.episode_open_practitioner_led(actor=outsider, persons=[in_team])
    for _ in range(2):  # the second time from the compiled shapes
        teacher_sees = set(policy.persons_visible_to(teacher).values_list("pk", flat=True))
        outsider_sees = set(policy.persons_visible_to(outsider).values_list("pk", flat=True))
        assert mine.pk in teacher_sees and theirs.pk not in teacher_sees
        assert {theirs.pk, in_team.pk} <= outsider_sees and mine.pk not in outsider_sees
        assert policy.person_decision(teacher, in_team).allowed is False
        assert policy.person_decision(outsider, in_team).lawful_basis
        assert policy.persons_visible_among(teacher, [mine.pk, theirs.pk]) == {mine.pk}
        assert list(policy.episodes_visible_to(outsider)) == [episode]
        assert not policy.episodes_visible_to(teacher).exists()


def _live_break_glass(practitioner, person):
    return BreakGlass.objects.create(
        practitioner=practitioner,
        organisation=practitioner.organisation,
        person=person,
        reason="Child at risk tonight",
        opened_at=timezone.now(),
        expires_at=timezone.now() + timedelta(hours=1),
    )


def test_break_glass_ends_when_it_expires_whatever_was_compiled(teacher, other_org):
    someone = factories.person("Glass", "Broken")
    factories.involvement(other_org, someone)
    grant = _live_break_glass(teacher, someone)
    assert policy.person_decision(teacher, someone).allowed
    BreakGlass.objects.filter(pk=grant.pk).update(
        opened_at=timezone.now() - timedelta(hours=2),
        expires_at=timezone.now() - timedelta(seconds=1),
    )
    assert not policy.person_decision(teacher, someone).allowed


def test_the_sharing_facts_are_compiled_once_on_postgresql(teacher, school):
    from joinedup.sharing import shares

    child = factories.person("Facts", "Child")
    factories.involvement(school, child)
    compiled._shapes.clear()
    for _ in range(2):
        facts = shares.persons_facts(teacher, [child])[child.pk]
        assert not (facts.safeguarding or facts.break_glass or facts.duty_to_share)
    reused = {key[1]: entry is not None for key, entry in compiled._shapes.items()}
    # Lists of ids are one array on PostgreSQL; SQLite compiles them each time.
    on_postgresql = connection.vendor == "postgresql"
    for shape in ("stepped_up", "break_glass", "open_protection"):
        assert reused[shape] is on_postgresql


def test_several_reads_in_one_round_trip_give_each_its_own_column(teacher, school, other_org):
    from django.test.utils import CaptureQueriesContext

    from joinedup.sharing.protection_policy import open_protection_read

    glass, plain = factories.person("Glass", "Child"), factories.person("Plain", "Child")
    for person in (glass, plain):
        factories.involvement(other_org, person)
    _live_break_glass(teacher, glass)
    ids = [glass.pk, plain.pk]
    reads = [
        visibility.stepped_up_read(teacher, ids),
        visibility.break_glass_read(teacher, ids),
        open_protection_read(teacher, ids),
    ]
    with CaptureQueriesContext(connection) as queries:
        together = compiled.first_columns(*reads)
    assert len(queries) == 1
    assert together == [read.first_column() for read in reads] == [[], [glass.pk], []]
    assert compiled.first_columns() == []
