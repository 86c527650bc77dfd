"""Lawful basis on every share, sharing agreements, withheld details and confidential addresses."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from joinedup.audit import services as audit
from joinedup.audit.models import AccessEvent, Action
from joinedup.errors import ApplicationError, NotFound
from joinedup.partnership.forms import SharingAgreementForm
from joinedup.sharing import policy, services
from joinedup.sharing.lawful import LawfulBasis, SpecialCondition, StatutoryDuty
from joinedup.sharing.models import AddressPermission, SharingDecision
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic(db):
    return factories.organisation("Riverside Health Visiting", sector="health")


@pytest.fixture
def health_visitor(clinic):
    return factories.practitioner(clinic, profession="health_visitor")


@pytest.fixture
def health_involvement(clinic, child):
    return factories.involvement(clinic, child, service="Health visiting: weight concerns")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_without_an_agreement_another_organisations_details_are_withheld(
    teacher, child, health_involvement
):
    assert policy.share_basis(teacher, child, health_involvement.organisation, "health") is None
    page = signed_in(teacher).get(reverse("web:person", args=[child.pk])).content.decode()
    assert "Riverside Health Visiting" in page  # who is involved is known: whom to call
    assert "weight concerns" not in page and "Withheld" in page


def test_an_agreement_opens_the_category_it_covers_and_names_its_duty(
    teacher, school, child, clinic
):
    police = factories.organisation("Police", sector="police")
    factories.involvement(police, child, service="Missing from home report")
    factories.agreement(
        school, police, categories=["criminal_justice"], statutory_duty="ca2004_s11"
    )
    basis = policy.share_basis(teacher, child, police, "criminal_justice")
    assert basis is not None and basis.duty == StatutoryDuty.CA2004_S11
    page = signed_in(teacher).get(reverse("web:person", args=[child.pk])).content.decode()
    assert "Missing from home report" in page


def test_health_needs_an_agreement_with_a_schedule_1_condition(teacher, school, child, clinic):
    factories.agreement(school, clinic, categories=["health"])  # no condition: does not open it
    assert policy.share_basis(teacher, child, clinic, "health") is None
    factories.agreement(
        school,
        clinic,
        categories=["health"],
        special_condition=SpecialCondition.HEALTH_SOCIAL_CARE,
    )
    basis = policy.share_basis(teacher, child, clinic, "health")
    assert basis is not None and basis.condition == SpecialCondition.HEALTH_SOCIAL_CARE


def test_an_agreement_out_of_force_opens_nothing(teacher, school, child, clinic):
    today = timezone.localdate()
    factories.agreement(
        school,
        clinic,
        categories=["involvement"],
        starts_on=today - timedelta(days=30),
        ends_on=today - timedelta(days=1),
    )
    assert policy.share_basis(teacher, child, clinic, "involvement") is None


def test_consent_opens_health_details_as_explicit_consent(teacher, child, clinic, school):
    services.consent_give(
        actor=teacher,
        person=child,
        given_by="parental_responsibility",
        given_by_name="Sam Jones",
        given_by_relationship="Mother",
        organisations=[school],
        sectors=[],
        purposes=["planning"],
        method="written",
        evidence="Signed form",
        given_on=timezone.localdate(),
    )
    basis = policy.share_basis(teacher, child, clinic, "health")
    assert basis is not None
    assert basis.basis == LawfulBasis.CONSENT
    assert basis.condition == SpecialCondition.EXPLICIT_CONSENT


def test_each_read_of_a_record_carries_its_basis_and_duty(teacher, child):
    signed_in(teacher).get(reverse("web:person", args=[child.pk]))
    event = AccessEvent.objects.filter(action=Action.VIEW, object_type="people.person").first()
    assert event is not None
    assert event.detail["lawful_basis"] == {
        "basis": "public_task",
        "duty": "ca2004_s11",
        "source": "own organisation's involvement",
    }
    assert "Children Act 2004 s11" in event.lawful_basis


def test_a_redacted_involvement_cannot_be_saved(teacher, child, health_involvement):
    [redacted] = [
        i
        for i in policy.annotate_involvements(
            teacher, child, list(policy.involvements_visible_to(teacher, child))
        )
        if i.pk == health_involvement.pk
    ]
    assert redacted.service == "Withheld"
    with pytest.raises(ValueError):
        redacted.save()


# Agreements: bad input names its field.


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_on": "2026-01-01"}, "ends_on"),
        ({"statutory_duty": ""}, "statutory_duty"),
        ({"categories": ["health"]}, "special_condition"),
        ({"parties": []}, "parties"),
    ],
)
def test_agreement_bad_input_names_the_field(school, clinic, change, field):
    data = {
        "name": "Health and education",
        "parties": [school.pk, clinic.pk],
        "categories": ["involvement"],
        "purposes": ["planning"],
        "lawful_basis": "public_task",
        "statutory_duty": "ca2004_s10",
        "starts_on": "2026-06-01",
    } | change
    form = SharingAgreementForm(data)
    assert not form.is_valid()
    assert field in form.errors


# Confidential addresses.


@pytest.fixture
def refuge_charity(db):
    return factories.organisation("Safe Haven Domestic Abuse Service", sector="voluntary")


@pytest.fixture
def sheltered(child, refuge_charity, teacher):
    worker = factories.practitioner(refuge_charity, profession="idva")
    factories.involvement(refuge_charity, child, service="Refuge support")
    child.address, child.postcode = "Flat 3, 18 Quiet Lane, Ashby", "LE65 9ZZ"
    child.save(update_fields=["address", "postcode"])
    services.address_confidential_set(
        actor=worker, person=child, confidential=True, reason="Refuge placement"
    )
    return worker


def test_a_confidential_address_is_shown_only_to_those_allowed(teacher, child, sheltered):
    allowed = signed_in(sheltered).get(reverse("web:person", args=[child.pk])).content.decode()
    assert "18 Quiet Lane" in allowed
    client = signed_in(teacher)
    page = client.get(reverse("web:person", args=[child.pk])).content.decode()
    body = client.get(f"/api/v1/people/{child.pk}").content.decode()
    assert "Quiet Lane" not in page and "LE65 9ZZ" not in page and "Withheld" in page
    assert "Quiet Lane" not in body and json.loads(body)["address"] == "Withheld"


def test_only_someone_who_sees_the_address_can_change_who_sees_it(teacher, child, sheltered):
    with pytest.raises(NotFound):
        services.address_confidential_set(
            actor=teacher, person=child, confidential=False, reason="Moved"
        )
    assert AddressPermission.objects.filter(person=child).count() == 1


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    street=st.text(alphabet="ABCDEFGHJKLMNPRSTUVWXYZ", min_size=8, max_size=14),
    outsiders=st.integers(min_value=1, max_value=3),
)
def test_property_a_confidential_address_never_reaches_a_reader_not_allowed(
    child, school, street, outsiders
):
    """Whatever the address and however many organisations work with the child, none of them
    (without permission) sees it in the person page, the API or the consent export."""
    address = f"{street} Refuge Road"
    child.address, child.address_confidential = address, True
    child.save(update_fields=["address", "address_confidential"])
    readers = [factories.practitioner(school)]
    for _ in range(outsiders):
        org = factories.organisation(sector="health")
        factories.involvement(org, child)
        factories.agreement(org, school, categories=["contact", "involvement"])
        readers.append(factories.practitioner(org))
    for reader in readers:
        client = signed_in(reader)
        for url in (
            reverse("web:person", args=[child.pk]),
            f"/api/v1/people/{child.pk}",
            reverse("sharing:decisions", args=[child.pk]),
            reverse("sharing:consent-json", args=[child.pk]),
            reverse("web:home"),
        ):
            response = client.get(url)
            assert street not in response.content.decode(), url


# Recording sharing decisions.


def decide(actor, person, recipients, **extra):
    args = {
        "choice": "share",
        "what": "School attendance since September",
        "categories": ["education"],
        "recipients": recipients,
        "purpose": "assessment",
        "lawful_basis": "public_task",
        "statutory_duty": "ca2004_s11",
        "reasons": "Attendance has fallen to 60%; the health visitor is assessing.",
        "family_told": "told",
    }
    return services.sharing_decision_record(actor=actor, person=person, **(args | extra))


def test_a_decision_is_recorded_either_way_with_its_basis(teacher, child, clinic):
    shared = decide(teacher, child, [clinic])
    held = decide(
        teacher,
        child,
        [clinic],
        choice="not_share",
        lawful_basis="",
        statutory_duty="",
        reasons="Not necessary: the clinic already has it.",
        family_told="",
    )
    assert shared.basis_label.startswith("public task")
    assert held.lawful_basis == ""
    events = AccessEvent.objects.filter(object_type="sharing.sharingdecision")
    assert events.count() == 2
    assert {e.detail["choice"] for e in events} == {"share", "not_share"}
    page = signed_in(teacher).get(reverse("sharing:decisions", args=[child.pk])).content.decode()
    assert "School attendance since September" in page and "The family was told" in page


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"lawful_basis": ""}, "lawful_basis"),
        ({"statutory_duty": ""}, "statutory_duty"),
        ({"categories": ["health"]}, "special_condition"),
        ({"reasons": " "}, "reasons"),
        ({"recipients": []}, "recipients"),
        ({"family_told": "not_told_risk"}, "not_told_reason"),
    ],
)
def test_sharing_decision_bad_input_names_the_field_and_writes_nothing(
    teacher, child, clinic, change, field
):
    before = AccessEvent.objects.count()
    with pytest.raises(ApplicationError) as error:
        decide(teacher, child, **({"recipients": [clinic]} | change))
    assert error.value.field == field
    assert SharingDecision.objects.count() == 0 and AccessEvent.objects.count() == before


def test_sharing_pages_refuse_an_unrelated_organisation(outsider, child):
    client = signed_in(outsider)
    for name in ("sharing:decisions", "sharing:decision-new", "sharing:address"):
        assert client.get(reverse(name, args=[child.pk])).status_code == 404
    refused = AccessEvent.objects.filter(actor=outsider, action=Action.REFUSED)
    assert refused.count() == 3


# Advice without naming the family.


def test_advice_is_asked_and_answered_with_no_person_linked(teacher, outsider):
    hub = factories.organisation("Council early help", sector="statutory")
    front_door = factories.team(hub, "Front door", front_door=True)
    adviser = factories.practitioner(hub, team=front_door)
    advice = services.advice_ask(
        actor=teacher,
        situation="A Year 4 pupil often arrives hungry and says an uncle has moved in.",
        question="Should I raise a request for support?",
        team=front_door,
    )
    assert advice in policy.advice_visible_to(adviser)
    assert advice not in policy.advice_visible_to(outsider)
    assert signed_in(outsider).get(reverse("sharing:advice", args=[advice.pk])).status_code == 404
    response = signed_in(adviser).post(
        reverse("sharing:advice", args=[advice.pk]),
        {"advice": "Yes: talk to the family first, then raise a request."},
    )
    assert response.status_code == 302
    advice.refresh_from_db()
    assert advice.status == "answered" and advice.answered_by == adviser
    with pytest.raises(ApplicationError):
        services.advice_answer(actor=adviser, advice=advice, text="Again")
    events = AccessEvent.objects.filter(object_type="sharing.advicerequest")
    assert events.exists() and all(e.person_ids == [] for e in events)
    assert audit.verify().ok


def test_advice_bad_input_names_the_field(teacher):
    response = signed_in(teacher).post(reverse("sharing:advice-new"), {"situation": "x"})
    assert response.status_code == 200
    assert "Say what you would like advice on" in response.content.decode()
