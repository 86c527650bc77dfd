from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from joinedup.audit.models import AccessEvent
from joinedup.episodes import selectors
from joinedup.episodes import services as t
from joinedup.episodes.models import (
    Action,
    Disagreement,
    Episode,
    EpisodeStatus,
    LeadHandover,
    Meeting,
    TeamMember,
)
from joinedup.errors import ApplicationError, NotFound
from joinedup.frontdoor import services
from joinedup.partnership.models import Notification
from joinedup.sharing import policy
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def health_visitor(db):
    return factories.practitioner(
        factories.organisation("Health Visiting", sector="health"), profession="health_visitor"
    )


@pytest.fixture
def episode(teacher, child):
    return services.episode_open_practitioner_led(actor=teacher, persons=[child])


@pytest.fixture
def hv_member(episode, teacher, health_visitor):
    return t.member_add(
        actor=teacher, episode=episode, practitioner=health_visitor, role="Health visitor"
    )


def test_the_lead_is_a_member_and_members_see_the_episode(
    episode, teacher, hv_member, health_visitor, outsider
):
    assert TeamMember.objects.filter(episode=episode, practitioner=teacher).exists()
    assert policy.episodes_visible_to(health_visitor).filter(pk=episode.pk).exists()
    assert not policy.episodes_visible_to(outsider).exists()
    with pytest.raises(NotFound):
        selectors.episode_get(user=outsider, episode_id=episode.pk)
    assert AccessEvent.objects.filter(actor=outsider, action="refused").exists()


def test_exactly_one_lead_and_the_handover_is_recorded(episode, teacher, hv_member, health_visitor):
    proposal = t.lead_professional_hand_over(
        actor=teacher,
        episode=episode,
        to=health_visitor,
        reason="Agreed at the first meeting.",
        family_preference="Mum prefers the health visitor.",
    )
    episode.refresh_from_db()
    assert episode.lead_professional == teacher  # nothing changes until they accept
    t.lead_proposal_accept(actor=health_visitor, proposal=proposal)
    episode.refresh_from_db()
    assert episode.lead_professional == health_visitor
    handover = LeadHandover.objects.latest("at")
    assert handover.from_practitioner == teacher and "Mum" in handover.family_preference
    with pytest.raises(ApplicationError) as error:
        t.lead_professional_hand_over(
            actor=teacher, episode=episode, to=health_visitor, reason="Again"
        )
    assert error.value.field == "to"


def test_a_stale_handover_is_refused(episode, teacher, hv_member, health_visitor):
    version = episode.version
    proposal = t.lead_professional_hand_over(
        actor=teacher, episode=episode, to=health_visitor, reason="a"
    )
    t.lead_proposal_accept(actor=health_visitor, proposal=proposal)
    with pytest.raises(ApplicationError) as error:
        t.lead_professional_hand_over(
            actor=health_visitor, episode=episode, to=teacher, reason="b", expected_version=version
        )
    assert error.value.status == 409


def test_action_owner_must_be_in_the_team(episode, teacher, outsider):
    # Someone who has left the team can no longer own actions.
    other_episode_member = TeamMember.objects.create(
        episode=episode, practitioner=outsider, role="x", left_at=timezone.now()
    )
    with pytest.raises(ApplicationError) as error:
        t.action_add(
            actor=teacher,
            episode=episode,
            owner=other_episode_member,
            text="Visit",
            due_on=timezone.localdate() + timedelta(days=7),
        )
    assert error.value.field == "owner"
    assert not Action.objects.exists()


def test_action_due_before_the_plan_is_refused(episode, teacher):
    owner = TeamMember.objects.get(episode=episode, practitioner=teacher)
    with pytest.raises(ApplicationError) as error:
        t.action_add(
            actor=teacher,
            episode=episode,
            owner=owner,
            text="Visit",
            due_on=timezone.localdate() - timedelta(days=30),
        )
    assert error.value.field == "due_on"


def test_two_people_editing_an_action_the_second_is_refused(
    episode, teacher, hv_member, health_visitor
):
    action = t.action_add(
        actor=teacher,
        episode=episode,
        owner=hv_member,
        text="Home visit",
        due_on=timezone.localdate() + timedelta(days=7),
    )
    version = action.version
    t.action_update(
        actor=health_visitor,
        action=action,
        status="in_progress",
        note="Booked for Tuesday.",
        expected_version=version,
    )
    with pytest.raises(ApplicationError) as error:
        t.action_update(actor=teacher, action=action, status="done", expected_version=version)
    assert error.value.status == 409
    action.refresh_from_db()
    assert action.status == "in_progress" and action.notes.get().text == "Booked for Tuesday."


def test_not_done_needs_a_reason(episode, teacher):
    owner = TeamMember.objects.get(episode=episode, practitioner=teacher)
    action = t.action_add(
        actor=teacher, episode=episode, owner=owner, text="Call", due_on=timezone.localdate()
    )
    with pytest.raises(ApplicationError) as error:
        t.action_update(actor=teacher, action=action, status="not_done")
    assert error.value.field == "not_done_reason"


