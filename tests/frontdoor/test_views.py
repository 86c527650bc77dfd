from __future__ import annotations

import pytest
from django.urls import reverse

from joinedup.audit.models import AccessEvent
from joinedup.frontdoor.models import RequestForSupport, RequestStatus
from tests.conftest import raise_request

pytestmark = pytest.mark.django_db


def test_raise_a_request_through_the_pages(client, teacher, child, front_door):
    client.force_login(teacher)
    response = client.post(reverse("frontdoor:request-new"), {"immediate_risk": "yes"})
    draft = RequestForSupport.objects.get()
    assert response.url == reverse("frontdoor:request-call-now", args=[draft.pk])
    page = client.get(response.url).content.decode()
    assert "999" in page  # who to call now, before anything else
    people_url = reverse("frontdoor:request-people", args=[draft.pk])
    results = client.get(people_url, {"name": child.family_name}).content.decode()
    assert child.given_name in results
    client.post(people_url, {"add_existing": child.pk})
    response = client.post(people_url, {"continue": "1"})
    assert response.url == reverse("frontdoor:request-details", args=[draft.pk])
    bad = client.post(
        response.url,
        {"concern": "Worried", "family_agreement": "not_asked", "contact_email": teacher.email},
    )
    html = bad.content.decode()
    assert "There is a problem" in html and "Explain why the family has not been asked" in html
    assert 'href="#id_not_asked_reason"' in html
    response = client.post(
        reverse("frontdoor:request-details", args=[draft.pk]),
        {"concern": "Worried", "family_agreement": "yes", "contact_email": teacher.email},
    )
    assert response.url == reverse("frontdoor:request-check", args=[draft.pk])
    assert "Check your request" in client.get(response.url).content.decode()
    response = client.post(response.url)
    draft.refresh_from_db()
    assert draft.status == RequestStatus.RECEIVED and draft.rating == "red"
    assert "Request sent" in client.get(response.url).content.decode()


def test_immediate_risk_question_must_be_answered(client, teacher):
    client.force_login(teacher)
    html = client.post(reverse("frontdoor:request-new"), {}).content.decode()
    assert "There is a problem" in html and "immediate risk" in html
    assert not RequestForSupport.objects.exists()


def test_a_draft_belongs_to_its_author(client, teacher, outsider, child):
    draft = raise_request(teacher, child, submit=False)
    client.force_login(outsider)
    for name in ("request-people", "request-details", "request-check", "request"):
        assert client.get(reverse(f"frontdoor:{name}", args=[draft.pk])).status_code == 404


def test_the_front_door_triages_on_the_request_page(
    client, teacher, child, front_door, family_worker
):
    request = raise_request(teacher, child)
    client.force_login(front_door)
    queue = client.get(reverse("frontdoor:front-door")).content.decode()
    assert request.reference in queue
    page = client.get(reverse("frontdoor:request", args=[request.pk])).content.decode()
    assert "Who is working with" in page and "Oakfield Primary School" in page
    url = reverse("frontdoor:request", args=[request.pk])
    bad = client.post(
        url,
        {
            "action": "decide",
            "decide-outcome": "early_help",
            "decide-reasons": "Needs.",
            "decide-version": request.version,
        },
    )
    assert "Name the lead professional" in bad.content.decode()
    response = client.post(
        url,
        {
            "action": "decide",
            "decide-outcome": "early_help",
            "decide-reasons": "Needs.",
            "decide-version": request.version,
            "decide-lead_professional": family_worker.pk,
        },
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.DECIDED
    client.force_login(teacher)
    mine = client.get(reverse("frontdoor:my-requests")).content.decode()
    assert "Early help" in mine


def test_request_pages_refuse_another_organisation_like_missing_ones(
    client, teacher, child, outsider
):
    request = raise_request(teacher, child)
    client.force_login(outsider)
    forbidden = client.get(reverse("frontdoor:request", args=[request.pk]))
    missing = client.get(reverse("frontdoor:request", args=[request.pk + 100]))
    assert forbidden.status_code == missing.status_code == 404
    assert client.get(reverse("frontdoor:front-door")).status_code == 404
    assert client.get(reverse("frontdoor:timeliness")).status_code == 404
    assert AccessEvent.objects.filter(action="refused", actor=outsider).count() >= 4


def test_timeliness_page_has_a_chart_and_a_table(client, teacher, child, front_door):
    raise_request(teacher, child)
    client.force_login(front_door)
    html = client.get(reverse("frontdoor:timeliness")).content.decode()
    assert "<svg" in html and "govuk-table" in html and "How this is calculated" in html
    bad = client.get(
        reverse("frontdoor:timeliness"),
        {
            "start_0": "10",
            "start_1": "5",
            "start_2": "2026",
            "end_0": "1",
            "end_1": "5",
            "end_2": "2026",
        },
    ).content.decode()
    assert "The end of the period must be on or after its start" in bad


def test_front_door_queue_query_count_is_flat(
    client, teacher, school, front_door, django_assert_max_num_queries
):
    from tests import factories

    for i in range(3):
        child = factories.person(f"Kid{i}", "Flat")
        factories.involvement(school, child)
        raise_request(teacher, child)
    client.force_login(front_door)
    with django_assert_max_num_queries(25) as few:
        client.get(reverse("frontdoor:front-door"))
    for i in range(10):
        child = factories.person(f"More{i}", "Flat")
        factories.involvement(school, child)
        raise_request(teacher, child)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("frontdoor:front-door"))


def test_a_prefixed_form_points_each_field_at_its_own_error(client, teacher, child, front_door):
    request = raise_request(teacher, child)
    client.force_login(front_door)
    html = client.post(
        reverse("frontdoor:request", args=[request.pk]),
        {
            "action": "decide",
            "decide-outcome": "advice",
            "decide-reasons": "",
            "decide-version": request.version,
        },
    ).content.decode()
    assert 'aria-describedby="id_decide-reasons-error"' in html
    assert 'id="id_decide-reasons-error"' in html
