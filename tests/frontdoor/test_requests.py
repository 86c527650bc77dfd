from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from joinedup.audit.models import AccessEvent
from joinedup.episodes.models import Episode, EpisodeStatus
from joinedup.errors import ApplicationError, NotFound
from joinedup.frontdoor import selectors, services
from joinedup.frontdoor.models import RequestForSupport, RequestStatus, TriageDecision
from joinedup.partnership.models import Notification
from joinedup.people.models import Person
from joinedup.sharing import policy
from tests import factories
from tests.conftest import raise_request

pytestmark = pytest.mark.django_db


def test_a_school_raises_a_request_and_the_front_door_receives_it(teacher, child, front_door):
    request = raise_request(teacher, child)
    assert request.status == RequestStatus.RECEIVED
    assert request.rating == "amber" and request.due_at > request.received_at
    assert [i.request for i in selectors.front_door_queue(user=front_door)] == [request]
    assert Notification.objects.filter(recipient=front_door).exists()
    assert AccessEvent.objects.filter(object_type="frontdoor.requestforsupport").exists()


def test_immediate_risk_is_marked_red_and_first_in_the_queue(teacher, child, school, front_door):
    calm = raise_request(teacher, child)
    other = factories.person("Ivy", "Stone")
    factories.involvement(school, other)
    urgent = raise_request(teacher, other, red=True)
    assert urgent.rating == "red"
    assert [i.request for i in selectors.front_door_queue(user=front_door)] == [urgent, calm]


def test_a_request_needs_a_child(teacher, school):
    adult = factories.person(
        "Rita", "Jones", kind="adult", dob=timezone.localdate().replace(year=1985)
    )
    factories.involvement(school, adult)
    draft = services.request_start(actor=teacher, immediate_risk=False)
    services.request_add_person(actor=teacher, request=draft, person_id=adult.pk)
    services.request_describe(
        actor=teacher,
        request=draft,
        concern="x",
        needs=[],
        family_wants="",
        family_agreement="yes",
        contact_email="a@b.org",
    )
    with pytest.raises(ApplicationError) as error:
        services.request_submit(actor=teacher, request=draft)
    assert error.value.field == "person"
    draft.refresh_from_db()
    assert draft.status == RequestStatus.DRAFT and draft.received_at is None


def test_family_not_asked_needs_a_reason(teacher, child):
    with pytest.raises(ApplicationError) as error:
        raise_request(teacher, child, agreement="not_asked")
    assert error.value.field == "not_asked_reason"
    request = raise_request(
        teacher, child, agreement="not_asked", reason="Telling would put her at risk."
    )
    assert request.not_asked_reason


def test_an_asker_cannot_name_a_person_they_may_not_see(teacher, outsider, child):
    draft = services.request_start(actor=outsider, immediate_risk=False)
    with pytest.raises(ApplicationError) as error:
        services.request_add_person(actor=outsider, request=draft, person_id=child.pk)
    assert error.value.field == "person"
    assert not draft.people.exists()


def test_a_new_person_with_a_future_date_of_birth_is_refused(teacher):
    draft = services.request_start(actor=teacher, immediate_risk=False)
    with pytest.raises(ApplicationError) as error:
        services.request_add_person(
            actor=teacher,
            request=draft,
            new_person={
                "given_name": "Baby",
                "family_name": "Doe",
                "kind": "child",
                "date_of_birth": timezone.localdate() + timedelta(days=3),
            },
        )
    assert error.value.field == "date_of_birth"
    assert not Person.objects.filter(given_name="Baby").exists()


def test_changing_the_rating_needs_a_reason(teacher, child, front_door):
    request = raise_request(teacher, child)
    with pytest.raises(ApplicationError) as error:
        services.request_rate(actor=front_door, request=request, rating="green", reason=" ")
    assert error.value.field == "reason"
    services.request_rate(
        actor=front_door,
        request=request,
        rating="green",
        reason="Universal services already involved.",
    )
    request.refresh_from_db()
    assert request.rating == "green"
    assert request.events.filter(kind="rating_changed", text__contains="Universal").exists()


