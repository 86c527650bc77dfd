"""Retention periods, what is due, erasure with its tombstone, and legal holds."""

from __future__ import annotations

import re
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from joinedup.audit import services as audit
from joinedup.audit.models import AccessEvent
from joinedup.chronology.models import ChronologyEntry
from joinedup.chronology.services import chronology_entry_record
from joinedup.episodes import services as team
from joinedup.episodes.models import Episode, TeamMember
from joinedup.errors import ApplicationError, NotFound
from joinedup.frontdoor import services as casework
from joinedup.frontdoor.models import RequestForSupport, RequestPerson
from joinedup.people.models import Family, FamilyMember, Person, Relationship
from joinedup.records import retention
from joinedup.records.models import LegalHold, RecordType, RetentionRule, Tombstone
from joinedup.sharing import services as sharing
from joinedup.sharing.models import AdviceRequest, BreakGlass, ConsentRecord
from tests import factories
from tests.sharing.test_subject_access import build_family, front_door  # noqa: F401

pytestmark = pytest.mark.django_db
LONG_AGO = timezone.now() - timedelta(days=3 * 365)


@pytest.fixture(autouse=True)
def one_year_periods(db, settings):
    """Every record type kept 12 months, and no age floor unless a test sets one."""
    RetentionRule.objects.update(keep_for_months=12)
    settings.JOINEDUP_RETENTION_CHILDREN_UNTIL_AGE = 0


def old_person(given: str = "Old", family: str = "Record", **extra) -> Person:
    person = factories.person(given, family, **extra)
    Person.objects.filter(pk=person.pk).update(created_at=LONG_AGO)
    return person


def closed_episode(teacher, persons, *, closed=LONG_AGO) -> Episode:
    episode = casework.episode_open_practitioner_led(actor=teacher, persons=persons)
    team.episode_close(
        actor=teacher, episode=episode, reason="outcomes_achieved", summary="Going well."
    )
    Episode.objects.filter(pk=episode.pk).update(closed_at=closed)
    return episode


def nfa_request(teacher, front_door, child, *, decided=LONG_AGO) -> RequestForSupport:  # noqa: F811
    draft = casework.request_start(actor=teacher, immediate_risk=False)
    casework.request_add_person(actor=teacher, request=draft, person_id=child.pk)
    casework.request_describe(
        actor=teacher,
        request=draft,
        concern="Tired in class.",
        needs=[],
        family_wants="Nothing yet.",
        family_agreement="yes",
        contact_telephone="01632 960000",
    )
    request = casework.request_submit(actor=teacher, request=draft)
    casework.request_decide(
        actor=front_door, request=request, outcome="nfa", reasons="Universal services enough."
    )
    RequestForSupport.objects.filter(pk=request.pk).update(decided_at=decided)
    return request


def advice(teacher, front_door, *, answered_at=LONG_AGO, status="answered") -> AdviceRequest:  # noqa: F811
    return AdviceRequest.objects.create(
        asked_by=teacher,
        organisation=teacher.organisation,
        asked_of=front_door,
        situation="A child in year 4 is often hungry.",
        question="Is this a request for support?",
        asked_at=answered_at - timedelta(days=1),
        status=status,
        advice="Talk to the family first." if status == "answered" else "",
        answered_by=front_door if status == "answered" else None,
        answered_at=answered_at if status == "answered" else None,
    )


def group(groups, record_type) -> retention.DueGroup:
    return next(g for g in groups if g.record_type == record_type)


def refs(groups, record_type, *, held=False) -> set[str]:
    return {i.reference for i in group(groups, record_type).items if i.held == held}


# -- What is due ---------------------------------------------------------------------------------


