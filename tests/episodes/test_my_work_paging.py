"""My work for a practitioner in the team around many families: the families are paged, the
reviews overdue and coming are the first of each with their totals, and the audit names only
the persons of the families shown."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from joinedup.audit.models import AccessEvent
from joinedup.episodes import selectors
from joinedup.episodes.models import Meeting
from joinedup.frontdoor import services as frontdoor
from tests import factories

pytestmark = pytest.mark.django_db

FAMILIES = 30


@pytest.fixture
def many(teacher, school):
    """30 families led by the teacher: 27 with a review overdue (1-27 days ago), 3 with none."""
    today = timezone.localdate()
    episodes = []
    for n in range(FAMILIES):
        child = factories.person("Child", f"Family{n:02d}")
        factories.involvement(school, child)
        episode = frontdoor.episode_open_practitioner_led(actor=teacher, persons=[child])
        if n < 27:
            Meeting.objects.create(
                episode=episode,
                kind="review",
                recorded_by=teacher,
                held_on=today - timedelta(days=60),
                next_review_on=today - timedelta(days=n + 1),
            )
        episodes.append(episode)
    return episodes


def test_my_families_are_paged_with_the_next_review_first(teacher, many):
    first = selectors.my_work(user=teacher)
    assert first.my_families.paginator.count == FAMILIES
    assert len(first.my_families.object_list) == selectors.MY_FAMILIES_PER_PAGE
    # The most overdue review first; families with no review planned last.
    assert first.my_families.object_list[0] == many[26]
    second = selectors.my_work(user=teacher, page=2)
    # The two least overdue, then the three with no review planned.
    expected = [many[1], many[0], *many[27:]]
    assert [e.pk for e in second.my_families.object_list] == [e.pk for e in expected]
    assert len(first.reviews_overdue) == selectors.LIST_LIMIT
    assert first.reviews_overdue_total == 27
    assert first.reviews_overdue[0] == many[26]


def test_the_audit_names_the_persons_of_the_families_shown(teacher, many):
    selectors.my_work(user=teacher, page=2)
    event = AccessEvent.objects.filter(object_type="episodes.my_work").latest("seq")
    shown = {p.pk for e in [many[1], many[0], *many[27:]] for p in e.persons.all()}
    overdue = {p.pk for e in many[2:27] for p in e.persons.all()}  # the 25 most overdue
    assert set(event.person_ids) == shown | overdue


def test_the_page_and_the_api_page_through_the_families(client, teacher, many, outsider):
    client.force_login(teacher)
    page = client.get(reverse("episodes:my-work")).content.decode()
    assert f"You are in the team around {FAMILIES} families" in page
    assert "Page 1 of 2" in page
    assert "The 25 most overdue of 27" in page
    assert "Child Family26" in page and "Child Family29" not in page
    page2 = client.get(reverse("episodes:my-work") + "?page=2").content.decode()
    assert "Child Family29" in page2 and "Child Family00" in page2
    body = client.get("/api/v1/my-work?page=2").json()
    assert body["my_families_total"] == FAMILIES and body["page"] == 2 and body["pages"] == 2
    assert body["my_families"] == [e.pk for e in [many[1], many[0], *many[27:]]]
    assert body["reviews_overdue_total"] == 27
    # An unrelated organisation's practitioner sees none of these families.
    client.force_login(outsider)
    body = client.get("/api/v1/my-work").json()
    assert body["my_families"] == [] and body["reviews_overdue"] == []
    assert "Child Family" not in client.get(reverse("episodes:my-work")).content.decode()
