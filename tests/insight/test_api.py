"""The partnership-health API: the same stored results and the same permissions as the pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from joinedup.audit.models import AccessEvent
from joinedup.insight import services
from joinedup.insight.models import Prompt, SurveyResponse, SurveyRound
from tests.insight.conftest import all_agree, instrument, open_round

pytestmark = pytest.mark.django_db
API = "/api/v1/partnership-health"


@pytest.fixture
def built(partnership):
    return services.build_now()


def test_results_over_json(client, partnership, built):
    client.force_login(partnership.manager)
    network = client.get(f"{API}/network?period=365").json()
    assert network["build_id"] == built.pk
    assert network["summary"]["density"] == pytest.approx(0.5)
    assert network["nodes"][0]["label"] in {"Council", "Health"}
    assert network["nodes_total"] == 4 and len(network["ties"]) == 3
    voice = client.get(f"{API}/voice?period=365&by=sector").json()
    assert {g["group"] for g in voice["groups"]} == {"statutory", "voluntary", "health"}
    continuum = client.get(f"{API}/continuum?period=90").json()
    assert continuum["teams"]["total"] == 2
    prompts = client.get(f"{API}/prompts").json()
    assert prompts and all("Child" not in str(p) for p in prompts)


def test_marking_a_prompt_discussed(client, partnership, built):
    client.force_login(partnership.manager)
    prompt = Prompt.objects.filter(active=True).first()
    response = client.post(
        f"{API}/prompts/{prompt.pk}/discussed",
        {"action_agreed": "Ask the charity to co-lead two families"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["discussions"][0]["action_agreed"].startswith("Ask the charity")
    refused = client.post(
        f"{API}/prompts/{prompt.pk}/discussed",
        {"action_agreed": "  "},
        content_type="application/json",
    )
    assert refused.status_code == 422 and refused.json()["field"] == "action_agreed"


def test_rounds_over_json(client, partnership):
    client.force_login(partnership.manager)
    instrument()
    today = timezone.localdate()
    body = {
        "instrument": "joinedup-collaboration@1",
        "name": "Summer",
        "opens_on": str(today),
        "closes_on": str(today - timedelta(days=3)),
    }
    refused = client.post(f"{API}/surveys/rounds", body, content_type="application/json")
    assert refused.status_code == 422 and refused.json()["field"] == "closes_on"
    body["closes_on"] = str(today + timedelta(days=10))
    created = client.post(f"{API}/surveys/rounds", body, content_type="application/json")
    assert created.status_code == 201
    round_id = created.json()["id"]
    assert client.post(f"{API}/surveys/rounds/{round_id}/open").json()["status"] == "open"
    assert client.post(f"{API}/surveys/rounds/{round_id}/reminders").json()["reminded"] == 6
    again = client.post(f"{API}/surveys/rounds/{round_id}/open")
    assert again.status_code == 409
    results = client.get(f"{API}/surveys/rounds/{round_id}?by=sector").json()
    assert results["round"]["name"] == "Summer" and results["results"] is None


def test_answering_over_json(client, partnership):
    survey_round = open_round(partnership.manager)
    client.force_login(partnership.teacher)
    listed = client.get("/api/v1/surveys").json()
    assert [r["slug"] for r in listed] == [survey_round.slug] and not listed[0]["answered"]
    assert listed[0]["items"][0]["scale"][0] == {"value": 1, "label": "Strongly disagree"}
    answers = all_agree(survey_round)
    answers["SP1"] = 6
    url = f"/api/v1/surveys/{survey_round.slug}/responses"
    refused = client.post(url, {"answers": answers}, content_type="application/json")
    assert refused.status_code == 422 and refused.json()["field"] == "SP1"
    answers["SP1"] = None  # don't know
    assert (
        client.post(url, {"answers": answers}, content_type="application/json").status_code == 201
    )
    twice = client.post(url, {"answers": answers}, content_type="application/json")
    assert twice.status_code == 409
    assert SurveyResponse.objects.get().answers["SP1"] is None
    assert client.get("/api/v1/surveys").json()[0]["answered"]


def test_a_survey_file_is_refused_over_json_naming_the_line(client, partnership):
    client.force_login(partnership.manager)
    bad = (
        b'id = "x"\nversion = "1"\ntitle = "X"\nlicence = "L"\nkind = "themed"\n\n'
        b'[[items]]\nid = "a"\ntext = "A"\n'
    )

    response = client.post(
        f"{API}/surveys/instruments",
        {"file": SimpleUploadedFile("x.toml", bad), "licence_confirmed": "true"},
    )
    assert response.status_code == 422
    assert response.json() == {
        "message": "Line 7: The instrument has no scale: add a [scales.<name>] table with "
        "`labels`.",
        "field": "file",
    }


@pytest.mark.parametrize(
    "path",
    [
        "/network",
        "/voice",
        "/continuum",
        "/prompts",
        "/surveys/rounds",
        "/surveys/instruments",
    ],
)
def test_a_non_manager_gets_the_same_404_as_a_missing_page(client, partnership, built, path):
    client.force_login(partnership.teacher)
    response = client.get(f"{API}{path}")
    assert response.status_code == 404
    assert response.json() == {"message": "Not found", "field": None}
    assert AccessEvent.objects.filter(actor=partnership.teacher, action="refused").exists()


def test_a_non_manager_cannot_change_rounds_or_prompts(client, partnership, built):
    survey_round = open_round(partnership.manager)
    prompt = Prompt.objects.first()
    client.force_login(partnership.adviser)
    for url in (
        f"{API}/surveys/rounds/{survey_round.pk}/close",
        f"{API}/surveys/rounds/{survey_round.pk}/reminders",
        f"{API}/rebuilds",
    ):
        assert client.post(url).status_code == 404
    response = client.post(
        f"{API}/prompts/{prompt.pk}/discussed",
        {"action_agreed": "x"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert SurveyRound.objects.get().status == "open" and not prompt.discussions.exists()


def test_a_round_that_is_not_open_is_missing_to_practitioners(client, partnership):
    survey_round = open_round(partnership.manager)
    services.round_close(actor=partnership.manager, survey_round=survey_round)
    client.force_login(partnership.teacher)
    assert client.get(f"/api/v1/surveys/{survey_round.slug}").status_code == 404
    assert client.get("/api/v1/surveys/no-such-round").status_code == 404


def test_a_rebuild_started_over_json(client, partnership):
    client.force_login(partnership.manager)
    started = client.post(f"{API}/rebuilds")
    assert started.status_code == 202
    progress = client.get(f"{API}/rebuilds/{started.json()['id']}").json()
    assert progress["status"] == "done" and progress["step"] == progress["steps"]
