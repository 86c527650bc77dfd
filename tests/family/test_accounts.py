"""Family accounts: invitation, activation, sign-in, revocation; and who may invite."""

from __future__ import annotations

import re

import pytest
from django.core import mail, signing
from django.urls import reverse

from joinedup.audit.models import AccessEvent
from joinedup.errors import ApplicationError, NotFound
from joinedup.family import services
from joinedup.family.models import FamilyAccount
from joinedup.partnership.models import Practitioner
from joinedup.sharing import policy
from tests import factories
from tests.family.conftest import PASSWORD, family_user

pytestmark = pytest.mark.django_db


def _token(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[-1]


def test_invitation_activation_and_sign_in_land_on_the_family_home(
    client, family, django_capture_on_commit_callbacks
):
    client.force_login(family.lead)
    page = client.get(f"/episodes/{family.episode.pk}/family-accounts/")
    assert page.status_code == 200 and "Dean Carter" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            f"/episodes/{family.episode.pk}/family-accounts/invite/",
            {"person": family.father.pk, "email": "Dean@Example.net"},
        )
    assert sent.status_code == 200
    account = FamilyAccount.objects.get(person=family.father)
    user = account.user
    assert user.organisation_id is None and not user.is_active
    assert not user.has_usable_password() and account.status == "invited"
    # The link is on the page and in the email; the email names no child.
    link = re.search(r"/family/invitation/[^/\"]+/", sent.content.decode()).group(0)
    assert mail.outbox[-1].to == ["dean@example.net"] and link in mail.outbox[-1].body
    assert "Mia" not in mail.outbox[-1].body and "Carter" not in mail.outbox[-1].body
    assert AccessEvent.objects.filter(
        action="create", object_type="family.familyaccount", actor=family.lead
    ).exists()

    client.logout()
    form = client.get(link)
    assert form.status_code == 200 and "Choose your password" in form.content.decode()
    done = client.post(link, {"password": PASSWORD, "password_again": PASSWORD})
    assert done.status_code == 302 and done["Location"].endswith("?next=/family/")
    account.refresh_from_db()
    assert account.status == "active" and account.invitation_nonce == ""
    # One-time: the link does not work again.
    assert client.get(link).status_code == 404

    signed_in = client.post(
        "/sign-in/?next=/family/",
        {"username": "dean@example.net", "password": PASSWORD, "next": "/family/"},
    )
    assert signed_in.status_code == 302 and signed_in["Location"] == "/family/"
    home = client.get("/family/")
    assert home.status_code == 200 and "Hello, Dean Carter" in home.content.decode()
    assert policy.family_person_id(Practitioner.objects.get(pk=user.pk)) == family.father.pk


def test_a_wrong_or_old_link_does_not_work(client, family, monkeypatch):
    invitation = services.family_account_invite(
        actor=family.lead, episode=family.episode, person=family.mother, email="j@example.net"
    )
    assert client.get("/family/invitation/not-a-token/").status_code == 404
    # An invitation sent again replaces the older link.
    again = services.family_account_invite(
        actor=family.lead, episode=family.episode, person=family.mother, email="j@example.net"
    )
    assert client.get(invitation.link).status_code == 404
    assert client.get(again.link).status_code == 200
    # A link older than INVITATION_DAYS has expired.
    account = again.account
    real_time = signing.time.time
    monkeypatch.setattr(
        signing.time, "time", lambda: real_time() - (services.INVITATION_DAYS + 1) * 86400
    )
    old = services.invitation_token(account)
    monkeypatch.undo()
    assert services.account_for_token(old) is None
    with pytest.raises(ApplicationError) as error:
        services.family_account_activate(token=old, password=PASSWORD, password_again=PASSWORD)
    assert error.value.field == "password"


def test_passwords_must_match_and_be_strong_and_nothing_is_saved(client, family):
    invitation = services.family_account_invite(
        actor=family.lead, episode=family.episode, person=family.mother, email="j@example.net"
    )
    different = client.post(invitation.link, {"password": PASSWORD, "password_again": "other"})
    assert different.status_code == 200 and "The two passwords are not the same" in (
        different.content.decode()
    )
    weak = client.post(invitation.link, {"password": "password", "password_again": "password"})
    assert weak.status_code == 200 and "There is a problem" in weak.content.decode()
    account = FamilyAccount.objects.get(pk=invitation.account.pk)
    assert account.status == "invited" and not account.user.is_active


def test_only_family_taking_part_can_be_invited_with_the_field_named(family):
    stranger = factories.person("Sam", "Other", kind="adult")
    cases = [
        (stranger, "sam@example.net", "person"),  # not in the episode
        (family.child, "mia@example.net", "person"),  # a child under 12
        (family.father, "not-an-email", "email"),
        (family.father, family.lead.email, "email"),  # used by another account
        (None, "x@example.net", "person"),
    ]
    for person, email, field in cases:
        with pytest.raises(ApplicationError) as error:
            services.family_account_invite(
                actor=family.lead, episode=family.episode, person=person, email=email
            )
        assert error.value.field == field, (person, email)
    assert not FamilyAccount.objects.exists()
    assert not Practitioner.objects.filter(organisation__isnull=True).exists()
    # A young person of 12 or more may have their own account.
    services.family_account_invite(
        actor=family.lead, episode=family.episode, person=family.teen, email="ty@example.net"
    )


