"""Partnership-health pages: who sees them, what they show and what they never show."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from joinedup.audit.models import AccessEvent
from joinedup.insight import services
from joinedup.insight.models import InsightBuild, Prompt, SurveyResponse, SurveyRound
from tests.insight.conftest import all_agree, open_round

pytestmark = pytest.mark.django_db
PAGES = [
    "/partnership-health/",
    "/partnership-health/network/",
    "/partnership-health/network/?period=90&nodes=profession",
    "/partnership-health/network/?nodes=team&locality=Nowhere",
    "/partnership-health/voice/",
    "/partnership-health/voice/?by=sector&period=90",
    "/partnership-health/continuum/",
    "/partnership-health/surveys/",
    "/partnership-health/surveys/new/",
    "/partnership-health/surveys/instruments/",
    "/partnership-health/prompts/",
    "/partnership-health/prompts/?show=all",
]


@pytest.fixture
def built(partnership):
    return services.build_now()


@pytest.mark.parametrize("url", PAGES)
def test_a_manager_sees_each_page_without_any_child_or_family_name(client, partnership, built, url):
    client.force_login(partnership.manager)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Child1" not in html and "Family1" not in html
    assert len(re.findall(r"<h1[ >]", html)) == 1


@pytest.mark.parametrize("url", PAGES)
def test_everyone_else_gets_the_same_404_as_a_missing_page(client, partnership, built, url):
    client.force_login(partnership.adviser)
    before = AccessEvent.objects.filter(actor=partnership.adviser, action="refused").count()
    response = client.get(url)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    after = AccessEvent.objects.filter(actor=partnership.adviser, action="refused").count()
    assert after == before + 1


def test_an_administrator_sees_them_and_an_anonymous_visitor_signs_in(client, partnership, built):
    from tests import factories

    admin = factories.practitioner(partnership.council, roles=("administrator",))
    client.force_login(admin)
    assert client.get("/partnership-health/network/").status_code == 200
    client.logout()
    assert client.get("/partnership-health/").status_code == 302


def test_the_network_page_draws_the_map_with_its_table(client, partnership, built):
    client.force_login(partnership.manager)
    html = client.get("/partnership-health/network/").content.decode()
    assert html.count("<circle") == 4 and html.count("<line") == 3
    assert 'role="img"' in html and "Ties drawn on the map" in html
    assert "How this is calculated" in html and "Ties present ÷ ties possible" in html
    assert "50.0% of the ties that could exist" in html


def test_the_rebuild_button_starts_a_rebuild_and_shows_its_progress(client, partnership):
    client.force_login(partnership.manager)
    response = client.post("/partnership-health/rebuild/", follow=True)
    build = InsightBuild.objects.get()
    assert response.redirect_chain[-1][0] == f"/partnership-health/rebuilds/{build.pk}/"
    assert "Results rebuilt" in response.content.decode()
    client.force_login(partnership.teacher)
    assert client.post("/partnership-health/rebuild/").status_code == 404
    assert InsightBuild.objects.count() == 1


def test_marking_a_prompt_discussed(client, partnership, built):
    prompt = Prompt.objects.filter(active=True).first()
    client.force_login(partnership.manager)
    url = f"/partnership-health/prompts/{prompt.pk}/"
    empty = client.post(url, {"action_agreed": ""})
    assert empty.status_code == 200 and "There is a problem" in empty.content.decode()
    done = client.post(url, {"action_agreed": "Charity to co-lead the next two families"})
    assert done.status_code == 302
    discussion = prompt.discussions.get()
    assert discussion.recorded_by == partnership.manager
    listing = client.get("/partnership-health/prompts/").content.decode()
    assert "Charity to co-lead the next two families" in listing


def test_setting_up_opening_and_closing_a_round(client, partnership):
    client.force_login(partnership.manager)
    page = client.get("/partnership-health/surveys/new/").content.decode()
    instrument_id = re.search(r'<option value="(\d+)">How well do we work together', page)[1]
    backwards = {
        "instrument": instrument_id,
        "name": "Autumn",
        "opens_on_0": "10",
        "opens_on_1": "10",
        "opens_on_2": "2026",
        "closes_on_0": "1",
        "closes_on_1": "10",
        "closes_on_2": "2026",
    }
    refused = client.post("/partnership-health/surveys/new/", backwards)
    assert "before it opens" in refused.content.decode()
    assert 'id="id_closes_on-error"' in refused.content.decode()
    today, later = timezone.localdate(), timezone.localdate() + timedelta(days=9)
    dates = {
        "opens_on_0": today.day,
        "opens_on_1": today.month,
        "opens_on_2": today.year,
        "closes_on_0": later.day,
        "closes_on_1": later.month,
        "closes_on_2": later.year,
    }
    created = client.post("/partnership-health/surveys/new/", {**backwards, **dates})
    survey_round = SurveyRound.objects.get(name="Autumn")
    assert created.url == f"/partnership-health/surveys/{survey_round.pk}/"
    client.post(f"/partnership-health/surveys/{survey_round.pk}/open/")
    survey_round.refresh_from_db()
    assert survey_round.status == "open"
    client.force_login(partnership.teacher)
    assert client.post(f"/partnership-health/surveys/{survey_round.pk}/close/").status_code == 404
    client.force_login(partnership.manager)
    closed = client.post(f"/partnership-health/surveys/{survey_round.pk}/close/", follow=True)
    survey_round.refresh_from_db()
    assert survey_round.status == "closed" and "Results rebuilt" in closed.content.decode()


def test_a_practitioner_answers_a_round_once_with_radios(client, partnership):
    survey_round = open_round(partnership.manager)
    client.force_login(partnership.teacher)
    nav = client.get("/my-work/").content.decode()
    assert 'href="/surveys/"' in nav and "Partnership health" not in nav
    page = client.get(f"/surveys/{survey_round.slug}/").content.decode()
    assert page.count('class="govuk-radios__input"') == 20 * 6  # five points and "Don't know"
    assert "<legend" in page
    bad = all_agree(survey_round)
    bad["FP1"] = "7"
    refused = client.post(f"/surveys/{survey_round.slug}/", bad)
    assert refused.status_code == 200 and "There is a problem" in refused.content.decode()
    assert not SurveyResponse.objects.exists()
    done = client.post(f"/surveys/{survey_round.slug}/", all_agree(survey_round), follow=True)
    assert "your answers are saved, anonymously" in done.content.decode()
    again = client.post(f"/surveys/{survey_round.slug}/", all_agree(survey_round))
    assert "already answered" in again.content.decode()
    assert SurveyResponse.objects.count() == 1
    nav = client.get("/my-work/").content.decode()
    assert 'href="/surveys/"' not in nav  # nothing left to answer


def test_a_closed_round_is_missing_to_practitioners(client, partnership):
    survey_round = open_round(partnership.manager)
    services.round_close(actor=partnership.manager, survey_round=survey_round)
    client.force_login(partnership.teacher)
    assert client.get(f"/surveys/{survey_round.slug}/").status_code == 404
    assert AccessEvent.objects.filter(
        actor=partnership.teacher, action="refused", object_type="insight.surveyround"
    ).exists()


def test_a_bad_survey_file_is_shown_with_its_line(client, partnership):
    client.force_login(partnership.manager)
    bad = (
        b'id = "x"\nversion = "1"\ntitle = "X"\nlicence = "L"\nkind = "themed"\n'
        b'[scales.a]\nlabels = ["No", "Yes"]\n[[items]]\nid = "a"\ntext = "A"\n'
        b'[[scoring]]\nid = "s"\nitems = []\n'
    )
    response = client.post(
        "/partnership-health/surveys/instruments/",
        {"file": SimpleUploadedFile("x.toml", bad), "licence_confirmed": "on"},
    )
    html = response.content.decode()
    assert "Line 13: Scoring rule &#x27;s&#x27; names no items." in html
    assert "There is a problem" in html


def test_round_results_page_shows_suppressed_cells(client, partnership):
    survey_round = open_round(partnership.manager)
    for person in (partnership.lead, partnership.nurse, partnership.adviser):
        services.response_submit(
            actor=person, survey_round=survey_round, answers=all_agree(survey_round)
        )
    services.build_now()
    client.force_login(partnership.manager)
    html = client.get(f"/partnership-health/surveys/{survey_round.pk}/?by=organisation").content
    assert b"Fewer than 3 responses: not shown" in html
    html = client.get(f"/partnership-health/surveys/{survey_round.pk}/").content.decode()
    assert "People at each point" in html and "Agree: 3" in html


def test_a_practitioner_rates_partners_one_at_a_time(client, partnership):
    survey_round = open_round(partnership.manager, "joinedup-relational", "Partners")
    client.force_login(partnership.adviser)
    page = client.get(f"/surveys/{survey_round.slug}/").content.decode()
    assert "The partner organisation you are rating" in page
    assert "Charity</option>" not in page  # not your own organisation
    answers = {**all_agree(survey_round, 3), "level-of-collaboration": "2"}
    missing = client.post(f"/surveys/{survey_round.slug}/", answers)
    assert "There is a problem" in missing.content.decode()
    rated = client.post(
        f"/surveys/{survey_round.slug}/", {**answers, "partner": partnership.council.pk}
    )
    assert rated.status_code == 302 and rated.url == f"/surveys/{survey_round.slug}/"
    response = SurveyResponse.objects.get()
    assert response.partner == partnership.council and response.organisation == partnership.charity
    again = client.get(f"/surveys/{survey_round.slug}/").content.decode()
    assert "Council (already rated)" in again
