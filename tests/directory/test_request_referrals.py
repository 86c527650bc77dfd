"""Referral from a request for support the front door signposted, through the pages: find a
service, refer with the family's agreement and a lawful basis; the status shows on the request
page and on the referrer's My work. Nobody else may: an unrelated organisation, a family
account, a request not signposted."""

from __future__ import annotations

import pytest

from joinedup.audit.models import AccessEvent
from joinedup.directory import services
from joinedup.directory.models import Referral
from joinedup.frontdoor import services as frontdoor
from tests.conftest import raise_request
from tests.directory.test_referrals import hidden
from tests.family.conftest import family_user, make_family

pytestmark = pytest.mark.django_db


@pytest.fixture
def signposted(teacher, child, front_door):
    request = raise_request(teacher, child)
    frontdoor.request_decide(
        actor=front_door,
        request=request,
        outcome="advice",
        reasons="A local group can help with activities after school.",
    )
    return request


def form_data(page: str, child) -> dict:
    return hidden(page) | {
        "person": child.pk,
        "asked": "Somewhere to go after school, twice a week.",
        "urgency": "soon",
        "shared": ["name", "reason"],
    }


def test_a_signposted_request_is_referred_through_the_pages(
    client, teacher, child, front_door, signposted, directory, consented
):
    client.force_login(teacher)
    request_page = client.get(f"/requests/{signposted.pk}/").content.decode()
    assert "Find a service to refer to" in request_page
    search = client.get(
        "/services/", {"from_request": signposted.pk, "takes_referrals": "on", "age": "10"}
    ).content.decode()
    assert f"Referral from request {signposted.reference}" in search
    assert f"/services/{directory.club.pk}/?from_request={signposted.pk}" in search
    service_page = client.get(
        f"/services/{directory.club.pk}/", {"from_request": signposted.pk}
    ).content.decode()
    url = f"/requests/{signposted.pk}/refer/?service={directory.club.pk}"
    assert f"Refer from request {signposted.reference}" in service_page and url in service_page

    page = client.get(url).content.decode()
    assert "Refer to Boxing fitness" in page and child.full_name in page
    refused = client.post(url, form_data(page, child))  # the family's agreement not ticked
    html = refused.content.decode()
    assert refused.status_code == 200 and "govuk-error-summary" in html
    assert 'href="#id_family_agreed"' in html and not Referral.objects.exists()

    response = client.post(url, form_data(page, child) | {"family_agreed": "on"})
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/requests/{signposted.pk}/"
    assert (referral.request, referral.episode, referral.person) == (signposted, None, child)
    assert (referral.urgency, referral.shared) == ("soon", ["name", "reason"])
    assert referral.lawful_basis.startswith("consent record")
    assert AccessEvent.objects.filter(
        object_type="directory.referral", action="create", actor=teacher
    ).exists()

    # The status shows on the request page (to the referrer and the front door) and on My work.
    for user in (teacher, front_door):
        client.force_login(user)
        page = client.get(f"/requests/{signposted.pk}/").content.decode()
        assert "Referrals to services" in page and "Boxing fitness" in page and "Sent" in page
    client.force_login(teacher)
    assert referral.reference in client.get("/my-work/").content.decode()
    detail = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert f"Back to request {signposted.reference}" in detail
    # The loop closes: what happens next shows on the request page too.
    services.referral_update(
        actor=teacher, referral=referral, status="not_taken_up", reason="They moved away."
    )
    page = client.get(f"/requests/{signposted.pk}/").content.decode()
    assert "The family did not take it up" in page and "They moved away." in page
    assert referral.reference in client.get("/my-work/").content.decode()  # closed this month


def test_without_consent_the_referral_is_refused_naming_it(
    client, teacher, child, signposted, directory
):
    client.force_login(teacher)
    url = f"/requests/{signposted.pk}/refer/?service={directory.club.pk}"
    page = client.get(url).content.decode()
    response = client.post(url, form_data(page, child) | {"family_agreed": "on"})
    html = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in html
    assert "record the family&#x27;s consent to share for a referral first" in html
    assert not Referral.objects.exists()


def test_a_request_not_signposted_cannot_be_referred_from(
    client, teacher, child, front_door, directory, consented
):
    request = raise_request(teacher, child)  # not decided yet
    client.force_login(teacher)
    url = f"/requests/{request.pk}/refer/?service={directory.club.pk}"
    assert client.get(url).status_code == 404
    assert (
        "Find a service to refer to" not in client.get(f"/requests/{request.pk}/").content.decode()
    )
    frontdoor.request_decide(
        actor=front_door, request=request, outcome="nfa", reasons="Needs are met at school."
    )
    assert client.get(url).status_code == 404
    assert client.post(url, {"family_agreed": "on"}).status_code == 404
    assert not Referral.objects.exists()


def test_an_unrelated_organisation_and_a_family_account_are_refused(
    client, teacher, child, outsider, signposted, directory, consented
):
    family = make_family()
    mother = family_user(family, family.mother, "jodie@example.net")
    url = f"/requests/{signposted.pk}/refer/?service={directory.club.pk}"
    data = {
        "person": child.pk,
        "asked": "x",
        "urgency": "soon",
        "shared": ["name"],
        "family_agreed": "on",
    }
    for user in (outsider, mother):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, data).status_code == 404
        missing = client.get(f"/requests/{signposted.pk + 999}/refer/?service={directory.club.pk}")
        assert missing.status_code == 404
        assert client.get("/services/", {"from_request": signposted.pk}).status_code == 404
        assert client.get(f"/requests/{signposted.pk}/").status_code == 404
    assert not Referral.objects.exists()
    assert AccessEvent.objects.filter(
        object_type="frontdoor.requestforsupport", action="refused", actor=outsider
    ).exists()
    # A referral made from the request stays unseen by them.
    client.force_login(teacher)
    page = client.get(url).content.decode()
    client.post(url, form_data(page, child) | {"family_agreed": "on"})
    referral = Referral.objects.get()
    for user in (outsider, mother):
        client.force_login(user)
        assert client.get(f"/referrals/{referral.pk}/").status_code == 404