def test_a_meeting_records_attendance_judgements_and_a_plan_version(episode, teacher, hv_member):
    outcome = t.outcome_add(actor=teacher, episode=episode, text="Maya sleeps well")
    lead = TeamMember.objects.get(episode=episode, practitioner=teacher)
    t.action_add(
        actor=teacher,
        episode=episode,
        owner=hv_member,
        text="Sleep advice",
        due_on=timezone.localdate() + timedelta(days=14),
        outcome=outcome,
    )
    meeting = t.meeting_record(
        actor=teacher,
        episode=episode,
        kind="review",
        held_on=timezone.localdate(),
        attendance={lead.pk: "attended", hv_member.pk: "apologies"},
        family_attended=True,
        family_said="Things are a bit better.",
        judgements={outcome.pk: "better"},
        decisions=[("Carry on with the plan", "Progress is good")],
    )
    assert meeting.next_review_on == timezone.localdate() + timedelta(weeks=6)
    assert meeting.plan_version.number == 1
    assert meeting.attendance.count() == 2 and meeting.decisions.count() == 1
    second = t.meeting_record(
        actor=teacher, episode=episode, kind="review", held_on=timezone.localdate(), attendance={}
    )
    assert second.plan_version.number == 2
    diff = t.plan_diff(meeting.plan_version, second.plan_version)
    assert all(kind == "same" for kind, _ in diff)


def test_attendance_for_a_non_member_is_refused(episode, teacher, outsider):
    stranger = factories.practitioner(outsider.organisation)
    other = services.episode_open_practitioner_led(actor=stranger, persons=[_child_of(stranger)])
    foreign = TeamMember.objects.get(episode=other, practitioner=stranger)
    with pytest.raises(ApplicationError) as error:
        t.meeting_record(
            actor=teacher,
            episode=episode,
            kind="team",
            held_on=timezone.localdate(),
            attendance={foreign.pk: "attended"},
        )
    assert error.value.field == "attendance"
    assert not Meeting.objects.filter(episode=episode).exists()


def _child_of(practitioner):
    child = factories.person("Other", "Child")
    factories.involvement(practitioner.organisation, child)
    return child


def test_disagreement_escalates_with_timescales_and_the_team_is_told(
    episode, teacher, hv_member, health_visitor
):
    decision = t.decision_record(
        actor=teacher, episode=episode, text="Close after review", reasons="Needs met"
    )
    Notification.objects.all().delete()
    d = t.disagreement_raise(
        actor=health_visitor, decision=decision, text="Sleep is still a problem."
    )
    assert d.level == 1 and d.level_due_at > timezone.now()
    assert Notification.objects.filter(recipient=teacher).exists()
    first_due = d.level_due_at
    d = t.disagreement_escalate(actor=health_visitor, disagreement=d, note="No agreement.")
    d = t.disagreement_escalate(actor=health_visitor, disagreement=d, note="Managers split.")
    assert d.level == 3 and d.level_due_at > first_due
    with pytest.raises(ApplicationError):
        t.disagreement_escalate(actor=health_visitor, disagreement=d, note="More")
    d = t.disagreement_resolve(
        actor=teacher, disagreement=d, resolution="Keep open 6 weeks.", upheld=True
    )
    assert d.status == Disagreement.Status.RESOLVED and d.steps.count() == 4


def test_only_members_may_disagree(episode, teacher, outsider):
    decision = t.decision_record(actor=teacher, episode=episode, text="x", reasons="y")
    with pytest.raises(NotFound):
        t.disagreement_raise(actor=outsider, decision=decision, text="No")


def test_critical_incident_tells_everyone_and_the_lead_acknowledges(
    episode, teacher, hv_member, health_visitor, django_capture_on_commit_callbacks
):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        incident = t.incident_record(
            actor=health_visitor,
            episode=episode,
            kind="missing",
            occurred_at=timezone.now(),
            description="Not home.",
        )
    assert {teacher.email, health_visitor.email} <= {m.to[0] for m in mail.outbox}
    with pytest.raises(ApplicationError):
        t.incident_acknowledge(actor=health_visitor, incident=incident)
    t.incident_acknowledge(actor=teacher, incident=incident)
    with pytest.raises(ApplicationError) as error:
        t.incident_acknowledge(actor=teacher, incident=incident)
    assert error.value.status == 409


def test_step_up_step_down_and_close_keep_one_history(episode, teacher, health_visitor):
    social_worker = factories.practitioner(
        factories.organisation("CSC", sector="statutory"), profession="social_worker"
    )
    proposal = t.episode_step_up(
        actor=teacher, episode=episode, to=social_worker, reason="Section 47 threshold met."
    )
    t.lead_proposal_accept(actor=social_worker, proposal=proposal)
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.STEPPED_UP and episode.lead_professional == social_worker
    proposal = t.episode_step_down(
        actor=social_worker, episode=episode, to=teacher, reason="Risk reduced."
    )
    t.lead_proposal_accept(actor=teacher, proposal=proposal)
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.STEPPED_DOWN
    closure = t.episode_close(
        actor=teacher, episode=episode, reason="outcomes_achieved", summary="Routines in place."
    )
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.CLOSED and closure.family_feedback_requested
    assert list(episode.status_history.values_list("status", flat=True)) == [
        "open",
        "stepped_up",
        "stepped_down",
        "closed",
    ]
    with pytest.raises(ApplicationError):
        t.decision_record(actor=teacher, episode=episode, text="x", reasons="y")


