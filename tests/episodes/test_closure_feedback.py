"""The family's feedback at closure: given in person or by phone to the team, or online on the
family's own pages (the same service); shown on the closed episode."""

from __future__ import annotations

import json
import re
import threading
from datetime import timedelta

import pytest
from django.db import connection, connections  # noqa: F401 - connection: the skipif below
from django.urls import reverse
from django.utils import timezone

from joinedup.audit.models import AccessEvent
from joinedup.episodes import feedback
from joinedup.episodes import services as t
from joinedup.episodes.models import ClosureFeedback
from joinedup.errors import ApplicationError, NotFound
from joinedup.frontdoor import services
from joinedup.partnership.models import Notification, Practitioner
from joinedup.sharing import policy
from tests import factories

pytestmark = pytest.mark.django_db
CSRF = re.compile(r'(?:name="csrfmiddlewaretoken" value|nonce)="[^"]*"')


@pytest.fixture
def mum(school, child):
    adult = factories.person("Kelly", "Jones", kind="adult")
    factories.involvement(school, adult, service="Parent")
    return adult


@pytest.fixture
def episode(teacher, child, mum):
    return services.episode_open_practitioner_led(actor=teacher, persons=[child, mum])


@pytest.fixture
def hv(episode, teacher):
    nurse = factories.practitioner(
        factories.organisation("Health Visiting", sector="health"), profession="health_visitor"
    )
    t.member_add(actor=teacher, episode=episode, practitioner=nurse, role="Health visitor")
    return nurse


@pytest.fixture
def closed(episode, teacher, hv):
    t.episode_close(
        actor=teacher, episode=episode, reason="outcomes_achieved", summary="Routines in place."
    )
    episode.refresh_from_db()
    return episode


def give(actor, episode, given_by, **values):
    kwargs = {
        "how": "in_person",
        "rating": 4,
        "what_helped": "Having one person to call.",
        "could_be_better": "Fewer meetings.",
        "given_on": timezone.localdate(),
    } | values
    return feedback.record_closure_feedback(
        actor=actor, episode=episode, given_by=given_by, **kwargs
    )