def test_the_invitation_page_names_the_field(client, family):
    stranger = factories.person("Sam", "Other", kind="adult")
    client.force_login(family.lead)
    url = f"/episodes/{family.episode.pk}/family-accounts/invite/"
    page = client.post(url, {"person": stranger.pk, "email": "sam@example.net"})
    html = page.content.decode()
    assert page.status_code == 200 and "There is a problem" in html
    assert 'href="#id_person"' in html
    page = client.post(url, {"person": family.child.pk, "email": "mia@example.net"})
    assert "young person aged 12 or over" in page.content.decode()
    assert not FamilyAccount.objects.exists()


def test_an_active_account_is_not_invited_twice(family, father_user):
    with pytest.raises(ApplicationError) as error:
        services.family_account_invite(
            actor=family.lead, episode=family.episode, person=family.father, email="d2@example.net"
        )
    assert error.value.status == 409 and error.value.field == "person"


def test_a_practitioner_of_an_unrelated_organisation_is_refused_on_invitation_routes(
    client, family, father_user
):
    stranger = factories.practitioner(factories.organisation("Unrelated Charity"))
    client.force_login(stranger)
    account = FamilyAccount.objects.get(person=family.father)
    urls = [
        f"/episodes/{family.episode.pk}/family-accounts/",
        f"/episodes/{family.episode.pk}/family-accounts/invite/",
        f"/episodes/{family.episode.pk}/family-accounts/{account.pk}/stop/",
        f"/episodes/{family.episode.pk}/family-voice/",
    ]
    for url in urls:
        before = AccessEvent.objects.filter(actor=stranger, action="refused").count()
        assert client.get(url).status_code == 404
        post = client.post(url, {"person": family.mother.pk, "email": "m@example.net"})
        assert post.status_code == 404
        assert AccessEvent.objects.filter(actor=stranger, action="refused").count() > before
    with pytest.raises(NotFound):
        services.family_account_invite(
            actor=stranger, episode=family.episode, person=family.mother, email="m@example.net"
        )
    assert FamilyAccount.objects.count() == 1
    account.refresh_from_db()
    assert account.status == "active"


def test_revoking_stops_access_at_once(client, family, father_user):
    client.force_login(father_user)
    assert client.get("/family/").status_code == 200
    account = FamilyAccount.objects.get(person=family.father)

    lead = factories_client(family.lead)
    confirm = lead.get(f"/episodes/{family.episode.pk}/family-accounts/{account.pk}/stop/")
    assert confirm.status_code == 200
    stopped = lead.post(f"/episodes/{family.episode.pk}/family-accounts/{account.pk}/stop/")
    assert stopped.status_code == 302
    account.refresh_from_db()
    assert account.status == "revoked" and not account.user.is_active
    assert AccessEvent.objects.filter(
        action="update", object_type="family.familyaccount", object_id=str(account.pk)
    ).exists()

    # The open session ends at once, pages and API alike.
    assert client.get("/family/").status_code == 302
    assert client.get("/api/v1/family/episodes").status_code == 401
    again = client.post("/sign-in/", {"username": "dean@example.net", "password": PASSWORD})
    assert again.status_code == 200 and "There is a problem" in again.content.decode()
    fresh = Practitioner.objects.get(pk=father_user.pk)
    assert policy.family_account(fresh) is None
    assert not policy.family_episodes_visible_to(fresh).exists()


def test_a_stopped_account_can_be_invited_again(family, father_user):
    account = FamilyAccount.objects.get(person=family.father)
    services.family_account_revoke(actor=family.lead, episode=family.episode, account=account)
    again = family_user(family, family.father, "dean.new@example.net")
    assert again.pk == father_user.pk and again.email == "dean.new@example.net"
    assert FamilyAccount.objects.get(person=family.father).status == "active"


def test_a_family_user_is_refused_by_every_practitioner_page_and_the_api(
    client, family, father_user, mother_user
):
    client.force_login(mother_user)
    episode, child = family.episode, family.child
    for url in (
        f"/episodes/{episode.pk}/",
        f"/episodes/{episode.pk}/chronology/",
        f"/episodes/{episode.pk}/assessments/",
        f"/episodes/{episode.pk}/family-accounts/",
        f"/episodes/{episode.pk}/family-voice/",
        f"/people/{child.pk}/",
        f"/people/{family.mother.pk}/",
        f"/people/{child.pk}/consent/",
        f"/api/v1/episodes/{episode.pk}",
        f"/api/v1/people/{child.pk}",
        f"/api/v1/people/{family.mother.pk}",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/episodes/{episode.pk}/outcomes/add/", {"text": "x"}).status_code == 404
    listing = client.get("/api/v1/episodes")  # 404, not an empty list
    assert listing.status_code == 404
    assert listing.json() == {"message": "Not found", "field": None}
    assert reverse("family:home") == "/family/"


def factories_client(user):
    from django.test import Client

    c = Client()
    c.force_login(user)
    return c
