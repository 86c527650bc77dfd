"""The consistent child identifier: NHS number status, why it is absent, tracing, the list."""

from __future__ import annotations

import re
from datetime import date

import pytest

from joinedup.audit.models import AccessEvent
from joinedup.errors import ApplicationError
from joinedup.identity.children import TraceOutcome, trace_outcome
from joinedup.partnership.models import Role
from joinedup.people import services as people
from joinedup.people.models import NhsNumberStatus, Person
from tests import factories
from tests.family.conftest import family_user, make_family

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# What differs on every response, the same for a refused and a missing child: token and nonce.
PER_RESPONSE = re.compile(r'(?:name="csrfmiddlewaretoken" value|nonce)="[^"]*"')
VALID = "9434765919"


@pytest.mark.parametrize(
    ("probabilities", "expected"),
    [
        ([0.99], TraceOutcome.MATCH),
        ([0.7], TraceOutcome.POTENTIAL_MATCH),
        ([0.95, 0.6], TraceOutcome.MANY_MATCHES),
        ([0.3], TraceOutcome.LOW_CONFIDENCE),
        ([0.01], TraceOutcome.NO_MATCH),
        ([], TraceOutcome.NO_MATCH),
    ],
)
def test_the_trace_outcome_vocabulary(probabilities, expected) -> None:
    assert trace_outcome(probabilities, automatic=0.9, review=0.5) == expected


@pytest.fixture
def data_lead(school):
    return factories.practitioner(school, roles=(Role.Code.AGENCY_DATA_LEAD,))


@pytest.fixture
def maya(school):
    person = factories.person("Maya", "Jones", date(2015, 3, 27), postcode="DS1 4AB")
    factories.involvement(school, person)
    return person


@pytest.fixture
def leo(school):
    person = factories.person("Leo", "Jones", date(2017, 6, 1), nhs_number=VALID)
    factories.involvement(school, person)
    return person


