"""On the family's pages each person reads only their own words and what the team shared;
internal decisions never. An episode can be kept from one parent, with the reason, audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from joinedup.audit.models import AccessEvent
from joinedup.episodes import services as t
from joinedup.sharing.models import FamilyWithholding
from tests import factories
from tests.family.conftest import family_user

pytestmark = pytest.mark.django_db


def meetings_page(client, user, family) -> str:
    client.force_login(user)
    return client.get(reverse("family:meetings", args=[family.episode.pk])).content.decode()


def test_each_person_reads_only_their_own_words(client, family, mother_user, father_user):
    assert "We want to stay somewhere safe." in meetings_page(client, mother_user, family)
    assert "stay somewhere safe" not in meetings_page(client, father_user, family)
    teen_user = family_user(family, family.teen, "tyler@example.net")
    assert "stay somewhere safe" not in meetings_page(client, teen_user, family)


def test_words_the_team_shares_reach_the_whole_family(client, family, father_user):
    t.meeting_record(
        actor=family.lead,
        episode=family.episode,
        kind="review",
        held_on=timezone.localdate() - timedelta(days=1),
        attendance={},
        family_said="Everyone wants the children settled at school.",
        family_said_shared=True,
        decisions=[("INTERNAL: strategy discussion with police", "Contact concerns")],
    )
    page = meetings_page(client, father_user, family)
    assert "Everyone wants the children settled at school." in page
    assert "INTERNAL" not in page and "strategy discussion" not in page


def test_internal_decisions_never_reach_the_family(client, family, mother_user):
    page = meetings_page(client, mother_user, family)
    assert "Meet again in four weeks" in page  # shared with the family
    assert "INTERNAL DECISION" not in page and "MASH" not in page
    api = client.get(f"/api/v1/family/episodes/{family.episode.pk}/meetings").json()
    assert "MASH" not in str(api)


def test_a_speaker_must_take_part_in_the_episode(family):
    stranger = factories.person("Kim", "Other", kind="adult")
    from joinedup.errors import ApplicationError

    with pytest.raises(ApplicationError) as error:
        t.meeting_record(
            actor=family.lead,
            episode=family.episode,
            kind="team",
            held_on=timezone.localdate(),
            attendance={},
            family_said="x",
            family_said_by=stranger,
        )
    assert error.value.field == "family_said_by"


def test_the_team_keeps_the_episode_from_the_father(client, family, father_user, outsider):
    accounts = reverse("family:accounts", args=[family.episode.pk])
    client.force_login(family.lead)
    page = client.get(accounts).content.decode()
    assert "Someone in this episode has a confidential address" in page
    withhold = reverse("family:withhold", args=[family.episode.pk, family.father.pk])
    for someone in (outsider, father_user):
        client.force_login(someone)
        assert client.get(withhold).status_code == 404
    client.force_login(family.lead)
    response = client.post(withhold, {"reason": ""})
    assert "Say why it is not shared with them" in response.content.decode()
    assert not FamilyWithholding.objects.exists()
    response = client.post(withhold, {"reason": "court_order", "detail": "Order of 3 May 2026"})
    assert response.status_code == 302
    withheld = FamilyWithholding.objects.get()
    assert AccessEvent.objects.filter(
        actor=family.lead, object_type="sharing.familywithholding", action="create"
    ).exists()
    plan = reverse("family:plan", args=[family.episode.pk])
    client.force_login(father_user)
    assert client.get(plan).status_code == 404
    assert family.episode.reference not in client.get(reverse("family:home")).content.decode()
    client.force_login(family.lead)
    page = client.get(accounts).content.decode()
    assert "Not shared with them" in page and "Order of 3 May 2026" in page
    again = reverse("family:share-again", args=[family.episode.pk, withheld.pk])
    assert client.post(again).status_code == 302
    client.force_login(father_user)
    assert client.get(plan).status_code == 200