def test_a_stale_version_is_refused_and_nothing_is_lost(teacher, child, front_door):
    request = raise_request(teacher, child)
    version = request.version
    services.request_rate(actor=front_door, request=request, rating="red", reason="Escalating.")
    with pytest.raises(ApplicationError) as error:
        services.request_rate(
            actor=front_door,
            request=request,
            rating="green",
            reason="No.",
            expected_version=version,
        )
    assert error.value.status == 409
    request.refresh_from_db()
    assert request.rating == "red"


def test_early_help_opens_an_episode_and_tells_the_asker(
    teacher, child, front_door, family_worker, django_capture_on_commit_callbacks
):
    request = raise_request(teacher, child)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.request_decide(
            actor=front_door,
            request=request,
            outcome="early_help",
            reasons="Needs across health and school.",
            lead_professional=family_worker,
        )
    request.refresh_from_db()
    assert request.status == RequestStatus.DECIDED and decision.within_timescale is True
    episode = request.episode
    assert episode.lead_professional == family_worker and episode.status == EpisodeStatus.OPEN
    assert list(episode.persons.all()) == [child]
    assert episode.status_history.get().status == EpisodeStatus.OPEN
    assert Notification.objects.filter(recipient=teacher, subject__contains="Decision").exists()
    recipients = {m.to[0] for m in mail.outbox}
    assert {teacher.email, family_worker.email} <= recipients
    assert child.given_name not in " ".join(m.body for m in mail.outbox)  # no names by email
    view = selectors.request_get(user=teacher, request_id=request.pk)
    assert view.decision.outcome == "early_help"


def test_a_second_decision_is_refused_and_nothing_is_overwritten(teacher, child, front_door):
    request = raise_request(teacher, child)
    services.request_decide(
        actor=front_door, request=request, outcome="advice", reasons="Signposted to the family hub."
    )
    with pytest.raises(ApplicationError) as error:
        services.request_decide(
            actor=front_door, request=request, outcome="nfa", reasons="Changed my mind."
        )
    assert error.value.status == 409
    assert TriageDecision.objects.get(request=request).outcome == "advice"


def test_early_help_needs_a_lead_professional(teacher, child, front_door):
    request = raise_request(teacher, child)
    with pytest.raises(ApplicationError) as error:
        services.request_decide(
            actor=front_door, request=request, outcome="early_help", reasons="Needs support."
        )
    assert error.value.field == "lead_professional"
    assert not Episode.objects.exists()


def test_a_request_about_a_child_with_an_open_episode_goes_to_the_lead(
    teacher, child, front_door, family_worker
):
    first = raise_request(teacher, child)
    services.request_decide(
        actor=front_door,
        request=first,
        outcome="early_help",
        reasons="Support.",
        lead_professional=family_worker,
    )
    second = raise_request(teacher, child)
    assert second.status == RequestStatus.ROUTED and second.assigned_to == family_worker
    assert second not in [i.request for i in selectors.front_door_queue(user=front_door)]
    assert policy.may_triage(family_worker, second)
    services.request_decide(
        actor=family_worker,
        request=second,
        outcome="advice",
        reasons="Discussed at the team meeting.",
    )


def test_reassign_and_second_opinion_are_recorded(teacher, child, front_door, council, hub):
    colleague = factories.practitioner(council, team=hub)
    request = raise_request(teacher, child)
    services.request_reassign(actor=front_door, request=request, to=colleague, reason="Cover")
    # Not from the colleague now deciding: from someone else at the front door.
    services.request_second_opinion(actor=front_door, request=request, opinion="Agree: amber.")
    kinds = list(request.events.values_list("kind", flat=True))
    assert "reassigned" in kinds and "second_opinion" in kinds