def test_due_lists_the_right_records_and_leaves_out_current_ones(
    teacher,
    school,
    front_door,  # noqa: F811
):
    inactive = old_person("Inactive", "Adult", kind="adult")
    current = old_person("Current", "Pupil")
    factories.involvement(school, current)
    ended = old_person("Ended", "Pupil")
    factories.involvement(school, ended, since_days=900)
    ended.involvements.update(ended_on=timezone.localdate() - timedelta(days=500))
    recent_note = old_person("Recent", "Note")
    factories.involvement(school, recent_note)
    chronology_entry_record(
        actor=teacher,
        person=recent_note,
        kind="other",
        occurred_on=timezone.localdate(),
        text="Seen today.",
    )
    recent_note.involvements.update(ended_on=timezone.localdate())
    fresh = factories.person("Fresh", "Record")  # created today

    pupil = old_person("Closed", "Episode")
    factories.involvement(school, pupil, since_days=900)
    old_episode = closed_episode(teacher, [pupil])
    pupil.involvements.update(ended_on=timezone.localdate() - timedelta(days=500))
    open_child = factories.person("Open", "Episode")
    factories.involvement(school, open_child)
    open_episode = casework.episode_open_practitioner_led(actor=teacher, persons=[open_child])

    nfa_child = factories.person("Nfa", "Child")
    factories.involvement(school, nfa_child)
    old_nfa = nfa_request(teacher, front_door, nfa_child)
    recent_nfa = nfa_request(teacher, front_door, nfa_child, decided=timezone.now())
    old_advice = advice(teacher, front_door)
    unanswered = advice(teacher, front_door, status="asked")

    groups = retention.due(timezone.localdate())
    persons = refs(groups, RecordType.PERSON)
    assert {inactive.reference, ended.reference} <= persons
    assert not {current.reference, recent_note.reference, fresh.reference} & persons
    assert pupil.reference in persons  # episode closed long ago, involvement ended long ago
    assert open_child.reference not in persons
    assert refs(groups, RecordType.EPISODE) == {old_episode.reference}
    assert open_episode.reference not in refs(groups, RecordType.EPISODE)
    assert refs(groups, RecordType.REQUEST) == {old_nfa.reference}
    assert recent_nfa.reference not in refs(groups, RecordType.REQUEST)
    assert refs(groups, RecordType.ADVICE) == {retention.advice_reference(old_advice)}
    assert unanswered.pk not in {i.pk for i in group(groups, RecordType.ADVICE).items}
    person_group = group(groups, RecordType.PERSON)
    assert person_group.due_count == len(person_group.items) and person_group.held_count == 0
    assert person_group.cutoff == retention.months_before(timezone.localdate(), 12)


def test_held_records_are_listed_as_held_not_due(
    dpo,
    teacher,
    school,
    front_door,  # noqa: F811
):
    held = old_person("Held", "Adult", kind="adult")
    free = old_person("Free", "Adult", kind="adult")
    child = factories.person("Held", "Child")
    factories.involvement(school, child)
    episode = closed_episode(teacher, [child])
    request = nfa_request(teacher, front_door, child)
    child.involvements.update(ended_on=timezone.localdate() - timedelta(days=1))
    retention.legal_hold_place(actor=dpo, reference=held.reference, reason="Claim 2026/17")
    retention.legal_hold_place(actor=dpo, reference=child.reference, reason="Practice review")

    groups = retention.due()
    assert refs(groups, RecordType.PERSON, held=True) == {held.reference}
    assert free.reference in refs(groups, RecordType.PERSON)
    assert refs(groups, RecordType.EPISODE, held=True) == {episode.reference}
    assert refs(groups, RecordType.REQUEST, held=True) == {request.reference}
    people = group(groups, RecordType.PERSON)
    assert (people.due_count, people.held_count) == (1, 1)
    assert group(groups, RecordType.EPISODE).due_count == 0


