"""Break-glass: emergency access beyond a user's rights, with a reason, for a limited time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.audit.models import AccessEvent
from joinedup.errors import ApplicationError, NotFound
from joinedup.partnership.models import Notification
from joinedup.people import selectors as people_selectors
from joinedup.sharing import policy, services
from joinedup.sharing.models import BreakGlass, ReviewOutcome
from tests import factories

pytestmark = pytest.mark.django_db


def open_glass(actor, person, reason="Police report the child missing overnight"):
    return services.break_glass_open(actor=actor, reference=person.reference, reason=reason)


def expire(grant):
    now = timezone.now()
    BreakGlass.objects.filter(pk=grant.pk).update(
        opened_at=now - timedelta(hours=3), expires_at=now - timedelta(seconds=1)
    )


def test_break_glass_opens_the_record_for_the_holder_until_it_expires(outsider, child):
    assert not policy.person_decision(outsider, child).allowed
    grant = open_glass(outsider, child)
    decision = policy.person_decision(outsider, child)
    assert decision.allowed and decision.basis == policy.BASIS_BREAK_GLASS
    assert child in policy.persons_visible_to(outsider)
    assert grant.expires_at - grant.opened_at == timedelta(hours=2)

    expire(grant)
    assert not policy.person_decision(outsider, child).allowed
    assert child not in policy.persons_visible_to(outsider)


def test_break_glass_widens_access_only_for_the_holder(outsider, child, other_org):
    colleague = factories.practitioner(other_org)
    open_glass(outsider, child)
    assert not policy.person_decision(colleague, child).allowed
    assert child not in policy.persons_visible_to(colleague)


def test_the_length_of_access_is_a_setting(outsider, child, settings):
    settings.JOINEDUP_BREAK_GLASS_HOURS = 0.5
    grant = open_glass(outsider, child)
    assert grant.expires_at - grant.opened_at == timedelta(minutes=30)


def test_opening_is_audited_with_the_reason_and_later_views_carry_the_basis(outsider, child):
    grant = open_glass(outsider, child)
    event = AccessEvent.objects.get(action="break_glass")
    assert event.actor == outsider and event.person_ids == [child.pk]
    assert event.lawful_basis == policy.BASIS_BREAK_GLASS.label
    assert event.detail["lawful_basis"]["condition"] == "vital_interests"
    assert event.detail["reason"] == grant.reason and event.detail["grant"] == grant.pk

    people_selectors.person_get(user=outsider, person_id=child.pk)
    view = AccessEvent.objects.get(action="view", actor=outsider)
    assert view.lawful_basis == policy.BASIS_BREAK_GLASS.label


def test_an_ordinary_basis_is_named_before_break_glass(teacher, child):
    open_glass(teacher, child)
    assert policy.person_decision(teacher, child).basis == policy.BASIS_OWN_INVOLVEMENT


def test_the_data_protection_officers_are_told_at_once(
    outsider, child, dpo, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        grant = open_glass(outsider, child)
    note = Notification.objects.get(recipient=dpo)
    assert note.link == f"/data-protection/break-glass/{grant.pk}/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [dpo.email]
    # Emails carry no names of children or families.
    assert child.given_name not in mail.outbox[0].body
    assert child.family_name not in mail.outbox[0].body
    assert services.break_glass_recipients(child) == [dpo]


@pytest.mark.parametrize(
    ("reference", "reason", "field"),
    [("", "A reason", "reference"), ("REF", "", "reason"), ("REF", "   ", "reason")],
)
def test_bad_input_names_the_field_and_writes_nothing(outsider, child, reference, reason, field):
    reference = child.reference if reference == "REF" else reference
    with pytest.raises(ApplicationError) as error:
        services.break_glass_open(actor=outsider, reference=reference, reason=reason)
    assert error.value.field == field
    assert not BreakGlass.objects.exists()
    assert not AccessEvent.objects.filter(actor=outsider).exists()
    assert not policy.person_decision(outsider, child).allowed


def test_an_unknown_reference_is_refused_and_the_attempt_audited(outsider):
    with pytest.raises(ApplicationError) as error:
        services.break_glass_open(actor=outsider, reference="P-NOTAREAL", reason="Urgent")
    assert error.value.field == "reference"
    assert not BreakGlass.objects.exists()
    refused = AccessEvent.objects.get(action="refused", actor=outsider)
    assert refused.object_id == "P-NOTAREAL"


def test_the_reference_of_a_merged_record_opens_the_one_it_was_merged_into(outsider, child):
    duplicate = factories.person("Maya", "Jones")
    type(duplicate).objects.filter(pk=duplicate.pk).update(merged_into=child)
    grant = open_glass(outsider, duplicate)
    assert grant.person == child


def test_the_data_protection_officer_reviews_a_break_glass(outsider, child, dpo):
    grant = open_glass(outsider, child)
    services.break_glass_review(
        actor=dpo, grant=grant, outcome=ReviewOutcome.JUSTIFIED, notes="Child was missing."
    )
    grant.refresh_from_db()
    assert grant.outcome == ReviewOutcome.JUSTIFIED and grant.reviewed_by == dpo
    assert AccessEvent.objects.filter(actor=dpo, object_type="sharing.breakglass").exists()
    with pytest.raises(ApplicationError) as error:
        services.break_glass_review(
            actor=dpo, grant=grant, outcome=ReviewOutcome.NOT_JUSTIFIED, notes="Changed my mind"
        )
    assert error.value.status == 409


def test_not_justified_needs_notes_and_only_a_dpo_reviews(outsider, child, dpo, teacher):
    grant = open_glass(outsider, child)
    with pytest.raises(ApplicationError) as error:
        services.break_glass_review(
            actor=dpo, grant=grant, outcome=ReviewOutcome.NOT_JUSTIFIED, notes=" "
        )
    assert error.value.field == "notes"
    with pytest.raises(NotFound):
        services.break_glass_review(
            actor=teacher, grant=grant, outcome=ReviewOutcome.JUSTIFIED, notes=""
        )
    grant.refresh_from_db()
    assert grant.outcome == ReviewOutcome.PENDING and grant.reviewed_by is None


def test_a_dpo_cannot_review_their_own_break_glass(dpo, child):
    grant = open_glass(dpo, child)
    with pytest.raises(ApplicationError) as error:
        services.break_glass_review(actor=dpo, grant=grant, outcome="justified", notes="")
    assert error.value.field == "outcome"


@settings(max_examples=10, deadline=None)
@given(bystanders=st.integers(min_value=0, max_value=3), expired=st.booleans())
def test_break_glass_never_widens_access_beyond_its_holder_and_its_time(bystanders, expired):
    child = factories.person()
    factories.involvement(factories.organisation(), child)
    holder = factories.practitioner(factories.organisation())
    others = [factories.practitioner(factories.organisation()) for _ in range(bystanders)]
    grant = open_glass(holder, child)
    if expired:
        expire(grant)
    assert policy.person_decision(holder, child).allowed is (not expired)
    for other in others:
        assert not policy.person_decision(other, child).allowed
        assert child not in policy.persons_visible_to(other)


def test_the_lead_professional_of_an_open_episode_is_told_too(teacher, child, outsider):
    from joinedup.frontdoor import services as casework_services

    casework_services.episode_open_practitioner_led(actor=teacher, persons=[child])
    assert teacher in services.break_glass_recipients(child)
    open_glass(outsider, child)
    assert Notification.objects.filter(recipient=teacher).exists()


def test_break_glass_by_name_and_date_of_birth(outsider, child):
    grant = services.break_glass_open(
        actor=outsider,
        name="maya JONES",
        date_of_birth=child.date_of_birth,
        reason="Found alone at the station at night",
    )
    assert grant.person == child
    assert policy.person_decision(outsider, child).allowed


def test_break_glass_by_name_refuses_no_match_and_two_matches(outsider, child):
    with pytest.raises(ApplicationError) as error:
        services.break_glass_open(
            actor=outsider, name="Maya Jones", date_of_birth=None, reason="Urgent"
        )
    assert error.value.field == "date_of_birth"
    with pytest.raises(ApplicationError) as error:
        services.break_glass_open(
            actor=outsider, name="Maia Jones", date_of_birth=child.date_of_birth, reason="Urgent"
        )
    assert error.value.field == "name" and "reference" in error.value.message
    factories.person("Maya", "Jones", dob=child.date_of_birth)
    with pytest.raises(ApplicationError) as error:
        services.break_glass_open(
            actor=outsider, name="Maya Jones", date_of_birth=child.date_of_birth, reason="Urgent"
        )
    assert error.value.field == "reference"
    assert not BreakGlass.objects.exists()
    assert AccessEvent.objects.filter(actor=outsider, action="refused").count() == 2


def test_search_that_finds_nobody_offers_emergency_access(client, outsider, child):
    from django.urls import reverse

    client.force_login(outsider)
    born = child.date_of_birth
    page = client.get(
        reverse("web:home"),
        {
            "name": "Maya Jones",
            "date_of_birth_0": born.day,
            "date_of_birth_1": born.month,
            "date_of_birth_2": born.year,
        },
    ).content.decode()
    assert "No one you may see matches" in page
    link = reverse("sharing:emergency-access") + f"?name=Maya+Jones&amp;born={born.isoformat()}"
    assert link in page
    form = client.get(reverse("sharing:emergency-access"), {"name": "Maya Jones", "born": born})
    assert 'value="Maya Jones"' in form.content.decode()
    response = client.post(
        reverse("sharing:emergency-access"),
        {
            "name": "Maya Jones",
            "date_of_birth_0": born.day,
            "date_of_birth_1": born.month,
            "date_of_birth_2": born.year,
            "reason": "Police report her missing overnight",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("web:person", args=[child.pk])


def test_the_officer_finds_a_person_by_name(client, dpo, child, outsider):
    from django.urls import reverse

    url = reverse("audit:person-access")
    client.force_login(outsider)
    assert client.get(url, {"name": "Jones"}).status_code == 404
    client.force_login(dpo)
    page = client.get(url, {"name": "maya jones"}).content.decode()
    assert child.reference in page and "People with this name" in page
    assert AccessEvent.objects.filter(actor=dpo, object_type="audit.person_search").exists()
