"""Emergency access and the data-protection officer's pages."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from joinedup.audit import services as audit
from joinedup.audit.models import AccessEvent
from joinedup.people import selectors as people_selectors
from joinedup.sharing import policy, services
from joinedup.sharing.models import BreakGlass, ReviewOutcome
from tests import factories

pytestmark = pytest.mark.django_db

DPO_PAGES = [
    "sharing:dpo-home",
    "audit:audit-search",
    "audit:audit-export",
    "audit:person-access",
    "audit:unusual-access",
    "audit:audit-chain",
    "sharing:break-glass-queue",
]
CSRF = re.compile(r'(?:name="csrfmiddlewaretoken" value|nonce)="[^"]+"')


def body(response) -> str:
    return CSRF.sub("", response.content.decode())


@pytest.fixture
def grant(outsider, child):
    return services.break_glass_open(
        actor=outsider, reference=child.reference, reason="Police say the child is missing"
    )


def test_emergency_access_page_opens_the_record(client, outsider, child, dpo):
    client.force_login(outsider)
    assert client.get(reverse("web:person", args=[child.pk])).status_code == 404
    page = client.get(reverse("sharing:emergency-access"))
    assert page.status_code == 200 and "Access lasts 2 hours" in page.content.decode()
    response = client.post(
        reverse("sharing:emergency-access"),
        {"reference": child.reference.lower(), "reason": "Missing child, police on the phone"},
    )
    assert response.status_code == 302 and response.url == reverse("web:person", args=[child.pk])
    html = client.get(response.url).content.decode()
    assert "Maya Jones" in html and "Break-glass: vital interests" in html
    assert "Emergency access is open until" in html


def test_emergency_access_without_a_reason_names_the_field(client, outsider, child):
    client.force_login(outsider)
    response = client.post(
        reverse("sharing:emergency-access"), {"reference": child.reference, "reason": ""}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html
    assert 'href="#id_reason"' in html and "Enter why you need to open this record now" in html
    assert not BreakGlass.objects.exists()


def test_an_unknown_reference_is_named(client, outsider):
    client.force_login(outsider)
    response = client.post(
        reverse("sharing:emergency-access"), {"reference": "P-NOPE", "reason": "Urgent"}
    )
    assert 'href="#id_reference"' in response.content.decode()


@pytest.mark.parametrize("user_fixture", ["outsider", "teacher"])
def test_dpo_pages_refuse_everyone_else_as_missing_and_audit_it(client, request, user_fixture):
    user = request.getfixturevalue(user_fixture)
    client.force_login(user)
    for name in DPO_PAGES:
        before = AccessEvent.objects.filter(actor=user, action="refused").count()
        response = client.get(reverse(name))
        assert response.status_code == 404, name
        assert AccessEvent.objects.filter(actor=user, action="refused").count() == before + 1
    missing = client.get(reverse("sharing:break-glass-review", args=[10**9]))
    assert missing.status_code == 404


def test_a_grant_looks_missing_to_a_non_dpo(client, teacher, grant):
    client.force_login(teacher)
    real = client.get(reverse("sharing:break-glass-review", args=[grant.pk]))
    missing = client.get(reverse("sharing:break-glass-review", args=[10**9]))
    assert real.status_code == missing.status_code == 404
    assert body(real) == body(missing)
    posted = client.post(
        reverse("sharing:break-glass-review", args=[grant.pk]), {"outcome": "justified"}
    )
    assert posted.status_code == 404
    grant.refresh_from_db()
    assert grant.outcome == ReviewOutcome.PENDING


def test_the_dpo_reviews_the_queue(client, dpo, grant):
    client.force_login(dpo)
    queue = client.get(reverse("sharing:break-glass-queue")).content.decode()
    assert "Police say the child is missing" in queue and grant.person.reference in queue
    page = client.get(reverse("sharing:break-glass-review", args=[grant.pk])).content.decode()
    assert "Review emergency access" in page
    url = reverse("sharing:break-glass-review", args=[grant.pk])
    bad = client.post(url, {"outcome": "not_justified", "notes": ""})
    assert 'href="#id_notes"' in bad.content.decode()
    done = client.post(url, {"outcome": "justified", "notes": "Missing child found."})
    assert done.status_code == 302
    grant.refresh_from_db()
    assert grant.outcome == ReviewOutcome.JUSTIFIED
    reviewed = client.get(reverse("sharing:break-glass-queue") + "?outcome=justified")
    assert "Justified" in reviewed.content.decode()


def test_dates_are_written_the_govuk_way(client, dpo, grant):
    client.force_login(dpo)
    html = client.get(reverse("sharing:break-glass-queue")).content.decode()
    assert timezone.localtime(grant.opened_at).strftime("%-d %B %Y") in html


def make_events(n, actor, person):
    for _ in range(n):
        audit.record(actor=actor, action="view", obj=person, persons=[person], lawful_basis="test")


def test_audit_search_has_a_constant_query_count(
    client, dpo, teacher, child, django_assert_max_num_queries
):
    client.force_login(dpo)
    make_events(3, teacher, child)
    url = reverse("audit:audit-search") + f"?reference={child.reference}"
    client.get(url)  # warm caches (sessions, roles)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    make_events(60, teacher, factories.person("Other", "Child"))
    make_events(60, teacher, child)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    html = response.content.decode()
    assert "Page 1 of 2" in html and child.reference in html


def test_audit_search_filters_and_names_bad_input(client, dpo, teacher, outsider, child):
    make_events(2, teacher, child)
    make_events(1, outsider, child)
    client.force_login(dpo)
    url = reverse("audit:audit-search")
    html = client.get(url, {"user": outsider.email}).content.decode()
    assert "1 event" in html
    bad = client.get(url, {"reference": "P-NOPE"}).content.decode()
    assert 'href="#id_reference"' in bad and "No person has this reference" in bad
    today = timezone.localdate()
    backwards = {
        "date_from_0": today.day,
        "date_from_1": today.month,
        "date_from_2": today.year,
        "date_to_0": (today - timedelta(days=1)).day,
        "date_to_1": (today - timedelta(days=1)).month,
        "date_to_2": (today - timedelta(days=1)).year,
    }
    assert "The end date must be on or after" in client.get(url, backwards).content.decode()


def test_csv_export_is_itself_audited(client, dpo, teacher, child):
    make_events(3, teacher, child)
    client.force_login(dpo)
    response = client.get(reverse("audit:audit-export"), {"reference": child.reference})
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "seq" and len(rows) >= 4
    assert all(child.reference in row[8] for row in rows[1:])
    export = AccessEvent.objects.get(action="export", actor=dpo)
    assert export.person_ids == [child.pk] and export.detail["reference"] == child.reference


def test_who_has_seen_a_persons_record(client, dpo, teacher, child):
    people_selectors.person_get(user=teacher, person_id=child.pk)
    client.force_login(dpo)
    html = client.get(
        reverse("audit:person-access"), {"reference": child.reference}
    ).content.decode()
    assert teacher.get_full_name() in html and "School" in html
    assert '<svg role="img"' in html and "as a table" in html
    assert AccessEvent.objects.filter(actor=dpo, object_type="audit.person_access").exists()


def test_unusual_access_flags_refusals_and_records_outside_own_work(client, dpo, outsider):
    for _ in range(3):
        policy.refuse(outsider, object_type="people.person", object_id="1")
    for n in range(3):
        person = factories.person(f"Child{n}", "Far")
        services.break_glass_open(actor=outsider, reference=person.reference, reason="Urgent")
    client.force_login(dpo)
    html = client.get(reverse("audit:unusual-access")).content.decode()
    assert html.count(outsider.get_full_name()) == 2


def test_the_audit_chain_page_checks_the_chain(client, dpo, child):
    client.force_login(dpo)
    assert "Events recorded" in client.get(reverse("audit:audit-chain")).content.decode()
    html = client.post(reverse("audit:audit-chain")).content.decode()
    assert "The chain is whole" in html


def test_the_dpo_sees_the_navigation_item_and_others_do_not(client, dpo, teacher):
    client.force_login(dpo)
    assert "Data protection" in client.get(reverse("web:home")).content.decode()
    client.force_login(teacher)
    assert ">Data protection<" not in client.get(reverse("web:home")).content.decode()


def test_reading_ones_own_work_is_not_flagged_as_unusual(client, dpo, teacher, school):
    for n in range(4):
        person = factories.person(f"Pupil{n}", "Near")
        factories.involvement(school, person)
        people_selectors.person_get(user=teacher, person_id=person.pk)
    client.force_login(dpo)
    html = client.get(reverse("audit:unusual-access")).content.decode()
    assert teacher.get_full_name() not in html