def test_a_childs_records_wait_for_the_age_floor(settings, teacher, school):
    settings.JOINEDUP_RETENTION_CHILDREN_UNTIL_AGE = 25
    young = old_person("Young", "Child", dob=date(date.today().year - 10, 1, 1))
    grown = old_person("Grown", "Child", dob=date(1990, 1, 1))
    factories.involvement(school, young, since_days=900)
    episode = closed_episode(teacher, [young])
    young.involvements.update(ended_on=timezone.localdate() - timedelta(days=400))
    groups = retention.due()
    assert refs(groups, RecordType.PERSON) == {grown.reference}
    assert refs(groups, RecordType.EPISODE) == set()
    settings.JOINEDUP_RETENTION_CHILDREN_UNTIL_AGE = 0
    groups = retention.due()
    assert young.reference in refs(groups, RecordType.PERSON)
    assert refs(groups, RecordType.EPISODE) == {episode.reference}


def test_a_type_without_a_rule_has_nothing_due(teacher, front_door):  # noqa: F811
    advice(teacher, front_door)
    RetentionRule.objects.filter(record_type=RecordType.ADVICE).delete()
    advice_group = group(retention.due(), RecordType.ADVICE)
    assert advice_group.rule is None and advice_group.items == []


def test_months_before_keeps_to_the_calendar():
    assert retention.months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert retention.months_before(date(2026, 3, 4), 72) == date(2020, 3, 4)
    assert retention.months_before(date(2024, 1, 15), 13) == date(2022, 12, 15)


# -- Erasing a person ------------------------------------------------------------------------------


@pytest.fixture
def family(teacher, school, front_door):  # noqa: F811
    return build_family(teacher=teacher, school=school, front_door=front_door)


def test_erasing_a_person_removes_them_strips_shared_records_and_leaves_a_tombstone(dpo, family):
    darren = family.partner
    tombstone = retention.erase_person(person=darren, actor=dpo, reason="Past retention")
    assert not Person.objects.filter(pk=darren.pk).exists()
    assert not Relationship.objects.filter(relative=darren.pk).exists()
    assert FamilyMember.objects.filter(family__name="Jones family").count() == 3
    # His name is gone from what the family keeps.
    entry = ChronologyEntry.objects.get(person=family.child)
    assert entry.text == "Maya told her teacher that [another person] stays most nights."
    family.request.refresh_from_db()
    assert "Sarah and [another person] argue" in family.request.concern

    assert tombstone.record_type == "person" and tombstone.reference == darren.reference
    assert tombstone.erased_by == dpo and tombstone.reason == "Past retention"
    assert tombstone.counts["people.Person"] == 1
    event = AccessEvent.objects.filter(action="delete").get()
    assert event.detail == {"tombstone": tombstone.pk, "counts": tombstone.counts}
    assert event.person_ids == [darren.pk] and event.actor == dpo
    assert audit.verify().ok


def test_erasing_the_subject_after_the_work_ended(dpo, teacher, family, outsider):
    maya = family.child
    grant = sharing.break_glass_open(actor=outsider, reference=maya.reference, reason="Missing")
    with pytest.raises(ApplicationError, match="still in use"):
        retention.erase_person(person=maya, actor=dpo, reason="Asked for erasure")
    maya.involvements.update(ended_on=timezone.localdate() - timedelta(days=1))
    team.episode_close(
        actor=teacher, episode=family.episode, reason="outcomes_achieved", summary="Done."
    )
    with pytest.raises(ApplicationError, match="emergency access"):
        retention.erase_person(person=maya, actor=dpo, reason="Asked for erasure")
    sharing.break_glass_review(actor=dpo, grant=grant, outcome="justified", notes="")
    events_before = AccessEvent.objects.count()

    tombstone = retention.erase_person(person=maya, actor=dpo, reason="Asked for erasure")

    assert not Person.objects.filter(pk=maya.pk).exists()
    assert not ConsentRecord.objects.filter(person_id=maya.pk).exists()
    assert not BreakGlass.objects.filter(person_id=maya.pk).exists()
    assert not ChronologyEntry.objects.filter(person_id=maya.pk).exists()
    # The episode and the request were shared with Sarah and Leo: Maya is stripped from them.
    assert set(family.episode.persons.values_list("pk", flat=True)) == {
        family.mother.pk,
        family.brother.pk,
    }
    assert not RequestPerson.objects.filter(person_id=maya.pk).exists()
    assert RequestForSupport.objects.filter(pk=family.request.pk).exists()
    family.request.refresh_from_db()
    assert family.request.concern.startswith("[another person] says Sarah")
    assert tombstone.counts["sharing.ConsentRecord"] == 1
    assert tombstone.counts["sharing.BreakGlass"] == 1
    # The audit trail is untouched: only the erasure's own event was added, naming Maya's id.
    assert AccessEvent.objects.count() == events_before + 1
    assert AccessEvent.objects.filter(persons__person_id=maya.pk).count() > 5
    assert audit.verify().ok


