"""The demo's directory: about sixty services across sectors, a Family Hub timetable, community
groups without accounts, a neighbouring council's feed, and referrals in every status."""

from __future__ import annotations

import pytest

from joinedup.audit import services as audit
from joinedup.demo import loader
from joinedup.directory import oruk
from joinedup.directory.models import Referral, ReferralStatus, Service, ServiceOrganisation

pytestmark = pytest.mark.django_db


def test_the_demo_directory(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        loader.load(families=25, seed=2026)
    assert 55 <= Service.objects.count() <= 70
    sectors = set(ServiceOrganisation.objects.values_list("sector", flat=True))
    assert {"statutory", "health", "voluntary", "community", "housing"} <= sectors
    hub = Service.objects.filter(
        organisation__name="Demo Shire Family Hubs", schedules__isnull=False
    )
    assert hub.values("schedules__byday").distinct().count() >= 5  # a timetable across the week
    without_account = ServiceOrganisation.objects.filter(partner__isnull=True, source="")
    assert without_account.filter(services__takes_referrals=True).distinct().count() >= 5
    assert Service.objects.exclude(source="").count() == 3  # the example ORUK feed
    assert set(Referral.objects.values_list("status", flat=True)) == set(ReferralStatus.values)
    assert Referral.objects.filter(events__by_link=True).exists()
    published = {s.name for s in oruk.published_services()}
    assert "Safe Harbour staff duty desk" not in published and "Refuge accommodation" in published
    assert audit.verify().ok
    counts = (Service.objects.count(), Referral.objects.count())
    loader.load(families=25, seed=2026)  # again: nothing doubled
    assert (Service.objects.count(), Referral.objects.count()) == counts
    assert ServiceOrganisation.objects.filter(name="St Mark's Food Bank").count() == 1
