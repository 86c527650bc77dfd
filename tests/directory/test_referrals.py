"""Closed-loop referrals: sent with the family's agreement and a lawful basis, followed to the
end, seen by the referrer, the lead and team, the receiving organisation and the family, and by
nobody else."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from joinedup.audit.models import AccessEvent
from joinedup.directory import services
from joinedup.directory.models import Referral, ReferralLink
from joinedup.episodes import services as t
from joinedup.errors import ApplicationError, NotFound
from tests import factories
from tests.directory.conftest import give_referral_consent
from tests.family.conftest import family_user, make_family

pytestmark = pytest.mark.django_db


def send(actor, episode, person, service, **extra):
    values = {
        "asked": "A place at the Monday session and someone to talk to.",
        "urgency": "routine",
        "family_agreed": True,
        "shared": ["name", "reason"],
    }
    return services.referral_send(
        actor=actor, service=service, episode=episode, person=person, **(values | extra)
    )


def hidden(page: str) -> dict[str, str]:
    return dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', page)) | {
        name: value
        for value, name in re.findall(r'type="hidden" value="([^"]*)" name="([^"]+)"', page)
    }


# --- Sending ----------------------------------------------------------------------------------


def test_a_referral_to_a_group_without_an_account_emails_a_link(
    teacher, child, episode, directory, consented, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        referral = send(teacher, episode, child, directory.club)
    assert referral.status == "sent" and referral.lawful_basis.startswith("consent record")
    assert ReferralLink.objects.get(referral=referral).stage == "sent"
    (message,) = mail.outbox
    assert message.to == ["coach@boxing.example"] and "/referral-link/" in message.body
    assert child.full_name not in message.body  # the email itself names nobody
    event = AccessEvent.objects.get(object_type="directory.referral", action="create")
    assert list(event.person_ids) == [child.pk] and event.purpose == "referral"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"family_agreed": False}, "family_agreed"),
        ({"shared": []}, "shared"),
        ({"shared": ["everything"]}, "shared"),
        ({"shared": ["contact"], "contact": ""}, "contact"),
        ({"asked": "  "}, "asked"),
        ({"urgency": "yesterday"}, "urgency"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    teacher, child, episode, directory, consented, change, field
):
    with pytest.raises(ApplicationError) as error:
        send(teacher, episode, child, directory.club, **change)
    assert error.value.field == field
    assert not Referral.objects.exists() and not mail.outbox


def test_without_consent_or_agreement_nothing_is_sent(teacher, child, episode, directory):
    with pytest.raises(ApplicationError) as error:
        send(teacher, episode, child, directory.club)
    assert error.value.field == "consent"
    # Consent naming other sectors does not cover a community group.
    give_referral_consent(teacher, child, sectors=["health"])
    with pytest.raises(ApplicationError):
        send(teacher, episode, child, directory.club)
    assert send(teacher, episode, child, directory.clinic).lawful_basis  # health: covered
    assert Referral.objects.count() == 1


def test_a_service_that_does_not_take_referrals_cannot_be_chosen(
    teacher, child, episode, directory, consented
):
    with pytest.raises(ApplicationError) as error:
        send(teacher, episode, child, directory.pantry)
    assert error.value.field == "service"


def test_an_unrelated_organisation_is_refused_every_referral(
    outsider, teacher, child, episode, directory, consented
):
    with pytest.raises(NotFound):
        send(outsider, episode, child, directory.club)
    referral = send(teacher, episode, child, directory.club)
    with pytest.raises(NotFound):
        services.referral_update(
            actor=outsider, referral=referral, status="not_taken_up", reason="x"
        )
    referral.refresh_from_db()
    assert referral.status == "sent"


# --- Following it -----------------------------------------------------------------------------


def test_a_partner_answers_in_joinedup_and_the_loop_closes(
    teacher, child, episode, directory, consented
):
    referral = send(teacher, episode, child, directory.clinic)
    assert not ReferralLink.objects.exists()  # a partner answers in joinedup, not by link
    receiver = directory.health_worker
    with pytest.raises(ApplicationError) as error:
        services.referral_update(actor=teacher, referral=referral, status="accepted")
    assert error.value.field == "status"
    referral = services.referral_update(actor=receiver, referral=referral, status="accepted")
    assert referral.first_contact_at is not None
    with pytest.raises(ApplicationError) as error:
        services.referral_update(actor=receiver, referral=referral, status="completed")
    assert error.value.status == 409
    referral = services.referral_update(actor=receiver, referral=referral, status="started")
    with pytest.raises(ApplicationError) as error:
        services.referral_update(actor=receiver, referral=referral, status="completed")
    assert error.value.field == "what_changed"
    referral = services.referral_update(
        actor=receiver, referral=referral, status="completed", what_changed="Sleeps through."
    )
    assert referral.status == "completed" and referral.closed_at is not None
    assert [e.status for e in referral.events.all()] == ["sent", "accepted", "started", "completed"]
    assert teacher.notifications.filter(subject__contains="completed").exists()


def test_declined_needs_a_reason_and_stale_versions_are_refused(
    teacher, child, episode, directory, consented
):
    referral = send(teacher, episode, child, directory.clinic)
    receiver = directory.health_worker
    with pytest.raises(ApplicationError) as error:
        services.referral_update(actor=receiver, referral=referral, status="declined")
    assert error.value.field == "reason"
    services.referral_update(
        actor=receiver, referral=referral, status="declined", reason="Full", expected_version=1
    )
    with pytest.raises(ApplicationError) as error:
        services.referral_update(
            actor=teacher, referral=referral, status="not_taken_up", reason="x", expected_version=1
        )
    assert error.value.status == 409


def test_the_referrer_records_that_the_family_did_not_take_it_up(
    teacher, child, episode, directory, consented
):
    referral = send(teacher, episode, child, directory.club)
    referral = services.referral_update(
        actor=teacher, referral=referral, status="not_taken_up", reason="Too far to travel."
    )
    assert referral.status == "not_taken_up"
    # The emailed link stops working once the referral has moved on.
    assert ReferralLink.objects.get(referral=referral).expires_at <= referral.closed_at


# --- Who sees it ------------------------------------------------------------------------------


def test_pages_show_it_to_referrer_team_and_receiver_only(
    client, teacher, child, episode, directory, consented, outsider
):
    colleague = factories.practitioner(factories.organisation())
    t.member_add(actor=teacher, episode=episode, practitioner=colleague, role="Mentor")
    referral = send(teacher, episode, child, directory.clinic)
    for user in (teacher, colleague, directory.health_worker):
        client.force_login(user)
        page = client.get(f"/referrals/{referral.pk}/").content.decode()
        assert "Sleep clinic" in page and child.full_name in page
    client.force_login(outsider)
    assert client.get(f"/referrals/{referral.pk}/").status_code == 404
    assert client.get(f"/referrals/{referral.pk + 999}/").status_code == 404
    assert (
        client.post(f"/referrals/{referral.pk}/update/", {"status": "accepted"}).status_code == 404
    )
    assert (
        client.get(f"/episodes/{episode.pk}/referrals/new/{directory.club.pk}/").status_code == 404
    )
    assert AccessEvent.objects.filter(
        action="refused", object_type="directory.referral", actor=outsider
    ).exists()


def test_episode_my_work_and_chronology_show_the_status(
    client, teacher, child, episode, directory, consented
):
    referral = send(teacher, episode, child, directory.clinic)
    services.referral_update(actor=directory.health_worker, referral=referral, status="accepted")
    client.force_login(teacher)
    episode_page = client.get(f"/episodes/{episode.pk}/").content.decode()
    assert "Referrals to services" in episode_page and "Sleep clinic" in episode_page
    assert "Accepted" in episode_page and "Find a service to refer to" in episode_page
    assert referral.reference in client.get("/my-work/").content.decode()
    chronology = client.get(f"/episodes/{episode.pk}/chronology/").content.decode()
    assert "Referral to Sleep clinic: sent" in chronology
    assert "Referral to Sleep clinic: accepted" in chronology
    client.force_login(directory.health_worker)
    assert referral.reference in client.get("/my-work/").content.decode()


def test_the_family_sees_it_on_their_plan(client, directory):
    family = make_family()
    give_referral_consent(family.lead, family.child)
    send(family.lead, family.episode, family.child, directory.club)
    mother = family_user(family, family.mother, "jodie@example.net")
    client.force_login(mother)
    page = client.get(f"/family/episodes/{family.episode.pk}/").content.decode()
    assert "Services we asked to help" in page and "Boxing fitness" in page
    assert "waiting for their answer" in page


# --- Through the forms ------------------------------------------------------------------------


def test_the_referral_form_is_submitted_and_its_errors_named(
    client, teacher, child, episode, directory, consented
):
    client.force_login(teacher)
    url = f"/episodes/{episode.pk}/referrals/new/{directory.club.pk}/"
    page = client.get(url).content.decode()
    assert "Refer to Boxing fitness" in page
    data = hidden(page) | {
        "person": child.pk,
        "asked": "Somewhere to go after school.",
        "urgency": "soon",
        "shared": ["name", "date_of_birth", "reason"],
    }
    refused = client.post(url, data)  # the family's agreement not ticked
    assert refused.status_code == 200
    assert "govuk-error-summary" in refused.content.decode()
    assert "#id_family_agreed" in refused.content.decode() and not Referral.objects.exists()
    response = client.post(url, data | {"family_agreed": "on"})
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/referrals/{referral.pk}/"
    assert referral.urgency == "soon" and referral.shared == ["name", "date_of_birth", "reason"]


def test_the_update_form_uses_its_hidden_version(
    client, teacher, child, episode, directory, consented
):
    referral = send(teacher, episode, child, directory.clinic)
    client.force_login(directory.health_worker)
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    fields = hidden(page)
    assert fields["expected_version"] == "1"
    url = f"/referrals/{referral.pk}/update/"
    bad = client.post(url, fields | {"status": "declined"})
    assert "#id_reason" in bad.content.decode()
    ok = client.post(url, fields | {"status": "declined", "reason": "No places until spring."})
    assert ok.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.reason) == ("declined", "No places until spring.")
    stale = client.post(url, fields | {"status": "accepted"})
    assert stale.status_code == 404  # nothing left for the receiver to record


def test_a_service_is_kept_by_its_own_organisation(client, teacher, directory):
    client.force_login(directory.health_worker)
    url = f"/services/{directory.clinic.pk}/edit/"
    page = client.get(url).content.decode()
    assert "Change the service" in page
    data = hidden(page) | {
        "name": "Sleep clinic for under-fives",
        "description": "Help with sleep.",
        "status": "active",
        "minimum_age": "0",
        "maximum_age": "5",
        "is_free": "on",
        "takes_referrals": "on",
        "taxonomy_terms": [directory.parenting.pk],
    }
    bad = client.post(url, data | {"minimum_age": "9"})
    assert "govuk-error-summary" in bad.content.decode()
    assert client.post(url, data).status_code == 302
    directory.clinic.refresh_from_db()
    assert directory.clinic.name == "Sleep clinic for under-fives"
    client.force_login(teacher)  # another organisation's practitioner may not
    assert client.get(url).status_code == 404
    assert client.get(f"/services/{directory.club.pk}/edit/").status_code == 404


# --- The JSON API -----------------------------------------------------------------------------


def test_the_api_sends_lists_and_follows_referrals(
    client, teacher, child, episode, directory, consented, outsider
):
    client.force_login(teacher)
    found = client.get("/api/v1/directory/services", {"takes_referrals": True, "age": 12}).json()
    assert [s["name"] for s in found] == ["Boxing fitness", "Refuge support"]
    body = {
        "service_id": directory.clinic.pk,
        "person_id": child.pk,
        "episode_id": episode.pk,
        "asked": "Help with sleep.",
        "urgency": "routine",
        "family_agreed": True,
        "shared": ["name", "reason"],
    }
    refused = client.post("/api/v1/referrals", body | {"family_agreed": False}, "application/json")
    assert refused.status_code == 422 and refused.json()["field"] == "family_agreed"
    created = client.post("/api/v1/referrals", body, "application/json")
    assert created.status_code == 201
    referral_id = created.json()["id"]
    assert [r["id"] for r in client.get("/api/v1/referrals").json()] == [referral_id]
    client.force_login(directory.health_worker)
    accepted = client.post(
        f"/api/v1/referrals/{referral_id}/status",
        {"status": "accepted", "expected_version": 1},
        "application/json",
    )
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    client.force_login(outsider)
    assert client.get(f"/api/v1/referrals/{referral_id}").status_code == 404
    assert client.get("/api/v1/referrals").json() == []
    assert (
        client.post(
            f"/api/v1/referrals/{referral_id}/status",
            {"status": "not_taken_up", "reason": "x"},
            "application/json",
        ).status_code
        == 404
    )
    assert client.post("/api/v1/referrals", body, "application/json").status_code == 404


def test_erasing_an_episode_takes_its_referrals(
    settings, teacher, child, episode, directory, consented
):
    from joinedup.episodes.models import Episode
    from joinedup.episodes.services import episode_close
    from joinedup.records import retention
    from joinedup.records.models import RetentionRule
    from tests.sharing.test_retention import LONG_AGO

    RetentionRule.objects.update(keep_for_months=12)
    settings.JOINEDUP_RETENTION_CHILDREN_UNTIL_AGE = 0
    referral = send(teacher, episode, child, directory.club)
    episode_close(actor=teacher, episode=episode, reason="outcomes_achieved", summary="Done.")
    Episode.objects.filter(pk=episode.pk).update(closed_at=LONG_AGO)
    dpo = factories.practitioner(roles=("data_protection_officer",))
    retention.erase_episode(episode=episode, actor=dpo, reason="Past retention")
    assert not Referral.objects.filter(pk=referral.pk).exists()
    assert not ReferralLink.objects.filter(referral_id=referral.pk).exists()


def test_subject_access_includes_referrals(teacher, child, episode, directory, consented):
    from joinedup.records.subject_access.build import build

    send(teacher, episode, child, directory.club)
    (referral,) = build(child)["referrals"]
    assert referral["service"] == "Boxing fitness" and referral["status"] == "Sent"
    assert referral["lawful_basis"].startswith("consent record")


def test_a_request_the_front_door_signposted_can_be_referred(
    teacher, child, front_door, directory, consented
):
    from joinedup.frontdoor import services as frontdoor
    from tests.conftest import raise_request

    request = raise_request(teacher, child)
    with pytest.raises(ApplicationError) as error:  # not decided yet
        services.referral_send(
            actor=teacher,
            service=directory.club,
            request=request,
            person=child,
            asked="Food this week.",
            urgency="urgent",
            family_agreed=True,
            shared=["reason"],
        )
    assert error.value.field == "request"
    frontdoor.request_decide(
        actor=front_door, request=request, outcome="advice", reasons="A local group can help."
    )
    referral = services.referral_send(
        actor=teacher,
        service=directory.club,
        request=request,
        person=child,
        asked="Food this week.",
        urgency="urgent",
        family_agreed=True,
        shared=["reason"],
    )
    assert referral.request_id == request.pk and referral.episode_id is None