def test_what_is_only_theirs_goes_with_them(dpo, teacher, school, front_door):  # noqa: F811
    lone = factories.person("Lone", "Child")
    factories.involvement(school, lone)
    episode = closed_episode(teacher, [lone])
    request = nfa_request(teacher, front_door, lone)
    sharing.consent_give(
        actor=teacher,
        person=lone,
        given_by="young_person",
        organisations=[school],
        sectors=[],
        purposes=["planning"],
        method="verbal",
        given_on=timezone.localdate(),
    )
    lone.involvements.update(ended_on=timezone.localdate() - timedelta(days=1))
    tombstone = retention.erase_person(person=lone, actor=dpo, reason="Past retention")
    assert not Episode.objects.filter(pk=episode.pk).exists()
    assert not RequestForSupport.objects.filter(pk=request.pk).exists()
    assert not TeamMember.objects.filter(episode_id=episode.pk).exists()
    assert tombstone.counts["episodes.Episode"] == 1
    assert tombstone.counts["frontdoor.RequestForSupport"] == 1
    assert tombstone.counts["people.Involvement"] == 1
    assert not Family.objects.exists()
    assert audit.verify().ok


def test_a_legal_hold_stops_erasure_and_lifting_it_allows_it(dpo, family):
    hold = retention.legal_hold_place(
        actor=dpo, reference=family.partner.reference, reason="Civil claim 2026/17"
    )
    with pytest.raises(ApplicationError, match="legal hold") as refused:
        retention.erase_person(person=family.partner, actor=dpo, reason="Past retention")
    assert refused.value.status == 409
    assert Person.objects.filter(pk=family.partner.pk).exists()
    assert not Tombstone.objects.exists()
    retention.legal_hold_lift(actor=dpo, hold=hold, reason="Claim settled")
    retention.erase_person(person=family.partner, actor=dpo, reason="Past retention")
    assert not LegalHold.objects.filter(person_id=family.partner.pk).exists()


