"""Referrals in partnership health: flows in the ecosystem network; acceptance, decline and time
to first contact by organisation, each with its formula."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from joinedup.directory import reporting, services
from joinedup.directory.models import Referral
from joinedup.insight import referral_flows
from joinedup.insight.models import NodeKind
from joinedup.insight.reading import read_casework
from joinedup.partnership.models import Role
from tests import factories
from tests.directory.test_referrals import send

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(teacher, child, episode, directory, consented):
    receiver = directory.health_worker
    accepted = send(teacher, episode, child, directory.clinic)
    accepted = services.referral_update(actor=receiver, referral=accepted, status="accepted")
    declined = send(teacher, episode, child, directory.clinic)
    services.referral_update(actor=receiver, referral=declined, status="declined", reason="Full")
    send(teacher, episode, child, directory.clinic)  # waiting
    Referral.objects.filter(pk=accepted.pk).update(
        sent_at=accepted.first_contact_at - timedelta(days=2)
    )
    Referral.objects.filter(pk=declined.pk).update(
        sent_at=timezone.now() - timedelta(days=4), first_contact_at=timezone.now()
    )
    send(teacher, episode, child, directory.club)  # to a group outside the partnership
    return accepted


def test_rates_by_organisation(answered, directory):
    rows = {r.organisation: r for r in reporting.rates_by_organisation()}
    health = rows["Demo Health Visiting"]
    assert (health.received, health.accepted, health.declined, health.waiting) == (3, 1, 1, 1)
    assert health.acceptance_rate == 0.5 and health.decline_rate == 0.5
    assert health.median_days_to_first_contact == 3.0  # median of 2 and 4 days
    club = rows["Northside Boxing Club"]
    assert club.acceptance_rate is None and club.median_days_to_first_contact is None


def test_referral_flows_join_the_ecosystem_network(answered, teacher, directory):
    casework = read_casework(as_of=timezone.localdate())
    before = casework.queries
    rows = referral_flows.referral_rows(casework, NodeKind.ORGANISATION)
    referral_flows.referral_rows(casework, NodeKind.ORGANISATION)
    assert casework.queries == before + 1  # read once per rebuild
    assert {(r.from_organisation, r.to_organisation) for r in rows} == {
        (teacher.organisation_id, directory.health_org.pk)
    }
    assert len(rows) == 3  # the community group has no node: counted on the referral page
    assert referral_flows.referral_rows(casework, NodeKind.TEAM) == []


def test_the_page_gives_figures_and_formulas_to_partnership_managers(client, answered, teacher):
    manager = factories.practitioner(roles=(Role.Code.PARTNERSHIP_MANAGER,))
    client.force_login(manager)
    page = client.get("/partnership-health/referrals/").content.decode()
    assert "Demo Health Visiting" in page and "50%" in page
    for formula in reporting.FORMULAS.values():
        assert formula in page.replace("&#x27;", "'")
    client.force_login(teacher)
    assert client.get("/partnership-health/referrals/").status_code == 404