def test_practitioner_led_episode(teacher, child):
    episode = services.episode_open_practitioner_led(actor=teacher, persons=[child])
    assert episode.lead_professional == teacher and episode.origin == "practitioner_led"
    with pytest.raises(ApplicationError) as error:
        services.episode_open_practitioner_led(actor=teacher, persons=[child])
    assert error.value.status == 409


def test_practitioner_led_episode_needs_an_involvement(outsider, child):
    with pytest.raises(ApplicationError):
        services.episode_open_practitioner_led(actor=outsider, persons=[child])
    assert not Episode.objects.exists()


def test_policy_who_sees_a_request(teacher, child, front_door, outsider, family_worker):
    request = raise_request(teacher, child)
    assert policy.request_decision(teacher, request).allowed
    assert policy.request_decision(front_door, request).allowed
    assert not policy.request_decision(outsider, request).allowed
    assert not policy.request_decision(family_worker, request).allowed
    with pytest.raises(NotFound):
        selectors.request_get(user=outsider, request_id=request.pk)
    assert AccessEvent.objects.filter(action="refused", actor=outsider).exists()
    # The front door sees the children of open requests, and only while they are open.
    assert policy.person_decision(front_door, child).allowed
    services.request_decide(actor=front_door, request=request, outcome="nfa", reasons="None.")
    assert not policy.person_decision(front_door, child).allowed


def test_the_front_door_queue_is_refused_to_others(teacher, outsider):
    for user in (teacher, outsider):
        with pytest.raises(NotFound):
            selectors.front_door_queue(user=user)


def test_timeliness_figures(teacher, child, school, front_door):
    decided = raise_request(teacher, child, red=True)
    services.request_decide(actor=front_door, request=decided, outcome="advice", reasons="Ok.")
    other = factories.person("Ivy", "Stone")
    factories.involvement(school, other)
    raise_request(teacher, other)
    today = timezone.localdate()
    figures = {
        f.rating: f
        for f in selectors.timeliness_figures(
            user=front_door, start=today - timedelta(days=7), end=today
        )
    }
    assert figures["red"].received == 1 and figures["red"].decided == 1
    assert figures["red"].within_percent == 100.0
    assert figures["amber"].received == 1 and figures["amber"].decided == 0
    with pytest.raises(ApplicationError) as error:
        selectors.timeliness_figures(user=front_door, start=today, end=today - timedelta(days=1))
    assert error.value.field == "end"


def test_an_overdue_request_shows_negative_time_left(teacher, child, front_door):
    request = raise_request(teacher, child, red=True)
    long_ago = timezone.now() - timedelta(days=10)
    from joinedup.frontdoor import timeliness

    RequestForSupport.objects.filter(pk=request.pk).update(
        received_at=long_ago, due_at=timeliness.due_at("red", long_ago)
    )
    [item] = selectors.front_door_queue(user=front_door)
    assert item.overdue and item.hours_left < 0


def test_timeliness_is_worked_out_from_the_dates_not_a_stored_flag(
    client, teacher, child, front_door
):
    request = raise_request(teacher, child)
    services.request_rate(
        actor=front_door, request=request, rating="green", reason="Needs a plan, not urgent."
    )
    services.request_decide(actor=front_door, request=request, outcome="advice", reasons="Ok.")
    request.refresh_from_db()
    # A wrong flag (as an import or an old demo might leave) does not change the figure.
    TriageDecision.objects.filter(request=request).update(
        decided_at=request.received_at + timedelta(minutes=30), within_timescale=False
    )
    today = timezone.localdate()
    green = {
        f.rating: f
        for f in selectors.timeliness_figures(
            user=front_door, start=today - timedelta(days=7), end=today
        )
    }["green"]
    assert green.decided == 1 and green.within == 1 and green.within_percent == 100.0
    client.force_login(front_door)
    page = client.get(reverse("frontdoor:timeliness")).content.decode()
    # Four bars of 40 px each: the chart is tall enough to show every rating.
    assert 'viewBox="0 0 640 170"' in page and 'height="170"' in page
