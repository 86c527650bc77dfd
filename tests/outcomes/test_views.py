"""The outcomes pages: each form submitted with its own hidden fields, strangers refused as a
missing page, the family on their own pages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from joinedup.audit.models import AccessEvent
from joinedup.episodes import services as t
from joinedup.outcomes.models import IdentifiedNeed, Measurement, OutcomeCategory
from tests.outcomes.conftest import opened_days_ago, second_outcome

pytestmark = pytest.mark.django_db


def hidden_fields(html: str) -> dict[str, str]:
    fields = {}
    for tag in re.findall(r"<input[^>]*type=\"hidden\"[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            fields[name.group(1)] = value.group(1) if value else ""
    return fields


def date_fields(prefix: str, day) -> dict[str, str]:
    return {
        f"{prefix}_0": str(day.day),
        f"{prefix}_1": str(day.month),
        f"{prefix}_2": str(day.year),
    }


def test_the_team_records_scores_at_a_review_through_the_form(client, family):
    opened_days_ago(family.episode, 40)
    outcome = family.episode.outcomes.get()
    held = timezone.localdate() - timedelta(days=1)
    review = t.meeting_record(
        actor=family.lead,
        episode=family.episode,
        kind="review",
        held_on=held,
        attendance={family.mother_member.pk: "attended"},
    )
    client.force_login(family.lead)
    episode_page = client.get(f"/episodes/{family.episode.pk}/").content.decode()
    assert f"/episodes/{family.episode.pk}/outcomes/record/?meeting={review.pk}" in episode_page
    url = f"/episodes/{family.episode.pk}/outcomes/record/?meeting={review.pk}"
    html = client.get(url).content.decode()
    assert html.count("<h1") == 1 and "for the review on" in html
    data = hidden_fields(html)
    assert data["meeting"] == str(review.pk)
    data |= date_fields("measured_on", held) | {
        "voice": "practitioner",
        f"score_{outcome.pk}": "4",
        f"note_{outcome.pk}": "Safer since the move",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    m = Measurement.objects.get()
    assert (m.score, m.meeting_id, m.measured_on, m.note) == (
        4,
        review.pk,
        held,
        "Safer since the move",
    )
    assert AccessEvent.objects.filter(object_type="outcomes.measurement").exists()


def test_recording_a_review_meeting_goes_on_to_ask_for_the_scores(client, family):
    client.force_login(family.lead)
    url = f"/episodes/{family.episode.pk}/meetings/add/"
    html = client.get(url).content.decode()
    data = hidden_fields(html) | date_fields("held_on", timezone.localdate()) | {"kind": "review"}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "/outcomes/record/?meeting=" in response["Location"]


def test_bad_scores_get_an_error_summary_and_nothing_is_written(client, family):
    outcome = family.episode.outcomes.get()
    client.force_login(family.lead)
    url = f"/episodes/{family.episode.pk}/outcomes/record/"
    html = client.get(url).content.decode()
    tomorrow = timezone.localdate() + timedelta(days=1)
    data = (
        hidden_fields(html)
        | date_fields("measured_on", tomorrow)
        | {
            "voice": "practitioner",
            f"score_{outcome.pk}": "12",
        }
    )
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in page
    assert "#id_measured_on" in page or "id_measured_on" in page
    assert not Measurement.objects.exists()
    # No score at all, and a family member's view without the family member.
    data = (
        hidden_fields(html) | date_fields("measured_on", timezone.localdate()) | {"voice": "family"}
    )
    page = client.post(url, data).content.decode()
    assert "Give a score for at least one outcome" in page
    assert "Choose the family member whose view this is" in page
    assert not Measurement.objects.exists()


def test_a_need_is_recorded_through_the_form(client, family):
    outcome = family.episode.outcomes.get()
    housing = OutcomeCategory.objects.get(code="housing")
    client.force_login(family.lead)
    url = f"/episodes/{family.episode.pk}/outcomes/needs/add/"
    html = client.get(url).content.decode()
    assert "Secure housing" in html
    data = (
        hidden_fields(html)
        | date_fields("identified_on", timezone.localdate())
        | {
            "headline": str(housing.pk),
            "outcomes": [str(outcome.pk)],
            "note": "Temporary accommodation",
        }
    )
    assert client.post(url, data).status_code == 302
    need = IdentifiedNeed.objects.get()
    assert need.headline == housing and list(need.outcomes.all()) == [outcome]
    page = client.get(f"/episodes/{family.episode.pk}/outcomes/").content.decode()
    assert "Temporary accommodation" in page and "Secure housing" in page


def test_the_distance_page_shows_both_voices_chart_and_table(client, family, mother_user):
    from joinedup.outcomes import services

    opened_days_ago(family.episode, 100)
    outcome = family.episode.outcomes.get()
    for days, score in ((90, 2), (10, 7)):
        services.measurements_record(
            actor=family.lead,
            episode_id=family.episode.pk,
            scores=[services.Score(outcome.pk, score)],
            measured_on=timezone.localdate() - timedelta(days=days),
        )
    services.family_measurement_record(
        actor=mother_user, episode_id=family.episode.pk, score=services.Score(outcome.pk, 4)
    )
    client.force_login(family.lead)
    html = client.get(f"/episodes/{family.episode.pk}/outcomes/").content.decode()
    assert html.count("<h1") == 1
    assert "<svg" in html and "The scores as a table" in html
    assert "2 at first" in html and "7 now" in html and "up 5" in html
    assert "Jodie Carter" in html  # the family member's own line, beside the team's


def test_strangers_and_family_accounts_are_refused_the_teams_pages(
    client, family, mother_user, outsider_user
):
    urls = [
        f"/episodes/{family.episode.pk}/outcomes/",
        f"/episodes/{family.episode.pk}/outcomes/record/",
        f"/episodes/{family.episode.pk}/outcomes/needs/add/",
        f"/episodes/{family.episode.pk}/outcomes/check/",
    ]
    for user in (outsider_user, mother_user):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(urls[1], {"voice": "practitioner"}).status_code == 404
    assert not Measurement.objects.exists()


def test_the_family_says_how_things_are_on_their_own_pages(client, family, mother_user):
    outcome = family.episode.outcomes.get()
    client.force_login(mother_user)
    page = client.get(f"/family/episodes/{family.episode.pk}/how-things-are/").content.decode()
    assert page.count("<h1") == 1 and "How things are" in page
    assert "My people" not in page  # the family's own menu
    url = f"/family/episodes/{family.episode.pk}/how-things-are/{outcome.pk}/"
    html = client.get(url).content.decode()
    response = client.post(url, hidden_fields(html) | {"score": "3", "note": "Better days"})
    assert response.status_code == 302
    # The picture scale, as a child might answer.
    html = client.get(url + "?scale=pictures").content.decode()
    assert "Very good" in html and "<svg" in html
    client.post(url + "?scale=pictures", hidden_fields(html) | {"score": "7"})
    scores = list(Measurement.objects.values_list("score", "picture_scale", "person_id", "voice"))
    assert scores == [
        (3, False, family.mother.pk, "family"),
        (7, True, family.mother.pk, "family"),
    ]
    # A bad score is refused with the error summary.
    page = client.post(url, hidden_fields(html) | {"score": "11"}).content.decode()
    assert "govuk-error-summary" in page and Measurement.objects.count() == 2
    page = client.get(f"/family/episodes/{family.episode.pk}/how-things-are/").content.decode()
    assert "Your view" in page and "Better days" in page


def test_the_family_sees_only_their_own_view_beside_the_teams(client, family, mother_user):
    from joinedup.outcomes import services

    outcome = family.episode.outcomes.get()
    services.measurements_record(
        actor=family.lead,
        episode_id=family.episode.pk,
        scores=[services.Score(outcome.pk, 5, "FATHER SAID THIS")],
        measured_on=timezone.localdate(),
        voice="family",
        person_id=family.father.pk,
    )
    client.force_login(mother_user)
    page = client.get(f"/family/episodes/{family.episode.pk}/how-things-are/").content.decode()
    assert "FATHER SAID THIS" not in page


def test_the_family_sees_the_teams_scores_but_not_the_teams_notes(client, family, mother_user):
    from joinedup.outcomes import services

    outcome = family.episode.outcomes.get()
    opened_days_ago(family.episode, 10)
    services.measurements_record(
        actor=family.lead,
        episode_id=family.episode.pk,
        scores=[services.Score(outcome.pk, 3, "TEAM NOTE: worried about the father")],
        measured_on=timezone.localdate() - timedelta(days=5),
    )
    services.measurements_record(
        actor=family.lead,
        episode_id=family.episode.pk,
        scores=[services.Score(outcome.pk, 6, "SHE SAID THIS AT THE REVIEW")],
        measured_on=timezone.localdate(),
        voice="family",
        person_id=family.mother.pk,
    )
    client.force_login(mother_user)
    page = client.get(f"/family/episodes/{family.episode.pk}/how-things-are/").content.decode()
    assert "TEAM NOTE" not in page
    assert "SHE SAID THIS AT THE REVIEW" in page  # her own words, written down by the team
    assert re.search(r"The team</td><td[^>]*>3</td>", page)  # the team's score itself is shown
    assert "6 on " in page and "one score so far" in page  # her one score, not "no change"
    client.force_login(family.lead)
    team = client.get(f"/episodes/{family.episode.pk}/outcomes/").content.decode()
    assert "TEAM NOTE" in team and "SHE SAID THIS AT THE REVIEW" in team


def test_practitioners_and_strangers_are_refused_the_familys_pages(client, family, outsider_user):
    outcome = family.episode.outcomes.get()
    for user in (family.lead, outsider_user):
        client.force_login(user)
        base = f"/family/episodes/{family.episode.pk}/how-things-are/"
        assert client.get(base).status_code == 404
        assert client.post(f"{base}{outcome.pk}/", {"score": "5"}).status_code == 404
    assert not Measurement.objects.exists()


def test_the_episode_page_links_to_outcomes_over_time(client, family):
    second_outcome(family)
    client.force_login(family.lead)
    html = client.get(f"/episodes/{family.episode.pk}/").content.decode()
    assert f"/episodes/{family.episode.pk}/outcomes/" in html


def test_the_closure_summary_shows_distance_travelled(client, family):
    from joinedup.outcomes import services

    outcome = family.episode.outcomes.get()
    services.measurements_record(
        actor=family.lead,
        episode_id=family.episode.pk,
        scores=[services.Score(outcome.pk, 6)],
        measured_on=timezone.localdate(),
    )
    t.episode_close(
        actor=family.lead, episode=family.episode, reason="outcomes_achieved", summary="Settled"
    )
    client.force_login(family.lead)
    html = client.get(f"/episodes/{family.episode.pk}/").content.decode()
    assert "Distance travelled: first score against latest" in html
    assert "6 → 6 (0)" in html