@pytest.mark.django_db
def test_status_follows_the_number_and_its_trace(data_lead, maya) -> None:
    assert maya.nhs_number_status == NhsNumberStatus.ABSENT
    saved = people.person_nhs_number_record(
        actor=data_lead, person=maya, nhs_number="943 476 5919", verified=False
    )
    assert (saved.nhs_number, saved.nhs_number_status) == (VALID, NhsNumberStatus.UNVERIFIED)
    saved = people.person_nhs_number_record(
        actor=data_lead, person=saved, nhs_number=VALID, verified=True
    )
    assert saved.nhs_number_status == NhsNumberStatus.VERIFIED
    assert saved.nhs_number_verified_at is not None
    events = AccessEvent.objects.filter(actor=data_lead, object_id=str(maya.pk), action="update")
    assert events.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("number", "verified", "reason", "field"),
    [
        ("", False, "", "nhs_number_absent_reason"),  # a child without it needs the reason
        ("", False, "forgot", "nhs_number_absent_reason"),
        ("9434765918", False, "", "nhs_number"),  # fails the check digit
        ("", True, "unreasonable_delay", "nhs_number"),  # nothing to have traced
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(
    data_lead, leo, number, verified, reason, field
) -> None:
    with pytest.raises(ApplicationError) as error:
        people.person_nhs_number_record(
            actor=data_lead, person=leo, nhs_number=number, verified=verified, absent_reason=reason
        )
    assert error.value.field == field
    leo.refresh_from_db()
    assert leo.nhs_number == VALID and leo.nhs_number_absent_reason == ""


@pytest.mark.django_db
def test_a_child_without_the_number_keeps_the_reason(data_lead, leo) -> None:
    saved = people.person_nhs_number_record(
        actor=data_lead, person=leo, nhs_number="", verified=False, absent_reason="detrimental"
    )
    assert saved.nhs_number_status == NhsNumberStatus.ABSENT
    assert saved.get_nhs_number_absent_reason_display().startswith("Including it would be")


@pytest.mark.django_db
def test_the_list_shows_the_data_lead_their_children(client, data_lead, maya, leo) -> None:
    verified = factories.person("Ava", "Jones", date(2016, 1, 2), nhs_number="4010232137")
    people.person_nhs_number_record(
        actor=data_lead, person=verified, nhs_number="4010232137", verified=True
    )
    client.force_login(data_lead)
    html = client.get("/identity/children/").content.decode()
    assert "Maya" in html and "Leo" in html and "Ava" not in html
    absent = client.get("/identity/children/?status=absent").content.decode()
    assert "Maya" in absent and "Leo" not in absent
    body = client.get("/api/v1/identity/children-without-verified-nhs-number").json()
    assert {item["given_name"]: item["nhs_number_status"] for item in body["items"]} == {
        "Maya": "absent",
        "Leo": "unverified",
    }
    assert (
        client.get("/api/v1/identity/children-without-verified-nhs-number?status=lost").json()[
            "field"
        ]
        == "status"
    )


@pytest.mark.django_db
def test_the_form_records_the_reason_and_the_number(client, data_lead, maya) -> None:
    client.force_login(data_lead)
    url = f"/identity/children/{maya.pk}/nhs-number/"
    page = client.get(url).content.decode()
    assert "Traced against everyone known" in page
    token = CSRF.search(page)[1]
    missing = client.post(url, {"csrfmiddlewaretoken": token, "verified": "no"})
    assert missing.status_code == 200
    assert "govuk-error-summary" in missing.content.decode()
    assert "Select why" in missing.content.decode()
    done = client.post(
        url,
        {"csrfmiddlewaretoken": token, "verified": "no", "absent_reason": "unreasonable_delay"},
    )
    assert done.status_code == 302
    maya.refresh_from_db()
    assert maya.nhs_number_absent_reason == "unreasonable_delay"
    done = client.post(
        url, {"csrfmiddlewaretoken": token, "nhs_number": "943 476 5919", "verified": "yes"}
    )
    maya.refresh_from_db()
    assert maya.nhs_number_status == NhsNumberStatus.VERIFIED
    assert maya.nhs_number_absent_reason == ""


@pytest.mark.django_db
def test_the_api_records_and_traces(client, data_lead, maya, leo) -> None:
    client.force_login(data_lead)
    put = client.put(
        f"/api/v1/identity/children/{maya.pk}/nhs-number",
        {"nhs_number": "4010232137", "verified": True},
        content_type="application/json",
    )
    assert put.status_code == 200 and put.json()["nhs_number_status"] == "verified"
    bad = client.put(
        f"/api/v1/identity/children/{leo.pk}/nhs-number",
        {"nhs_number": "", "verified": False},
        content_type="application/json",
    )
    assert bad.status_code in (400, 422) and bad.json()["field"] == "nhs_number_absent_reason"
    traced = client.post(
        "/api/v1/identity/trace",
        {"given_name": "Maya", "family_name": "Jones", "date_of_birth": "2015-03-27"},
        content_type="application/json",
    )
    assert traced.status_code == 200
    assert traced.json()["outcome"] in TraceOutcome.values


@pytest.mark.django_db
def test_others_are_refused_as_if_the_child_were_missing(client, teacher, outsider, maya):
    family = make_family()
    parent = family_user(family, family.mother, "jodie@example.net")
    lead_elsewhere = factories.practitioner(
        factories.organisation(), roles=(Role.Code.AGENCY_DATA_LEAD,)
    )
    for user in (teacher, outsider, parent):
        client.force_login(user)
        assert client.get("/identity/children/").status_code == 404
        assert (
            client.get("/api/v1/identity/children-without-verified-nhs-number").status_code == 404
        )
    client.force_login(lead_elsewhere)
    seen = client.get(f"/identity/children/{maya.pk}/nhs-number/")
    missing = client.get("/identity/children/999999/nhs-number/")
    assert seen.status_code == missing.status_code == 404
    assert PER_RESPONSE.sub("", seen.content.decode()) == PER_RESPONSE.sub(
        "", missing.content.decode()
    )
    refused = client.put(
        f"/api/v1/identity/children/{maya.pk}/nhs-number",
        {"nhs_number": VALID, "verified": True},
        content_type="application/json",
    )
    assert refused.status_code == 404
    assert "Maya" not in client.get("/identity/children/").content.decode()
    assert Person.objects.get(pk=maya.pk).nhs_number == ""
