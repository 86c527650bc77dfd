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


@pytest.fixture
def actions(teacher, many):
    """On the teacher's teams: 27 actions overdue (1-27 days), 3 due in the next fortnight, one
    due later, one overdue but done."""
    from joinedup.episodes.models import Action, TeamMember

    today = timezone.localdate()
    made = []
    for n, episode in enumerate(many):
        owner = TeamMember.objects.get(episode=episode, practitioner=teacher, left_at__isnull=True)
        due_on = today - timedelta(days=n + 1) if n < 27 else today + timedelta(days=n - 26)
        made.append(
            Action.objects.create(
                episode=episode,
                text=f"Action {n:02d}",
                owner=owner,
                due_on=due_on,
                created_by=teacher,
            )
        )
    owner = TeamMember.objects.get(episode=many[0], practitioner=teacher, left_at__isnull=True)
    Action.objects.create(
        episode=many[0],
        text="Later",
        owner=owner,
        due_on=today + timedelta(days=40),
        created_by=teacher,
    )
    Action.objects.create(
        episode=many[0],
        text="Done",
        owner=owner,
        due_on=today - timedelta(days=3),
        created_by=teacher,
        status="done",
    )
    return made


@pytest.mark.parametrize("read", [1000, 5])  # dates read and counted, or counted by the database
def test_actions_overdue_and_due_are_the_first_of_each_with_their_totals(
    teacher, actions, monkeypatch, read
):
    monkeypatch.setattr(selectors, "ACTIONS_READ", read)
    work = selectors.my_work(user=teacher)
    assert work.actions_overdue_total == 27 and work.actions_due_total == 3
    # The most overdue first; the first LIST_LIMIT only.
    assert [a.text for a in work.actions_overdue] == [
        f"Action {n:02d}" for n in range(26, 26 - selectors.LIST_LIMIT, -1)
    ]
    assert [a.text for a in work.actions_due] == ["Action 27", "Action 28", "Action 29"]
    # Each names its family.
    assert work.actions_due[0].episode.family_label == "Child Family27"


def test_the_api_summary_reads_no_lists_it_does_not_return(client, teacher, actions):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(teacher)
    with CaptureQueriesContext(connection) as page_queries:
        page = client.get(reverse("episodes:my-work")).content.decode()
    assert "Action 26" in page and "The 25 most overdue of 27 actions overdue" in page
    with CaptureQueriesContext(connection) as queries:
        body = client.get("/api/v1/my-work").json()
    assert body["actions_overdue_total"] == 27 and body["actions_due_total"] == 3
    assert body["actions_due"] == [a.pk for a in actions[27:30]]
    # Lead proposals, disagreements escalated to a manager, the caseloads of their reports:
    # read for the page, not for the API.
    page_read = " ".join(q["sql"] for q in page_queries.captured_queries)
    read = " ".join(q["sql"] for q in queries.captured_queries)
    for table in ("episodes_leadproposal", "disagreement_managers_told", 'line_manager_id" ='):
        assert table in page_read and table not in read
