"""The family's API: the same selectors, services and policy as their pages."""

from __future__ import annotations

import pytest

from joinedup.audit.models import AccessEvent
from joinedup.family.models import FamilyComment
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_family_member_reads_their_plans_team_and_meetings(client, family, mother_user):
    client.force_login(mother_user)
    episodes = client.get("/api/v1/family/episodes").json()
    assert [e["id"] for e in episodes] == [family.episode.pk]
    assert episodes[0]["lead_professional"] == family.lead.get_full_name()
    plan = client.get(f"/api/v1/family/episodes/{family.episode.pk}").json()
    assert plan["outcomes"][0]["text"] == "Everyone feels safe at home"
    actions = {a["text"]: a for a in plan["outcomes"][0]["actions"]}
    mine = actions["Register the children with the new GP"]
    assert mine["yours"] and mine["who"] == "You" and mine["status_words"] == "Not started yet"
    team = client.get(f"/api/v1/family/episodes/{family.episode.pk}/team").json()
    lead = next(m for m in team if m["lead_professional"])
    assert lead["email"] == family.lead.email and lead["telephone"] == "01632 960111"
    meetings = client.get(f"/api/v1/family/episodes/{family.episode.pk}/meetings").json()
    assert meetings["past"][0]["family_said"] == "We want to stay somewhere safe."
    assert "notes" not in meetings["past"][0]
    assert "PRACTITIONER-ONLY" not in str(meetings)


def test_a_comment_over_the_api_is_stored_and_audited(client, family, mother_user):
    client.force_login(mother_user)
    url = f"/api/v1/family/episodes/{family.episode.pk}/comments"
    made = client.post(url, {"text": "More help at weekends"}, content_type="application/json")
    assert made.status_code == 201 and made.json()["text"] == "More help at weekends"
    assert FamilyComment.objects.get().text == "More help at weekends"
    assert AccessEvent.objects.filter(actor=mother_user, object_type="family.familycomment")
    empty = client.post(url, {"text": "   "}, content_type="application/json")
    assert empty.status_code == 422 and empty.json()["field"] == "text"
    missing = client.post(url, {}, content_type="application/json")
    assert missing.status_code == 422 and missing.json()["field"] == "text"
    assert FamilyComment.objects.count() == 1


def test_practitioners_and_strangers_get_404_and_anonymous_401(client, family, mother_user):
    episode_id = family.episode.pk
    urls = [
        f"/api/v1/family/episodes/{episode_id}",
        f"/api/v1/family/episodes/{episode_id}/team",
        f"/api/v1/family/episodes/{episode_id}/meetings",
        "/api/v1/family/episodes",
        "/api/v1/family/me",
        "/api/v1/family/consent",
    ]
    for user in (family.lead, factories.practitioner(factories.organisation("Unrelated"))):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, url
        posted = client.post(
            f"/api/v1/family/episodes/{episode_id}/comments",
            {"text": "x"},
            content_type="application/json",
        )
        assert posted.status_code == 404
        assert AccessEvent.objects.filter(actor=user, action="refused").exists()
    client.logout()
    assert client.get("/api/v1/family/episodes").status_code == 401
    assert not FamilyComment.objects.exists()