def test_nothing_is_partly_written_when_erasure_fails(dpo, family, monkeypatch):
    counts_before = {
        m: m.objects.count() for m in (Person, ChronologyEntry, ConsentRecord, AccessEvent)
    }
    concern = family.request.concern

    def broken(**kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        retention.erase_person(person=family.partner, actor=dpo, reason="Past retention")
    assert {m: m.objects.count() for m in counts_before} == counts_before
    family.request.refresh_from_db()
    assert family.request.concern == concern
    assert not Tombstone.objects.exists()


def test_erasure_needs_a_reason_and_a_data_protection_officer(dpo, teacher, family):
    with pytest.raises(ApplicationError) as error:
        retention.erase_person(person=family.partner, actor=dpo, reason="  ")
    assert error.value.field == "reason"
    with pytest.raises(NotFound):
        retention.erase_person(person=family.partner, actor=teacher, reason="Tidy up")
    assert AccessEvent.objects.filter(actor=teacher, action="refused").exists()
    assert Person.objects.filter(pk=family.partner.pk).exists()


# -- Erasing episodes, requests and advice -----------------------------------------------------


def test_an_episode_past_its_period_is_erased_and_one_not_yet_is_refused(dpo, teacher, school):
    child = factories.person("Episode", "Child")
    factories.involvement(school, child)
    old = closed_episode(teacher, [child])
    recent = closed_episode(teacher, [child], closed=timezone.now())
    with pytest.raises(ApplicationError, match="not yet past"):
        retention.erase_episode(episode=recent, actor=dpo, reason="Tidy")
    tombstone = retention.erase_episode(episode=old, actor=dpo, reason="Past retention")
    assert not Episode.objects.filter(pk=old.pk).exists()
    assert Person.objects.filter(pk=child.pk).exists()
    assert tombstone.record_type == "episode" and tombstone.reference == old.reference
    assert tombstone.counts["episodes.Closure"] == 1
    event = AccessEvent.objects.get(action="delete")
    assert event.object_type == "episodes.episode" and event.person_ids == [child.pk]
    assert audit.verify().ok


def test_a_request_and_an_advice_request_past_their_period(
    dpo,
    teacher,
    school,
    front_door,  # noqa: F811
):
    child = factories.person("Request", "Child")
    factories.involvement(school, child)
    request = nfa_request(teacher, front_door, child)
    old_advice = advice(teacher, front_door)
    retention.erase(record_type="request", pk=request.pk, actor=dpo, reason="Past retention")
    retention.erase(record_type="advice", pk=old_advice.pk, actor=dpo, reason="Past retention")
    assert not RequestForSupport.objects.filter(pk=request.pk).exists()
    assert not AdviceRequest.objects.filter(pk=old_advice.pk).exists()
    assert set(Tombstone.objects.values_list("record_type", flat=True)) == {"request", "advice"}
    with pytest.raises(NotFound):
        retention.erase(record_type="nonsense", pk=1, actor=dpo, reason="x")


# -- Legal holds -------------------------------------------------------------------------------


def test_placing_and_lifting_a_hold_is_audited_and_bad_input_names_the_field(dpo, teacher, family):
    with pytest.raises(ApplicationError) as error:
        retention.legal_hold_place(actor=dpo, reference=family.child.reference, reason=" ")
    assert error.value.field == "reason"
    with pytest.raises(ApplicationError) as error:
        retention.legal_hold_place(actor=dpo, reference="P-NOSUCH99", reason="Claim")
    assert error.value.field == "reference"
    with pytest.raises(NotFound):
        retention.legal_hold_place(actor=teacher, reference=family.child.reference, reason="x")
    assert not LegalHold.objects.exists()

    hold = retention.legal_hold_place(actor=dpo, reference=family.child.reference, reason="Claim")
    placed = AccessEvent.objects.get(object_type="records.legalhold", action="create")
    assert placed.person_ids == [family.child.pk] and placed.detail["reason"] == "Claim"
    with pytest.raises(ApplicationError) as error:
        retention.legal_hold_lift(actor=dpo, hold=hold, reason="")
    assert error.value.field == "reason"
    retention.legal_hold_lift(actor=dpo, hold=hold, reason="Settled")
    lifted = AccessEvent.objects.get(object_type="records.legalhold", action="update")
    assert lifted.detail == {"legal_hold": "lifted", "reason": "Settled"}
    with pytest.raises(ApplicationError) as error:
        retention.legal_hold_lift(actor=dpo, hold=hold, reason="Again")
    assert error.value.status == 409


# -- The pages -----------------------------------------------------------------------------------

RETENTION = "records:retention"


def test_the_officer_sees_what_is_due_and_erases_with_a_reason_and_confirmation(
    client,
    dpo,
    teacher,
    front_door,  # noqa: F811
):
    gone = old_person("Gone", "Adult", kind="adult")
    client.force_login(dpo)
    page = client.get(reverse("records:retention"))
    html = page.content.decode()
    assert page.status_code == 200 and gone.reference in html
    assert "Gone Adult" not in html  # the list shows references, not names
    url = reverse("records:retention-erase", args=["person", gone.pk])
    confirm = client.get(url)
    assert (
        "Gone Adult" in confirm.content.decode() and "cannot be undone" in confirm.content.decode()
    )

    no_reason = client.post(url, {"confirm": "on"})
    assert "Enter why these records are being erased" in no_reason.content.decode()
    unconfirmed = client.post(url, {"reason": "Past retention"})
    assert "Confirm that you understand erasure cannot be undone" in unconfirmed.content.decode()
    assert Person.objects.filter(pk=gone.pk).exists()

    done = client.post(url, {"reason": "Past retention", "confirm": "on"})
    assert done.status_code == 302 and done.url == reverse("records:retention")
    assert not Person.objects.filter(pk=gone.pk).exists()
    assert Tombstone.objects.get().reference == gone.reference


def test_an_erasure_under_a_hold_shows_why_and_offers_no_button(client, dpo):
    held = old_person("Kept", "Adult", kind="adult")
    retention.legal_hold_place(actor=dpo, reference=held.reference, reason="Inquiry")
    client.force_login(dpo)
    url = reverse("records:retention-erase", args=["person", held.pk])
    html = client.get(url).content.decode()
    assert "under a legal hold" in html and "Erase " + held.reference + "</button>" not in html
    refused = client.post(url, {"reason": "Past retention", "confirm": "on"})
    assert "cannot be erased" in refused.content.decode()
    assert Person.objects.filter(pk=held.pk).exists()


def test_legal_hold_pages_name_the_empty_field(client, dpo, family):
    client.force_login(dpo)
    new = reverse("records:legal-hold-new")
    response = client.post(new, {"reference": family.child.reference, "reason": ""})
    assert "Enter why the records must be kept" in response.content.decode()
    response = client.post(new, {"reference": family.child.reference, "reason": "Claim 17"})
    assert response.status_code == 302
    hold = LegalHold.objects.get()
    listing = client.get(reverse("records:legal-holds")).content.decode()
    assert family.child.reference in listing and "Claim 17" in listing
    lift = reverse("records:legal-hold-lift", args=[hold.pk])
    assert (
        "Enter why the hold is being lifted" in client.post(lift, {"reason": ""}).content.decode()
    )
    assert client.post(lift, {"reason": "Settled"}).status_code == 302
    hold.refresh_from_db()
    assert hold.lifted_by == dpo


@pytest.mark.parametrize(
    "name,args",
    [
        ("records:retention", []),
        ("records:legal-holds", []),
        ("records:legal-hold-new", []),
        ("records:retention-erase", ["person", "PK"]),
        ("records:legal-hold-lift", ["HOLD"]),
    ],
)
def test_anyone_else_gets_404_and_the_attempt_is_recorded(
    client, dpo, teacher, outsider, name, args
):
    person = old_person("Someone", "Else", kind="adult")
    hold = retention.legal_hold_place(actor=dpo, reference=person.reference, reason="Claim")
    args = [{"PK": person.pk, "HOLD": hold.pk}.get(a, a) for a in args]
    for user in (teacher, outsider):
        client.force_login(user)
        for method in (client.get, client.post):
            response = method(reverse(name, args=args), {"reason": "x", "confirm": "on"})
            # 405: a page that only reads answers any POST so, before anything is looked at.
            assert response.status_code == 404 or (method == client.post and name == RETENTION)
        refused = AccessEvent.objects.filter(actor=user, action="refused").count()
        assert refused == (1 if name == RETENTION else 2)
    assert Person.objects.filter(pk=person.pk).exists()
    assert LegalHold.objects.get().lifted_at is None


# -- The command line ----------------------------------------------------------------------------


def run(*args: str) -> str:
    out = StringIO()
    call_command("retention", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_command_lists_what_is_due_by_reference(dpo):
    gone = old_person("Listed", "Adult", kind="adult")
    held = old_person("Held", "Adult", kind="adult")
    retention.legal_hold_place(actor=dpo, reference=held.reference, reason="Claim")
    out = run("due")
    assert gone.reference in out and "Listed" not in out
    assert re.search(rf"{held.reference}.*HELD", out)
    assert "1 due, 1 held" in out
    assert "past their retention period" in run("due", "--date", "2020-01-01")


@pytest.mark.parametrize(
    "args,message",
    [
        (["due", "--erase"], "--confirm"),
        (["due", "--erase", "--confirm"], "--reason"),
        (["due", "--erase", "--confirm", "--reason", "Old"], "--by"),
        (["due", "--erase", "--confirm", "--reason", "Old", "--by", "nobody@x.org"], "--by"),
        (["due", "--date", "4 March 2026"], "--date"),
        (["erase", "--reason", "Old"], "one of the arguments"),
        (["erase", "--person", "P-NOSUCH99", "--reason", "Old", "--confirm"], "--person"),
        (["erase", "--advice", "A-x", "--reason", "Old", "--confirm"], "--advice"),
        (["nonsense"], "invalid choice"),
    ],
)
def test_the_command_checks_its_arguments(dpo, args, message):
    victim = old_person("Not", "Erased", kind="adult")
    with pytest.raises(CommandError, match=re.escape(message)):
        run(*args)
    assert Person.objects.filter(pk=victim.pk).exists()
    assert not Tombstone.objects.exists()


def test_the_command_names_a_non_officer_in_by(dpo, teacher):
    old_person("Not", "Erased", kind="adult")
    with pytest.raises(CommandError, match="no active data-protection officer"):
        run("due", "--erase", "--confirm", "--reason", "Old", "--by", teacher.email)


def test_the_command_erases_one_record_or_everything_due_not_held(
    dpo,
    teacher,
    front_door,  # noqa: F811
):
    one = old_person("One", "Adult", kind="adult")
    out = run("erase", "--person", one.reference, "--reason", "Old", "--by", dpo.email, "--confirm")
    assert f"Erased {one.reference}" in out and not Person.objects.filter(pk=one.pk).exists()

    two, three = old_person("Two", "Adult", kind="adult"), old_person("Three", "A", kind="adult")
    held = old_person("Held", "Adult", kind="adult")
    retention.legal_hold_place(actor=dpo, reference=held.reference, reason="Claim")
    old_advice = advice(teacher, front_door)
    out = run("due", "--erase", "--confirm", "--reason", "Schedule", "--by", dpo.email)
    assert "Erased 3 records; 0 could not be erased." in out
    assert not Person.objects.filter(pk__in=[two.pk, three.pk]).exists()
    assert not AdviceRequest.objects.filter(pk=old_advice.pk).exists()
    assert Person.objects.filter(pk=held.pk).exists()
    assert Tombstone.objects.filter(erased_by=dpo).count() == 4
    assert audit.verify().ok


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL trigger")
def test_on_postgresql_only_erasure_gets_a_consent_record_past_the_database(dpo, family):
    record_id = family.consent.pk
    sql = "DELETE FROM sharing_consentrecord WHERE id = %s"
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [record_id])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE sharing_consentrecord SET evidence = 'x' WHERE id = %s", [record_id])
    family.child.involvements.update(ended_on=timezone.localdate() - timedelta(days=1))
    Episode.objects.filter(pk=family.episode.pk).update(status="closed")
    retention.erase_person(person=family.child, actor=dpo, reason="Asked for erasure")
    assert not ConsentRecord.objects.filter(pk=record_id).exists()
    # The permission ended with the erasure: a later delete in the same transaction is refused.
    other = sharing.consent_give(
        actor=None,
        person=family.brother,
        given_by="young_person",
        organisations=[],
        sectors=["health"],
        purposes=["planning"],
        method="verbal",
        given_on=timezone.localdate(),
    )
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [other.pk])
