"""Who leads changes only with the new lead's agreement; escalation reaches real managers;
a second opinion comes from someone other than the decider; My work shows my families and,
for a manager, the team's caseloads."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from joinedup.audit.models import AccessEvent
from joinedup.episodes import selectors
from joinedup.episodes import services as t
from joinedup.episodes.models import Disagreement, Episode, EpisodeStatus, LeadProposal
from joinedup.errors import ApplicationError, NotFound
from joinedup.frontdoor import services as frontdoor
from joinedup.partnership.models import Notification, Role
from tests import factories
from tests.conftest import raise_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def health_visitor(db):
    return factories.practitioner(
        factories.organisation("Health Visiting", sector="health"), profession="health_visitor"
    )


@pytest.fixture
def social_worker(db):
    return factories.practitioner(
        factories.organisation("Children's Social Care", sector="statutory"),
        profession="social_worker",
    )


@pytest.fixture
def episode(teacher, child, health_visitor):
    episode = frontdoor.episode_open_practitioner_led(actor=teacher, persons=[child])
    t.member_add(actor=teacher, episode=episode, practitioner=health_visitor, role="Health visitor")
    return episode


def _hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', html
    )
    assert match, f"no hidden field {name}"
    return match.group(1)


def test_a_handover_waits_for_the_new_lead_to_accept(episode, teacher, health_visitor):
    proposal = t.lead_professional_hand_over(
        actor=teacher, episode=episode, to=health_visitor, reason="She sees the family weekly."
    )
    episode.refresh_from_db()
    assert proposal.status == LeadProposal.Status.WAITING
    assert episode.lead_professional == teacher
    assert Notification.objects.filter(recipient=health_visitor, subject__contains="lead").exists()
    assert selectors.my_work(user=health_visitor).lead_proposals == [proposal]
    t.lead_proposal_accept(actor=health_visitor, proposal=proposal)
    episode.refresh_from_db()
    assert episode.lead_professional == health_visitor
    assert LeadProposal.objects.get().status == LeadProposal.Status.ACCEPTED


def test_the_new_lead_may_decline_with_a_reason_and_the_asker_is_told(
    episode, teacher, health_visitor
):
    proposal = t.lead_professional_hand_over(
        actor=teacher, episode=episode, to=health_visitor, reason="Agreed at the meeting."
    )
    with pytest.raises(ApplicationError) as error:
        t.lead_proposal_decline(actor=health_visitor, proposal=proposal, reason="  ")
    assert error.value.field == "reason"
    t.lead_proposal_decline(actor=health_visitor, proposal=proposal, reason="Caseload is full.")
    episode.refresh_from_db()
    assert episode.lead_professional == teacher
    assert Notification.objects.filter(
        recipient=teacher, body__contains="Caseload is full"
    ).exists()
    with pytest.raises(ApplicationError) as error:
        t.lead_proposal_accept(actor=health_visitor, proposal=proposal)
    assert error.value.status == 409


def test_only_the_practitioner_asked_may_answer(episode, teacher, health_visitor, outsider):
    proposal = t.lead_professional_hand_over(
        actor=teacher, episode=episode, to=health_visitor, reason="Agreed."
    )
    for someone in (teacher, outsider):
        with pytest.raises(NotFound):
            t.lead_proposal_accept(actor=someone, proposal=proposal)
        with pytest.raises(NotFound):
            selectors.lead_proposal_get(
                user=someone, episode_id=episode.pk, proposal_id=proposal.pk
            )
    assert Episode.objects.get(pk=episode.pk).lead_professional == teacher


def test_only_roles_that_lead_can_be_proposed(episode, teacher, school):
    dpo = factories.practitioner(
        school, profession="data_protection_officer", roles=(Role.Code.DATA_PROTECTION_OFFICER,)
    )
    t.member_add(actor=teacher, episode=episode, practitioner=dpo, role="Advice")
    assert dpo not in selectors.lead_candidates(episode, LeadProposal.Kind.HANDOVER)
    with pytest.raises(ApplicationError) as error:
        t.lead_professional_hand_over(actor=teacher, episode=episode, to=dpo, reason="x")
    assert error.value.field == "to" and "role" in error.value.message
    assert not LeadProposal.objects.exists()


def test_step_up_names_a_social_worker_who_accepts(episode, teacher, health_visitor, social_worker):
    with pytest.raises(ApplicationError) as error:
        t.episode_step_up(actor=teacher, episode=episode, to=health_visitor, reason="s47")
    assert error.value.field == "to"
    candidates = selectors.lead_candidates(episode, LeadProposal.Kind.STEP_UP)
    assert list(candidates) == [social_worker]
    proposal = t.episode_step_up(actor=teacher, episode=episode, to=social_worker, reason="s47")
    assert Episode.objects.get(pk=episode.pk).status == EpisodeStatus.OPEN
    t.lead_proposal_accept(actor=social_worker, proposal=proposal)
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.STEPPED_UP and episode.lead_professional == social_worker


def test_step_down_keeping_the_social_worker_takes_effect_at_once(episode, teacher, social_worker):
    up = t.episode_step_up(actor=teacher, episode=episode, to=social_worker, reason="s47")
    t.lead_proposal_accept(actor=social_worker, proposal=up)
    down = t.episode_step_down(
        actor=social_worker, episode=episode, to=social_worker, reason="No significant harm."
    )
    episode.refresh_from_db()
    assert down.status == LeadProposal.Status.ACCEPTED
    assert episode.status == EpisodeStatus.STEPPED_DOWN


def test_the_proposal_page_is_answered_in_the_browser_form(
    client, episode, teacher, health_visitor, outsider
):
    client.force_login(teacher)
    page = client.get(reverse("episodes:hand-over", args=[episode.pk])).content.decode()
    version = _hidden(page, "expected_version")
    assert version == str(episode.version), "the version is in the form"
    response = client.post(
        reverse("episodes:hand-over", args=[episode.pk]),
        {"to": health_visitor.pk, "reason": "Agreed at the meeting", "expected_version": version},
    )
    assert response.status_code == 302
    proposal = LeadProposal.objects.get()
    url = reverse("episodes:lead-proposal", args=[episode.pk, proposal.pk])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(health_visitor)
    page = client.get(url).content.decode()
    assert "You are asked to lead" in page and "Agreed at the meeting" in page
    response = client.post(url, {"answer": "decline", "reason": ""})
    assert "Why you cannot take the lead" in response.content.decode()
    assert LeadProposal.objects.get().status == LeadProposal.Status.WAITING
    response = client.post(url, {"answer": "accept"})
    assert response.status_code == 302
    assert Episode.objects.get(pk=episode.pk).lead_professional == health_visitor
    assert AccessEvent.objects.filter(
        actor=health_visitor, object_type="episodes.leadproposal", action="view"
    ).exists()


def test_the_api_proposes_and_the_proposed_lead_accepts(
    client, episode, teacher, health_visitor, outsider
):
    client.force_login(teacher)
    response = client.post(
        f"/api/v1/episodes/{episode.pk}/lead",
        {"to_practitioner_id": health_visitor.pk, "reason": "Agreed", "expected_version": 0},
        content_type="application/json",
    )
    assert response.status_code == 409
    response = client.post(
        f"/api/v1/episodes/{episode.pk}/lead",
        {
            "to_practitioner_id": health_visitor.pk,
            "reason": "Agreed",
            "expected_version": episode.version,
        },
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "waiting"
    pid = response.json()["id"]
    accept = f"/api/v1/episodes/{episode.pk}/lead-proposals/{pid}/accept"
    client.force_login(outsider)
    assert client.post(accept).status_code == 404
    client.force_login(health_visitor)
    response = client.post(accept)
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    assert Episode.objects.get(pk=episode.pk).lead_professional == health_visitor


def test_escalation_to_level_2_tells_the_line_managers(
    episode, teacher, health_visitor, school, django_capture_on_commit_callbacks
):
    head = factories.practitioner(school, profession="manager")
    teacher.line_manager = head
    teacher.save()
    hv_manager = factories.practitioner(health_visitor.organisation, profession="manager")
    team = factories.team(health_visitor.organisation, "Health visiting north")
    team.manager = hv_manager
    team.save()
    health_visitor.team = team
    health_visitor.save()
    decision = t.decision_record(
        actor=teacher, episode=episode, text="No referral to CAMHS", reasons="Waiting list"
    )
    disagreement = t.disagreement_raise(
        actor=health_visitor, decision=decision, text="Sleep has worsened; refer now."
    )
    with django_capture_on_commit_callbacks(execute=True):
        t.disagreement_escalate(
            actor=health_visitor, disagreement=disagreement, note="No agreement"
        )
    disagreement = Disagreement.objects.get()
    assert set(disagreement.managers_told.all()) == {head, hv_manager}
    assert "told: " in disagreement.steps.last().note and head.get_full_name() in (
        disagreement.steps.last().note
    )
    for manager in (head, hv_manager):
        [told] = Notification.objects.filter(recipient=manager, subject__contains="escalated")
        # What was said (it may name the child) stays in joinedup, out of the email.
        assert "Sleep has worsened" not in told.body
        assert selectors.my_work(user=manager).escalated_to_me == [disagreement]
    emailed = [m for m in mail.outbox if "escalated to you" in m.subject]
    assert {m.to[0] for m in emailed} == {head.email, hv_manager.email}
    assert not any("Sleep has worsened" in m.body for m in emailed)


def test_escalation_with_no_manager_says_so(episode, teacher, health_visitor):
    decision = t.decision_record(actor=teacher, episode=episode, text="x", reasons="y")
    d = t.disagreement_raise(actor=health_visitor, decision=decision, text="No")
    t.disagreement_escalate(actor=health_visitor, disagreement=d, note="Stuck")
    assert "No line manager is recorded" in Disagreement.objects.get().steps.last().note


def test_a_second_opinion_comes_from_someone_other_than_the_decider(
    teacher, child, front_door, family_worker
):
    from joinedup.frontdoor.models import RequestForSupport

    request = raise_request(teacher, child)
    RequestForSupport.objects.filter(pk=request.pk).update(assigned_to=front_door)
    request.refresh_from_db()
    with pytest.raises(ApplicationError) as error:
        frontdoor.request_second_opinion(actor=front_door, request=request, opinion="Agree")
    assert error.value.field == "opinion"


def test_my_work_lists_my_families_and_a_managers_caseloads(
    episode, teacher, health_visitor, school, child
):
    head = factories.practitioner(school, profession="manager")
    teacher.line_manager = head
    teacher.save()
    work = selectors.my_work(user=health_visitor)
    assert [e.pk for e in work.my_families] == [episode.pk]
    [caseload] = selectors.my_work(user=head).team_caseloads
    assert caseload.practitioner == teacher and caseload.leading == 1
    assert selectors.my_work(user=teacher).team_caseloads == []


def test_my_work_page_names_the_family(client, episode, teacher, child):
    client.force_login(teacher)
    page = client.get(reverse("episodes:my-work")).content.decode()
    assert "My families" in page and child.full_name in page


def _action(episode, teacher, health_visitor):
    owner = episode.members.get(practitioner=health_visitor)
    return t.action_add(
        actor=teacher,
        episode=episode,
        owner=owner,
        text="Sleep plan with the family",
        due_on=timezone.localdate() + timedelta(days=14),
    )


def test_the_conflict_screen_shows_theirs_and_the_saved_version(
    client, episode, teacher, health_visitor
):
    action = _action(episode, teacher, health_visitor)
    url = reverse("episodes:action-update", args=[episode.pk, action.pk])
    client.force_login(health_visitor)
    stale = _hidden(client.get(url).content.decode(), "expected_version")
    t.action_update(
        actor=teacher,
        action=action,
        status="done",
        note="Finished at the review",
        expected_version=int(stale),
    )
    page = client.post(
        url, {"status": "in_progress", "note": "Started bedtime routine", "expected_version": stale}
    ).content.decode()
    assert "Someone else saved this action first" in page
    assert "Started bedtime routine" in page and "Finished at the review" in page
    assert "In progress" in page and "Done" in page
    fresh = _hidden(page, "expected_version")
    assert fresh != stale
    response = client.post(
        url, {"status": "in_progress", "note": "Started bedtime routine", "expected_version": fresh}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "in_progress"


def test_an_api_change_without_the_version_is_refused(client, episode, teacher, health_visitor):
    action = _action(episode, teacher, health_visitor)
    client.force_login(teacher)
    response = client.patch(
        f"/api/v1/episodes/{episode.pk}/actions/{action.pk}",
        {"status": "done"},
        content_type="application/json",
    )
    assert response.status_code == 422 and "expected_version" in str(response.json())
    action.refresh_from_db()
    assert action.status == "not_started"
