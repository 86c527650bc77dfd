"""The family's own pages: only their own episodes, plain words, their say stored and audited."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from joinedup.audit.models import AccessEvent
from joinedup.episodes import services as t
from joinedup.episodes.models import Action, ClosureFeedback, EpisodeStatus
from joinedup.errors import ApplicationError
from joinedup.family import selectors, services
from joinedup.family.models import ActionProgress, ConsentWithdrawalRequest, FamilyComment
from joinedup.partnership.models import Notification
from joinedup.sharing import policy
from joinedup.sharing import services as sharing
from tests.family.conftest import family_user, make_family

pytestmark = pytest.mark.django_db
CSRF = re.compile(r'(?:name="csrfmiddlewaretoken" value|nonce)="[^"]+"')


def pages(episode_id: int) -> list[str]:
    return [
        "/family/",
        f"/family/episodes/{episode_id}/",
        f"/family/episodes/{episode_id}/team/",
        f"/family/episodes/{episode_id}/meetings/",
        f"/family/episodes/{episode_id}/have-your-say/",
        "/family/consent/",
    ]


def test_every_family_page_answers_in_plain_words_with_one_h1(client, family, mother_user):
    client.force_login(mother_user)
    for url in pages(family.episode.pk):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert html.count("<h1") == 1, url
        # The family's own menu, not the practitioners'.
        assert "My people" not in html and "Front door" not in html, url
    plan = client.get(f"/family/episodes/{family.episode.pk}/").content.decode()
    assert "What we want to change" in plan and "Everyone feels safe at home" in plan
    assert "Register the children with the new GP" in plan and "Not started yet" in plan
    assert "Tell us how it is going" in plan
    meetings = client.get(f"/family/episodes/{family.episode.pk}/meetings/").content.decode()
    assert "We want to stay somewhere safe." in meetings
    assert "Meet again in four weeks" in meetings
    assert "PRACTITIONER-ONLY NOTE" not in meetings


def test_the_team_shows_work_contacts_and_the_lead(client, family, mother_user):
    client.force_login(mother_user)
    html = client.get(f"/family/episodes/{family.episode.pk}/team/").content.decode()
    assert family.lead.get_full_name() in html and "Lead professional" in html
    assert "01632 960111" in html and family.lead.email in html
    # The refuge adviser works with the mother herself: she sees them.
    assert family.adviser.get_full_name() in html


def test_a_family_member_sees_only_their_own_episodes(client, family, mother_user):
    other = make_family(surname="Okoro", refuge_address="3 Quay Street", refuge_postcode="DS8 1AB")
    client.force_login(mother_user)
    assert list(policy.family_episodes_visible_to(mother_user)) == [family.episode]
    for url in pages(other.episode.pk)[1:-1]:
        before = AccessEvent.objects.filter(actor=mother_user, action="refused").count()
        response = client.get(url)
        missing = client.get(url.replace(str(other.episode.pk), "999999"))
        assert response.status_code == 404 == missing.status_code
        assert CSRF.sub("", response.content.decode()) == CSRF.sub("", missing.content.decode())
        assert AccessEvent.objects.filter(actor=mother_user, action="refused").count() > before
    assert "Okoro" not in client.get("/family/").content.decode()
    api = client.get(f"/api/v1/family/episodes/{other.episode.pk}")
    assert api.status_code == 404 and api.json() == {"message": "Not found", "field": None}


def test_a_parent_with_parental_responsibility_sees_the_childs_episode(family, father_user):
    # The father is not one of the episode's persons nor in the team.
    assert not family.episode.persons.filter(pk=family.father.pk).exists()
    assert list(policy.family_episodes_visible_to(father_user)) == [family.episode]


def test_a_closed_episode_stays_visible_for_a_while_only(family, mother_user):
    t.episode_close(
        actor=family.lead, episode=family.episode, reason="outcomes_achieved", summary="Done."
    )
    assert policy.family_episodes_visible_to(mother_user).exists()
    long_ago = timezone.now() - timedelta(days=policy.FAMILY_CLOSED_EPISODE_DAYS + 1)
    type(family.episode).objects.filter(pk=family.episode.pk).update(closed_at=long_ago)
    assert not policy.family_episodes_visible_to(mother_user).exists()


def test_every_read_is_audited_as_the_familys_own_information(client, family, mother_user):
    client.force_login(mother_user)
    for url in pages(family.episode.pk):
        before = AccessEvent.objects.filter(actor=mother_user, action="view").count()
        client.get(url)
        assert AccessEvent.objects.filter(actor=mother_user, action="view").count() == before + 1
    event = AccessEvent.objects.filter(
        actor=mother_user, action="view", object_type="episodes.episode"
    ).first()
    assert event.lawful_basis == policy.BASIS_FAMILY_OWN.label
    assert family.mother.pk in event.person_ids and family.child.pk in event.person_ids
    assert event.organisation_id is None


def test_a_comment_is_stored_audited_and_the_lead_is_told(client, family, mother_user):
    client.force_login(mother_user)
    url = f"/family/episodes/{family.episode.pk}/have-your-say/"
    response = client.post(url, {"text": "The GP is too far away for us."})
    assert response.status_code == 302
    comment = FamilyComment.objects.get()
    assert comment.person == family.mother and comment.episode == family.episode
    assert AccessEvent.objects.filter(
        actor=mother_user, action="create", object_type="family.familycomment"
    ).exists()
    note = Notification.objects.filter(recipient=family.lead).order_by("-pk").first()
    assert "commented on the plan" in note.subject
    assert note.link == f"/episodes/{family.episode.pk}/family-voice/"
    assert "too far" in client.get(url).content.decode()
    # The team reads it on the episode's family-voice page.
    client.force_login(family.lead)
    voice = client.get(note.link).content.decode()
    assert "The GP is too far away for us." in voice and "Jodie Carter" in voice


def test_an_empty_comment_is_refused_naming_the_field_and_nothing_is_written(
    client, family, mother_user
):
    client.force_login(mother_user)
    before = AccessEvent.objects.count()
    notes = Notification.objects.count()
    response = client.post(f"/family/episodes/{family.episode.pk}/have-your-say/", {"text": "  "})
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html
    assert 'href="#id_text"' in html and "Write your comment on the plan" in html
    assert not FamilyComment.objects.exists() and Notification.objects.count() == notes
    # Only the page view itself was audited.
    assert not AccessEvent.objects.filter(object_type="family.familycomment").exists()
    assert AccessEvent.objects.count() == before + 1


def test_a_comment_cannot_go_to_another_familys_episode(family, mother_user):
    other = make_family(surname="Okoro", refuge_address="3 Quay Street", refuge_postcode="DS8 1AB")
    from joinedup.errors import NotFound

    with pytest.raises(NotFound):
        services.family_comment_add(actor=mother_user, episode_id=other.episode.pk, text="Hi")
    assert not FamilyComment.objects.exists()


def test_progress_on_their_own_action_is_stored_audited_and_told(client, family, mother_user):
    client.force_login(mother_user)
    url = f"/family/episodes/{family.episode.pk}/actions/{family.mother_action.pk}/"
    assert client.get(url).status_code == 200
    missing_text = client.post(url, {"how": "going", "text": ""})
    assert 'href="#id_text"' in missing_text.content.decode()
    assert not ActionProgress.objects.exists()
    done = client.post(url, {"how": "done", "text": "Registered on Monday."})
    assert done.status_code == 302
    progress = ActionProgress.objects.get()
    assert progress.done and progress.action == family.mother_action
    assert AccessEvent.objects.filter(
        actor=mother_user, action="create", object_type="family.actionprogress"
    ).exists()
    assert Notification.objects.filter(recipient=family.lead, subject__contains="updated").exists()
    plan = client.get(f"/family/episodes/{family.episode.pk}/").content.decode()
    assert "Registered on Monday." in plan
    # The team's plan is the team's: the lead updates the status from the family's report.
    assert Action.objects.get(pk=family.mother_action.pk).status == "not_started"


def test_progress_on_an_action_they_do_not_own_is_refused_naming_the_field(
    client, family, mother_user, father_user
):
    for user, action in (
        (mother_user, family.lead_action),
        (father_user, family.mother_action),  # the mother's action, not the father's
    ):
        with pytest.raises(ApplicationError) as error:
            services.action_progress_add(
                actor=user, episode_id=family.episode.pk, action_id=action.pk, done=True
            )
        assert error.value.field == "action"
    client.force_login(mother_user)
    page = client.get(f"/family/episodes/{family.episode.pk}/actions/{family.lead_action.pk}/")
    assert page.status_code == 404
    api = client.post(
        f"/api/v1/family/episodes/{family.episode.pk}/actions/{family.lead_action.pk}/progress",
        {"done": True},
        content_type="application/json",
    )
    assert api.status_code == 422 and api.json()["field"] == "action"
    assert not ActionProgress.objects.exists()
    assert not AccessEvent.objects.filter(object_type="family.actionprogress").exists()


def test_consent_in_plain_words_and_asking_to_withdraw(client, family, mother_user):
    record = sharing.consent_give(
        actor=family.lead,
        person=family.mother,
        given_by="self",
        organisations=[family.council],
        sectors=["health"],
        purposes=["planning"],
        method="verbal",
        evidence="Discussed at home visit, PRIVATE EVIDENCE",
        given_on=timezone.localdate() - timedelta(days=10),
    )
    client.force_login(mother_user)
    html = client.get("/family/consent/").content.decode()
    assert family.council.name in html and "health services" in html
    assert "To plan your support together" in html and "Until you say no" in html
    assert "PRIVATE EVIDENCE" not in html
    url = f"/family/consent/{record.pk}/withdraw/"
    assert client.post(url, {"note": "I want to talk about this"}).status_code == 302
    request = ConsentWithdrawalRequest.objects.get()
    assert request.consent_record == record and request.person == family.mother
    assert Notification.objects.filter(recipient=family.lead, subject__contains="withdraw").exists()
    assert "You asked to withdraw this" in client.get("/family/consent/").content.decode()
    # Asking twice is refused; nothing more is written.
    with pytest.raises(ApplicationError) as error:
        services.consent_withdrawal_ask(actor=mother_user, consent_id=record.pk)
    assert error.value.status == 409
    assert ConsentWithdrawalRequest.objects.count() == 1


def test_someone_elses_consent_record_is_refused(client, family, mother_user):
    record = sharing.consent_give(
        actor=family.lead,
        person=family.teen,
        given_by="young_person",
        organisations=[family.council],
        sectors=[],
        purposes=["planning"],
        method="verbal",
        given_on=timezone.localdate(),
    )
    client.force_login(mother_user)
    assert client.get(f"/family/consent/{record.pk}/withdraw/").status_code == 404
    assert client.post(f"/family/consent/{record.pk}/withdraw/").status_code == 404
    assert not ConsentWithdrawalRequest.objects.exists()
    assert AccessEvent.objects.filter(
        actor=mother_user, action="refused", object_type="sharing.consentrecord"
    ).exists()


def test_feedback_at_closure_goes_through_casework(client, family, mother_user):
    url = f"/family/episodes/{family.episode.pk}/feedback/"
    client.force_login(mother_user)
    assert client.get(url).status_code == 404  # still open
    t.episode_close(
        actor=family.lead, episode=family.episode, reason="outcomes_achieved", summary="Done."
    )
    assert family.episode.__class__.objects.get(pk=family.episode.pk).status == (
        EpisodeStatus.CLOSED
    )
    say = client.get(f"/family/episodes/{family.episode.pk}/have-your-say/").content.decode()
    assert "Tell us how it went" in say
    refused = client.post(url, {"what_helped": "x"})
    assert 'href="#id_rating_0"' in refused.content.decode() or "There is a problem" in (
        refused.content.decode()
    )
    assert not ClosureFeedback.objects.exists()
    sent = client.post(url, {"rating": "4", "what_helped": "Someone listened."})
    assert sent.status_code == 302
    feedback = ClosureFeedback.objects.get()
    assert feedback.given_by == family.mother and feedback.how == "online"
    assert feedback.recorded_by is None and feedback.rating == 4
    assert client.get(url).status_code == 404  # once


def test_query_counts_stay_flat_as_the_plan_grows(
    client, family, mother_user, django_assert_max_num_queries
):
    client.force_login(mother_user)
    url = f"/family/episodes/{family.episode.pk}/"
    client.get(url)
    member = family.mother_member
    for n in range(8):
        t.action_add(
            actor=family.lead,
            episode=family.episode,
            owner=member,
            text=f"More to do {n}",
            due_on=timezone.localdate() + timedelta(days=n),
        )
    with django_assert_max_num_queries(40):
        assert client.get(url).status_code == 200


def test_a_young_person_has_their_own_account(family):
    teen = family_user(family, family.teen, "tyler@example.net")
    view = selectors.home(user=teen)
    assert view.name == "Tyler Carter" and [c.episode for c in view.episodes] == [family.episode]