def test_my_work_lists_what_is_waiting(episode, teacher, hv_member, health_visitor):
    t.action_add(
        actor=teacher,
        episode=episode,
        owner=hv_member,
        text="Overdue visit",
        due_on=timezone.localtime(episode.opened_at).date(),
    )
    Action.objects.update(due_on=timezone.localdate() - timedelta(days=2))
    t.action_add(
        actor=teacher,
        episode=episode,
        owner=hv_member,
        text="Soon",
        due_on=timezone.localdate() + timedelta(days=3),
    )
    t.incident_record(
        actor=health_visitor,
        episode=episode,
        kind="hospital",
        occurred_at=timezone.now(),
        description="A&E",
    )
    work = selectors.my_work(user=health_visitor)
    assert [a.text for a in work.actions_overdue] == ["Overdue visit"]
    assert [a.text for a in work.actions_due] == ["Soon"]
    assert selectors.my_work(user=teacher).incidents_to_acknowledge


def test_episode_pages_for_the_team_and_refused_to_others(
    client, episode, teacher, outsider, hv_member
):
    client.force_login(teacher)
    html = client.get(reverse("episodes:episode", args=[episode.pk])).content.decode()
    assert "The team" in html and "Health visitor" in html
    for name in (
        "member-add",
        "hand-over",
        "outcome-add",
        "action-add",
        "meeting-add",
        "decision-add",
        "incident-add",
        "step-up",
        "close",
    ):
        assert client.get(reverse(f"episodes:{name}", args=[episode.pk])).status_code == 200, name
    assert client.get(reverse("episodes:my-work")).status_code == 200
    client.force_login(outsider)
    for name in (
        "episode",
        "member-add",
        "action-add",
        "meeting-add",
        "incident-add",
        "plan-versions",
    ):
        assert client.get(reverse(f"episodes:{name}", args=[episode.pk])).status_code == 404
    response = client.post(
        reverse("episodes:decision-add", args=[episode.pk]), {"text": "Sneaky", "reasons": "x"}
    )
    assert response.status_code == 404
    assert not episode.decisions.exists()


def test_the_action_form_names_the_field_at_fault(client, episode, teacher):
    client.force_login(teacher)
    owner = TeamMember.objects.get(episode=episode, practitioner=teacher)
    past = timezone.localdate() - timedelta(days=40)
    html = client.post(
        reverse("episodes:action-add", args=[episode.pk]),
        {
            "text": "Visit",
            "owner": owner.pk,
            "due_on_0": past.day,
            "due_on_1": past.month,
            "due_on_2": past.year,
        },
    ).content.decode()
    assert "There is a problem" in html and "before the plan started" in html
    assert not Action.objects.exists()


def test_episode_page_query_count_is_flat(
    client, episode, teacher, hv_member, django_assert_max_num_queries
):
    client.force_login(teacher)

    def add(i: int) -> None:
        t.action_add(
            actor=teacher,
            episode=episode,
            owner=hv_member,
            text=f"A{i}",
            due_on=timezone.localdate() + timedelta(days=i),
        )
        t.decision_record(actor=teacher, episode=episode, text=f"D{i}", reasons="r")

    add(99)  # one of each, so every prefetch runs in the baseline too
    with django_assert_max_num_queries(60) as few:
        client.get(reverse("episodes:episode", args=[episode.pk]))
    for i in range(6):
        add(i)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("episodes:episode", args=[episode.pk]))
    assert Episode.objects.count() == 1


def test_a_practitioner_starts_a_team_from_the_person_page(client, teacher, child, outsider):
    url = reverse("episodes:episode-start", args=[child.pk])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(teacher)
    page = client.get(url).content.decode()
    assert "Start a team around the family" in page and child.given_name in page
    bad = client.post(url, {"reason": "Worried"}).content.decode()
    assert "There is a problem" in bad and "Choose at least one child" in bad
    response = client.post(url, {"persons": [str(child.pk)], "reason": "Attendance falling"})
    episode = Episode.objects.get()
    assert response.url == reverse("episodes:episode", args=[episode.pk])
    assert episode.origin == "practitioner_led" and episode.lead_professional == teacher


def test_start_a_team_through_the_api(client, teacher, child, outsider):
    import json

    body = json.dumps({"person_ids": [child.pk], "reason": "x"})
    client.force_login(outsider)
    refused = client.post("/api/v1/episodes", body, content_type="application/json")
    assert refused.status_code == 422 and refused.json()["field"] == "person_ids"
    client.force_login(teacher)
    made = client.post("/api/v1/episodes", body, content_type="application/json")
    assert made.status_code == 201
    again = client.post("/api/v1/episodes", body, content_type="application/json")
    assert again.status_code == 409
