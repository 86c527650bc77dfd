"""The demo's partnership-health story is there for the pages to reveal, and loads only once."""

from __future__ import annotations

import pytest

from joinedup.demo import loader
from joinedup.episodes.models import Episode
from joinedup.insight.models import (
    BuildStatus,
    InsightBuild,
    Prompt,
    SurveyResponse,
    SurveyResult,
    SurveyRound,
    VoiceResult,
)
from joinedup.partnership.models import Practitioner
from joinedup.people.models import Person

pytestmark = pytest.mark.django_db


def test_the_demo_tells_its_story_and_loads_it_once(client):
    loader.load(families=25, seed=2026)
    build = InsightBuild.objects.filter(status=BuildStatus.DONE).first()
    assert build is not None
    sectors = VoiceResult.objects.get(build=build, period_days=365, group_by="sector").payload
    shares = {g["group"]: g["shares"] for g in sectors["groups"]}
    assert shares["police"]["lead_roles"] + shares["health"]["lead_roles"] > 0.5
    assert shares["voluntary"]["actions_owned"] > 0.5
    assert "Voluntary" in sectors["flagged"]
    differ = Prompt.objects.filter(kind="ratings_differ")
    assert any(
        set(p.evidence["organisation_names"])
        == {"Demo Shire Police", "Safe Harbour Domestic Abuse Service"}
        for p in differ
    )
    closed = SurveyRound.objects.filter(status="closed", instrument__kind="themed").get()
    by_org = SurveyResult.objects.get(build=build, round=closed, group_by="organisation")
    shown = [g for g in by_org.payload["groups"] if not g["scores"]["common-purpose"]["suppressed"]]
    assert shown and all(g["scores"]["common-purpose"]["n"] >= 3 for g in shown)
    assert len(shown) < len(by_org.payload["groups"])  # smaller organisations are suppressed
    assert SurveyRound.objects.filter(status="open").exists()

    rounds, episodes, responses = (
        SurveyRound.objects.count(),
        Episode.objects.count(),
        SurveyResponse.objects.count(),
    )
    loader.load(families=25, seed=2026)
    assert (SurveyRound.objects.count(), Episode.objects.count()) == (rounds, episodes)
    assert SurveyResponse.objects.count() == responses

    client.force_login(Practitioner.objects.get(email="ravi.patel@earlyhelp.example"))
    names = [f"{g} {f}" for g, f in Person.objects.values_list("given_name", "family_name")]
    for url in (
        "/partnership-health/network/",
        "/partnership-health/voice/",
        "/partnership-health/continuum/",
        "/partnership-health/prompts/",
        f"/partnership-health/surveys/{closed.pk}/?by=organisation",
    ):
        html = client.get(url).content.decode()
        assert not [n for n in names if n in html], url