def test_a_team_member_records_feedback_given_in_person(closed, hv, teacher, mum):
    given = give(hv, closed, mum)
    assert (given.rating, given.how, given.recorded_by, given.given_by) == (4, "in_person", hv, mum)
    assert given.rating_label == "It made a lot of difference"
    event = AccessEvent.objects.get(
        actor=hv, action="create", object_type="episodes.closurefeedback"
    )
    assert event.detail["rating"] == 4 and mum.pk in event.person_ids
    note = Notification.objects.get(recipient=teacher, subject__startswith="Family feedback")
    assert mum.family_name not in note.body  # no names in what is emailed


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"rating": 0}, "rating"),
        ({"rating": 6}, "rating"),
        ({"rating": "lots"}, "rating"),
        ({"rating": None}, "rating"),
        ({"how": "online"}, "how"),
        ({"how": "by pigeon"}, "how"),
        ({"given_on": timezone.localdate() + timedelta(days=1)}, "given_on"),
        ({"given_on": timezone.localdate() - timedelta(days=400)}, "given_on"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(closed, hv, mum, values, field):
    with pytest.raises(ApplicationError) as error:
        give(hv, closed, mum, **values)
    assert error.value.field == field
    assert not ClosureFeedback.objects.exists()


def test_the_giver_must_be_in_the_family(closed, hv):
    stranger = factories.person("Not", "Family", kind="adult")
    with pytest.raises(ApplicationError) as error:
        give(hv, closed, stranger)
    assert error.value.field == "given_by"
    with pytest.raises(ApplicationError) as error:
        give(hv, closed, None)
    assert error.value.field == "given_by"
    assert not ClosureFeedback.objects.exists()


def test_each_family_member_gives_it_once(closed, hv, teacher, mum, child):
    give(hv, closed, mum)
    with pytest.raises(ApplicationError) as error:
        give(teacher, closed, mum, how="phone", rating=2)
    assert (error.value.status, error.value.field) == (409, "given_by")
    give(teacher, closed, child, rating=5, what_helped="Football club.")
    assert ClosureFeedback.objects.count() == 2


def test_feedback_is_for_a_closed_episode(episode, teacher, mum):
    with pytest.raises(ApplicationError) as error:
        give(teacher, episode, mum)
    assert error.value.status == 409
    assert not ClosureFeedback.objects.exists()


def test_an_unrelated_practitioner_is_refused_as_if_the_episode_were_missing(closed, outsider, mum):
    with pytest.raises(NotFound):
        give(outsider, closed, mum)
    with pytest.raises(NotFound):
        feedback.closure_feedback_for_episode(user=outsider, episode_id=closed.pk)
    assert AccessEvent.objects.filter(actor=outsider, action="refused").exists()
    assert not ClosureFeedback.objects.exists()


@pytest.fixture
def family_account(monkeypatch, mum):
    """A family member's own sign-in (the family pages are built elsewhere): no organisation,
    and the policy names the person it belongs to."""
    user = Practitioner.objects.create_user(email="kelly@example.net", password="x-12345678")
    monkeypatch.setattr(policy, "family_person_id", lambda u: mum.pk if u.pk == user.pk else None)
    return user


def test_the_family_gives_their_own_feedback_online(closed, family_account, mum, teacher):
    given = feedback.record_closure_feedback(
        actor=family_account, episode=closed, how="online", rating=5, what_helped="Being heard."
    )
    assert (given.given_by, given.how, given.recorded_by) == (mum, "online", None)
    assert given.given_on == timezone.localdate()
    assert Notification.objects.filter(recipient=teacher, subject__startswith="Family").exists()
    with pytest.raises(ApplicationError) as error:
        feedback.record_closure_feedback(
            actor=family_account, episode=closed, how="online", rating=1
        )
    assert error.value.status == 409


def test_the_family_gives_only_their_own_feedback_online(closed, family_account, child):
    with pytest.raises(NotFound):
        feedback.record_closure_feedback(
            actor=family_account, episode=closed, given_by=child, how="online", rating=5
        )
    with pytest.raises(ApplicationError) as error:
        feedback.record_closure_feedback(
            actor=family_account, episode=closed, how="in_person", rating=5
        )
    assert error.value.field == "how"
    assert not ClosureFeedback.objects.exists()


def test_a_family_account_of_another_family_is_refused(closed, monkeypatch):
    other = factories.person("Other", "Parent", kind="adult")
    user = Practitioner.objects.create_user(email="other@example.net", password="x-12345678")
    monkeypatch.setattr(policy, "family_person_id", lambda u: other.pk)
    with pytest.raises(NotFound):
        feedback.record_closure_feedback(actor=user, episode=closed, how="online", rating=5)


def test_the_page_records_feedback_and_the_closed_episode_shows_it(client, closed, hv, mum):
    client.force_login(hv)
    page = client.get(reverse("episodes:episode", args=[closed.pk])).content.decode()
    assert "The family's feedback" in page and "No feedback yet" in page
    url = reverse("episodes:closure-feedback-add", args=[closed.pk])
    assert url in page
    form = client.get(url).content.decode()
    assert "How much did the help make a difference?" in form and mum.full_name in form
    assert "Online" not in form  # the family give online feedback themselves
    bad = client.post(url, {"given_by": mum.pk, "how": "phone"}).content.decode()
    assert "There is a problem" in bad and 'href="#id_rating' in bad
    assert not ClosureFeedback.objects.exists()
    today = timezone.localdate()
    response = client.post(
        url,
        {
            "given_by": mum.pk,
            "how": "phone",
            "rating": "3",
            "what_helped": "The parenting group.",
            "could_be_better": "Start sooner.",
            "given_on_0": today.day,
            "given_on_1": today.month,
            "given_on_2": today.year,
        },
    )
    assert response.status_code == 302 and response.url == reverse(
        "episodes:episode", args=[closed.pk]
    )
    page = client.get(response.url).content.decode()
    assert "The parenting group." in page and "Start sooner." in page
    assert "3 out of 5" in page and "By phone" in page
    again = client.post(
        url,
        {
            "given_by": mum.pk,
            "how": "phone",
            "rating": "1",
            "given_on_0": today.day,
            "given_on_1": today.month,
            "given_on_2": today.year,
        },
    ).content.decode()
    assert "has already given feedback" in again and ClosureFeedback.objects.count() == 1


def test_the_page_is_only_for_a_closed_episode(client, episode, teacher):
    client.force_login(teacher)
    assert (
        client.get(reverse("episodes:closure-feedback-add", args=[episode.pk])).status_code == 404
    )
    page = client.get(reverse("episodes:episode", args=[episode.pk])).content.decode()
    assert "The family's feedback" not in page


def test_the_page_refuses_an_unrelated_practitioner_like_a_missing_episode(
    client, closed, outsider, mum
):
    client.force_login(outsider)
    url = reverse("episodes:closure-feedback-add", args=[closed.pk])
    missing_url = reverse("episodes:closure-feedback-add", args=[10**9])
    for method in ("get", "post"):
        data = {"given_by": mum.pk, "how": "phone", "rating": "5"} if method == "post" else {}
        response = getattr(client, method)(url, data)
        missing = getattr(client, method)(missing_url, data)
        assert response.status_code == missing.status_code == 404
        assert CSRF.sub("", response.content.decode()).replace(url, "") == CSRF.sub(
            "", missing.content.decode()
        ).replace(missing_url, "")
    assert AccessEvent.objects.filter(actor=outsider, action="refused").count() >= 4
    assert not ClosureFeedback.objects.exists()


def test_the_api_records_and_lists_feedback(client, closed, hv, mum, outsider):
    client.force_login(hv)
    url = f"/api/v1/episodes/{closed.pk}/closure-feedback"
    body = {"given_by_id": mum.pk, "how": "in_person", "rating": 5, "what_helped": "All of it"}
    made = client.post(url, json.dumps(body), content_type="application/json")
    assert made.status_code == 201
    assert made.json()["rating"] == 5 and made.json()["recorded_by_id"] == hv.pk
    for change, field in [
        ({"rating": 9}, "rating"),
        ({"how": "online"}, "how"),
        ({"given_by_id": 10**9}, "given_by_id"),
    ]:
        bad = client.post(url, json.dumps(body | change), content_type="application/json")
        assert bad.status_code == 422 and bad.json()["field"] == field, change
    again = client.post(url, json.dumps(body), content_type="application/json")
    assert again.status_code == 409 and again.json()["field"] == "given_by_id"
    listed = client.get(url).json()
    assert [f["what_helped"] for f in listed] == ["All of it"]
    client.force_login(outsider)
    missing = f"/api/v1/episodes/{10**9}/closure-feedback"
    assert client.get(url).status_code == 404
    assert client.get(url).json() == client.get(missing).json()
    refused = client.post(url, json.dumps(body), content_type="application/json")
    assert refused.status_code == 404
    assert ClosureFeedback.objects.count() == 1


def test_the_closed_episode_page_stays_flat_as_feedback_grows(
    client, closed, hv, teacher, mum, child, django_assert_max_num_queries
):
    client.force_login(teacher)
    give(hv, closed, mum)
    with django_assert_max_num_queries(60) as few:
        client.get(reverse("episodes:episode", args=[closed.pk]))
    give(hv, closed, child)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("episodes:episode", args=[closed.pk]))


@pytest.mark.postgres
@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_two_people_recording_the_same_feedback_at_once_keep_one():
    school = factories.organisation()
    child = factories.person("Maya", "Jones")
    factories.involvement(school, child)
    lead, colleague = factories.practitioner(school), factories.practitioner(school)
    episode = services.episode_open_practitioner_led(actor=lead, persons=[child])
    t.member_add(actor=lead, episode=episode, practitioner=colleague, role="Teacher")
    t.episode_close(actor=lead, episode=episode, reason="other", summary="Done.")
    barrier, outcomes = threading.Barrier(2), []

    def write(user):
        try:
            barrier.wait()
            give(user, episode, child, how="phone")
            outcomes.append("saved")
        except ApplicationError as error:
            outcomes.append(error.status)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(u,)) for u in (lead, colleague)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes, key=str) == [409, "saved"]
    assert ClosureFeedback.objects.count() == 1
